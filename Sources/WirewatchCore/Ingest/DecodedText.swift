#if canImport(Glibc)
import Glibc
#endif

/// Text decoded from a file's bytes, with the encoding that was used.
public struct DecodedText: Sendable, Equatable {
    /// The encodings the decoder can recognise without a declaration.
    public enum Encoding: String, Sendable, Codable, CaseIterable {
        case utf8 = "utf-8"
        case utf8WithBOM = "utf-8-bom"
        case utf16LE = "utf-16le"
        case utf16BE = "utf-16be"
        case windows1252 = "windows-1252"
    }

    public var text: String
    public var encoding: Encoding

    public init(text: String, encoding: Encoding) {
        self.text = text
        self.encoding = encoding
    }

    /// Decodes bytes as well as it can be done without knowing the format: a byte order mark wins,
    /// then valid UTF-8, then Windows-1252 (a superset of the printable ISO-8859-1 range, which is
    /// what undeclared legacy German text almost always is). Line ends are normalised to `\n`.
    public static func decode(_ bytes: [UInt8]) -> DecodedText {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return DecodedText(text: normaliseLineEnds(utf8Repairing(bytes.dropFirst(3))), encoding: .utf8WithBOM)
        }
        if bytes.starts(with: [0xFF, 0xFE]) {
            return DecodedText(text: normaliseLineEnds(utf16(bytes.dropFirst(2), littleEndian: true)), encoding: .utf16LE)
        }
        if bytes.starts(with: [0xFE, 0xFF]) {
            return DecodedText(text: normaliseLineEnds(utf16(bytes.dropFirst(2), littleEndian: false)), encoding: .utf16BE)
        }
        if let text = String(validating: bytes, as: UTF8.self) {
            let hasCarriageReturn = bytes.withUnsafeBufferPointer { $0.baseAddress.map { memchr($0, 13, bytes.count) != nil } ?? false }
            return DecodedText(text: hasCarriageReturn ? normaliseLineEnds(text) : text, encoding: .utf8)
        }
        return DecodedText(text: normaliseLineEnds(windows1252(bytes)), encoding: .windows1252)
    }

    private static func utf8Repairing(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    private static func utf16(_ bytes: ArraySlice<UInt8>, littleEndian: Bool) -> String {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            let first = UInt16(bytes[index]), second = UInt16(bytes[index + 1])
            units.append(littleEndian ? first | second << 8 : first << 8 | second)
            index += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    /// Decodes as Windows-1252 whatever the bytes are.
    public static func decodeWindows1252(_ bytes: [UInt8]) -> String {
        windows1252(bytes)
    }

    /// Windows-1252: ISO-8859-1 with printable characters in 0x80–0x9F.
    private static func windows1252(_ bytes: [UInt8]) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        for byte in bytes {
            if byte >= 0x80 && byte <= 0x9F, let mapped = Unicode.Scalar(cp1252High[Int(byte - 0x80)]) {
                scalars.append(mapped)
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return String(scalars)
    }

    private static let cp1252High: [UInt32] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
        0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
    ]

    /// CRLF and lone CR become LF.
    static func normaliseLineEnds(_ text: String) -> String {
        guard text.utf8.contains(13) else { return text }
        var result = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\r" {
                result.append("\n")
                previousWasCR = true
                continue
            }
            if scalar == "\n" && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = false
            result.append(scalar)
        }
        return String(result)
    }
}
