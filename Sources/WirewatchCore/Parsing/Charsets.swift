/// Decodes bytes in a declared character set (HTML `<meta charset>`, MIME `charset=`), falling back
/// to the undeclared guess of ``DecodedText/decode(_:)`` when the name is unknown or the bytes are
/// not valid in it.
public enum Charsets {
    /// The text and the name of the encoding actually used.
    public static func decode(_ bytes: [UInt8], declared: String?) -> (text: String, encoding: String) {
        let name = declared.map { $0.lowercased().trimmingWhitespace().trimmingQuotes() } ?? ""
        switch name {
        case "utf-8", "utf8", "unicode-1-1-utf-8":
            if let text = String(validating: bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes, as: UTF8.self) {
                return (DecodedText.normaliseLineEnds(text), "utf-8")
            }
        case "iso-8859-1", "latin1", "latin-1", "l1", "iso8859-1", "iso_8859-1", "us-ascii", "ascii", "windows-1252", "cp1252", "x-cp1252":
            // Browsers treat all of these as Windows-1252 (WHATWG Encoding), and so do we; but text
            // that is valid UTF-8 with non-ASCII bytes was mislabelled (Latin-1 German never is).
            if !isNonASCIIUTF8(bytes) {
                return (DecodedText.normaliseLineEnds(windows1252(bytes)), "windows-1252")
            }
        case "iso-8859-15", "latin9", "latin-9", "iso8859-15", "l9":
            if !isNonASCIIUTF8(bytes) {
                return (DecodedText.normaliseLineEnds(latin9(bytes)), "iso-8859-15")
            }
        case "utf-16", "utf-16le", "utf-16be":
            let decoded = DecodedText.decode(bytes)
            return (decoded.text, decoded.encoding.rawValue)
        default:
            break
        }
        let decoded = DecodedText.decode(bytes)
        return (decoded.text, decoded.encoding.rawValue)
    }

    static func isNonASCIIUTF8(_ bytes: [UInt8]) -> Bool {
        bytes.contains { $0 >= 0x80 } && String(validating: bytes, as: UTF8.self) != nil
    }

    static func windows1252(_ bytes: [UInt8]) -> String {
        DecodedText.decodeWindows1252(bytes)
    }

    /// ISO-8859-15: Latin-1 with €, Š, š, Ž, ž, Œ, œ, Ÿ in eight places.
    static func latin9(_ bytes: [UInt8]) -> String {
        let replacements: [UInt8: Unicode.Scalar] = [
            0xA4: "\u{20AC}", 0xA6: "\u{0160}", 0xA8: "\u{0161}", 0xB4: "\u{017D}", 0xB8: "\u{017E}",
            0xBC: "\u{0152}", 0xBD: "\u{0153}", 0xBE: "\u{0178}",
        ]
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        for byte in bytes { scalars.append(replacements[byte] ?? Unicode.Scalar(byte)) }
        return String(scalars)
    }
}

extension String {
    func trimmingQuotes() -> String {
        var text = Substring(self)
        while let first = text.first, first == "\"" || first == "'" { text = text.dropFirst() }
        while let last = text.last, last == "\"" || last == "'" { text = text.dropLast() }
        return String(text)
    }
}
