/// Splits a byte stream into Varlink messages: JSON objects each terminated by a NUL byte.
public struct VarlinkFrameDecoder: Sendable {
    /// Messages larger than this are refused.
    public let maximumMessageSize: Int
    private var buffer: [UInt8] = []
    /// How far `buffer` is known to hold no terminator (so a long message arriving in many small
    /// reads is scanned once, not once per read).
    private var scanned = 0

    public enum DecodeError: Error, Equatable, Sendable {
        /// A message grew beyond ``maximumMessageSize`` without its terminator.
        case messageTooLarge(limit: Int)
    }

    public init(maximumMessageSize: Int = 1 << 20) {
        self.maximumMessageSize = maximumMessageSize
    }

    /// Adds received bytes and returns every complete message (without its NUL).
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(DecodeError) -> [[UInt8]] {
        buffer.append(contentsOf: bytes)
        var messages: [[UInt8]] = []
        var start = 0
        while let end = buffer[max(start, scanned)...].firstIndex(of: 0) {
            guard end - start <= maximumMessageSize else { throw .messageTooLarge(limit: maximumMessageSize) }
            messages.append(Array(buffer[start..<end]))
            start = end + 1
            scanned = start
        }
        buffer.removeFirst(start)
        scanned = buffer.count
        guard buffer.count <= maximumMessageSize else { throw .messageTooLarge(limit: maximumMessageSize) }
        return messages
    }

    /// Bytes of an unfinished message.
    public var pendingByteCount: Int { buffer.count }

    /// Frames one message for sending.
    public static func frame(_ message: [UInt8]) -> [UInt8] {
        message + [0]
    }
}
