/// Why a file's bytes cannot be an article. Every case renders a sentence for an operator.
public enum ContentRejection: Error, Sendable, Equatable, CustomStringConvertible {
    /// Zero bytes.
    case empty
    /// Only spaces, tabs and line ends.
    case whitespaceOnly
    /// Larger than the configured limit.
    case tooLarge(size: Int64, limit: Int64)
    /// Binary data: a known file signature or bytes that text does not contain.
    case binary(evidence: String)

    /// A stable machine-readable code, used in `NAME.error.json` and the journal.
    public var code: String {
        switch self {
        case .empty: "empty"
        case .whitespaceOnly: "whitespace-only"
        case .tooLarge: "too-large"
        case .binary: "binary"
        }
    }

    public var description: String {
        switch self {
        case .empty: "the file is empty"
        case .whitespaceOnly: "the file holds only whitespace"
        case .tooLarge(let size, let limit): "the file has \(size) bytes, more than the limit of \(limit) bytes"
        case .binary(let evidence): "the file holds binary data, not text (\(evidence))"
        }
    }
}

/// Decides whether bytes can be text at all, before any parsing is attempted.
public enum ContentScreening {
    /// Signatures of common binary formats that get renamed to `.txt` by mistake.
    static let signatures: [(name: String, magic: [UInt8])] = [
        ("PNG image", [0x89, 0x50, 0x4E, 0x47]),
        ("JPEG image", [0xFF, 0xD8, 0xFF]),
        ("GIF image", Array("GIF8".utf8)),
        ("PDF document", Array("%PDF".utf8)),
        ("ZIP archive", [0x50, 0x4B, 0x03, 0x04]),
        ("gzip data", [0x1F, 0x8B]),
        ("ELF executable", [0x7F, 0x45, 0x4C, 0x46]),
        ("WebP/RIFF data", Array("RIFF".utf8)),
        ("SQLite database", Array("SQLite format 3".utf8)),
    ]

    /// How many leading bytes are inspected for control characters.
    static let sampleSize = 8192

    /// Checks `bytes` and returns nil when they can be text, or why not.
    public static func rejection(for bytes: [UInt8], limit: Int64) -> ContentRejection? {
        if bytes.isEmpty { return .empty }
        if Int64(bytes.count) > limit { return .tooLarge(size: Int64(bytes.count), limit: limit) }
        for signature in signatures where bytes.starts(with: signature.magic) {
            return .binary(evidence: "starts like a \(signature.name)")
        }
        let isUTF16 = bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF])
        let sample = bytes.prefix(sampleSize)
        if !isUTF16 {
            var controls = 0
            var zero: Int?
            bytes.withUnsafeBufferPointer { buffer in
                for offset in 0..<sample.count {
                    let byte = buffer[offset]
                    guard byte < 0x20 else { continue }
                    if byte == 0 {
                        zero = offset
                        return
                    }
                    if byte != 0x09 && byte != 0x0A && byte != 0x0D && byte != 0x0C { controls += 1 }
                }
            }
            if let zero { return .binary(evidence: "NUL byte at offset \(zero)") }
            if controls * 20 > sample.count {
                return .binary(evidence: "\(controls) control bytes in the first \(sample.count)")
            }
            let isBlank = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C }
            if isBlank(bytes[0]) && bytes.allSatisfy(isBlank) {
                return .whitespaceOnly
            }
        } else if DecodedText.decode(bytes).text.allSatisfy(\.isWhitespace) {
            return .whitespaceOnly
        }
        return nil
    }
}
