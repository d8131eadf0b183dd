import Crypto

/// The SHA-256 of a file's bytes, as lowercase hex: the identity of its content.
public struct ContentHash: Hashable, Sendable, CustomStringConvertible {
    /// 64 lowercase hexadecimal characters.
    public let hex: String

    /// Hashes `bytes`.
    public init<Bytes: Sequence>(of bytes: Bytes) where Bytes.Element == UInt8 {
        let digest = SHA256.hash(data: Array(bytes))
        var hex = ""
        hex.reserveCapacity(64)
        for byte in digest {
            hex.append(Self.digits[Int(byte >> 4)])
            hex.append(Self.digits[Int(byte & 0x0F)])
        }
        self.hex = hex
    }

    /// Wraps an already computed hex digest (as read back from the store).
    public init(hex: String) {
        self.hex = hex
    }

    public var description: String { hex }

    private static let digits = Array("0123456789abcdef")
}
