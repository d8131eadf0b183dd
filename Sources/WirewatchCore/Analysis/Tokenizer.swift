/// Splits UTF-8 text into word tokens at the byte level, folding each to the form the engine
/// compares: lowercase, typographic quotes and dashes unified, `ß` as `ss`, an English possessive
/// `'s` dropped, thousands separators removed from numbers (`6,900`, `6.900` → `6900`).
///
/// Hyphens split words (`Kim Jong-un` and `Kim Jong Un` give the same tokens), and sentence
/// boundaries are tracked so that names can be told from capitalised sentence starts.
struct Tokenizer {
    /// One word, valid only during the callback that receives it.
    struct Token {
        /// The folded bytes (lowercase, normalised).
        var folded: UnsafeBufferPointer<UInt8>
        /// Where the word stands in the input.
        var range: Range<Int>
        /// Written with an uppercase first letter.
        var isCapitalised: Bool
        /// The first word of its sentence (or line).
        var startsSentence: Bool
        /// Digits, possibly with a decimal point.
        var isNumber: Bool
        /// Counts the sentences before this one in the text.
        var sentence: Int
    }

    /// Where a word is folded; longer words are cut (nothing in news is a 256-byte word).
    private let scratch = Scratch()

    final class Scratch {
        static let capacity = 256
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: Scratch.capacity)

        deinit {
            bytes.deallocate()
        }
    }

    /// Calls `body` with every token of `bytes`, in order.
    mutating func tokens(in bytes: UnsafeBufferPointer<UInt8>, _ body: (Token) -> Void) {
        var index = 0
        let count = bytes.count
        var sentence = 0
        var atSentenceStart = true
        // The last token was a short number or a single letter: a following `.` is an ordinal or
        // an initial (`18. Juni`, `J. Smith`), not a sentence end.
        var lastWasAbbreviation = false
        var pendingBoundary = false
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                if Self.isASCIIWordByte(byte) {
                    index = word(in: bytes, from: index, sentence: &sentence, atSentenceStart: &atSentenceStart,
                        pendingBoundary: &pendingBoundary, lastWasAbbreviation: &lastWasAbbreviation, body)
                    continue
                }
                switch byte {
                case 0x2E, 0x21, 0x3F:  // . ! ?
                    if byte != 0x2E || !lastWasAbbreviation { pendingBoundary = true }
                case 0x0A, 0x3A, 0x3B:  // line break, : ;
                    pendingBoundary = true
                default:
                    break
                }
                index += 1
                continue
            }
            let (scalar, length) = Self.decode(bytes, at: index)
            if Self.isLetter(scalar) {
                index = word(in: bytes, from: index, sentence: &sentence, atSentenceStart: &atSentenceStart,
                    pendingBoundary: &pendingBoundary, lastWasAbbreviation: &lastWasAbbreviation, body)
                continue
            }
            if scalar.value == 0x2026 { pendingBoundary = true }  // …
            index += length
        }
    }

    /// Reads one word starting at `start`, calls `body` with it, and returns the index after it.
    private mutating func word(
        in bytes: UnsafeBufferPointer<UInt8>, from start: Int, sentence: inout Int, atSentenceStart: inout Bool,
        pendingBoundary: inout Bool, lastWasAbbreviation: inout Bool, _ body: (Token) -> Void
    ) -> Int {
        if pendingBoundary {
            sentence += 1
            atSentenceStart = true
            pendingBoundary = false
        }
        let count = bytes.count
        var index = start
        var length = 0
        var capitalised = false
        var digitsOnly = true
        var letters = 0
        let first = bytes[start]
        let startsWithDigit = first >= 0x30 && first <= 0x39
        let scratchBytes = scratch.bytes
        while index < count {
            let byte = bytes[index]
            if byte >= 0x61 && byte <= 0x7A {
                // The common case, a run of lowercase ASCII letters, without further checks.
                var run = index
                while run < count, bytes[run] >= 0x61 && bytes[run] <= 0x7A {
                    if length < Scratch.capacity {
                        scratchBytes[length] = bytes[run]
                        length += 1
                    }
                    run += 1
                }
                letters += run - index
                digitsOnly = false
                index = run
                continue
            }
            if byte < 0x80 {
                if byte >= 0x30 && byte <= 0x39 {
                    append(byte, at: &length)
                    index += 1
                    continue
                }
                if (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A {
                    if letters == 0 && length == 0 && byte <= 0x5A { capitalised = true }
                    append(byte | 0x20, at: &length)
                    letters += 1
                    digitsOnly = false
                    index += 1
                    continue
                }
                // A decimal or thousands separator between digits belongs to the number.
                if startsWithDigit && digitsOnly && (byte == 0x2E || byte == 0x2C) && index + 1 < count
                    && bytes[index + 1] >= 0x30 && bytes[index + 1] <= 0x39 && length > 0
                {
                    append(byte, at: &length)
                    index += 1
                    continue
                }
                // An apostrophe inside a word (`don't`); a possessive `'s` is dropped below.
                if byte == 0x27 && letters > 0 && index + 1 < count && Self.isASCIILetter(bytes[index + 1]) {
                    append(0x27, at: &length)
                    index += 1
                    continue
                }
                break
            }
            let (scalar, scalarLength) = Self.decode(bytes, at: index)
            if scalar.value == 0x2019 && letters > 0 && index + scalarLength < count
                && Self.isASCIILetter(bytes[index + scalarLength])
            {
                append(0x27, at: &length)  // ’ inside a word, as '
                index += scalarLength
                continue
            }
            guard Self.isLetter(scalar) || Self.isCombiningMark(scalar) else { break }
            if letters == 0 && length == 0 && Self.isUppercase(scalar) { capitalised = true }
            appendLowercased(scalar, at: &length)
            letters += 1
            digitsOnly = false
            index += scalarLength
        }
        // Drop an English possessive.
        let folded = scratch.bytes
        if length > 2 && folded[length - 2] == 0x27 && folded[length - 1] == 0x73 { length -= 2 }
        var isNumber = false
        if digitsOnly && length > 0 {
            isNumber = true
            length = Self.normaliseNumber(folded, length)
        }
        let startsSentence = atSentenceStart
        atSentenceStart = false
        lastWasAbbreviation = (isNumber && length <= 2) || (letters == 1 && !isNumber)
        if length > 0 {
            body(
                Token(
                    folded: UnsafeBufferPointer(start: folded, count: length), range: start..<index,
                    isCapitalised: capitalised, startsSentence: startsSentence, isNumber: isNumber, sentence: sentence))
        }
        return index
    }

    @inline(__always)
    private func append(_ byte: UInt8, at length: inout Int) {
        guard length < Scratch.capacity else { return }
        scratch.bytes[length] = byte
        length += 1
    }

    private func appendLowercased(_ scalar: Unicode.Scalar, at length: inout Int) {
        let value = scalar.value
        if value == 0xDF || value == 0x1E9E {  // ß, ẞ
            append(0x73, at: &length)
            append(0x73, at: &length)
            return
        }
        var lowered = scalar
        if value >= 0xC0 && value <= 0xDE && value != 0xD7 {
            lowered = Unicode.Scalar(value + 0x20)!
        } else if value > 0xFF && scalar.properties.isUppercase {
            lowered = scalar.properties.lowercaseMapping.unicodeScalars.first ?? scalar
        }
        let code = lowered.value
        if code < 0x80 {
            append(UInt8(code), at: &length)
        } else if code < 0x800 {
            append(UInt8(0xC0 | (code >> 6)), at: &length)
            append(UInt8(0x80 | (code & 0x3F)), at: &length)
        } else if code < 0x10000 {
            append(UInt8(0xE0 | (code >> 12)), at: &length)
            append(UInt8(0x80 | ((code >> 6) & 0x3F)), at: &length)
            append(UInt8(0x80 | (code & 0x3F)), at: &length)
        } else {
            append(UInt8(0xF0 | (code >> 18)), at: &length)
            append(UInt8(0x80 | ((code >> 12) & 0x3F)), at: &length)
            append(UInt8(0x80 | ((code >> 6) & 0x3F)), at: &length)
            append(UInt8(0x80 | (code & 0x3F)), at: &length)
        }
    }

    /// `6,900` and `6.900` (groups of three after the first) → `6900`; `5,6` → `5.6`.
    static func normaliseNumber(_ bytes: UnsafeMutablePointer<UInt8>, _ length: Int) -> Int {
        var separators = 0
        var groupLength = 0
        var thousands = true
        var firstGroup = -1
        for index in 0..<length {
            let byte = bytes[index]
            if byte == 0x2E || byte == 0x2C {
                if firstGroup < 0 { firstGroup = groupLength } else if groupLength != 3 { thousands = false }
                separators += 1
                groupLength = 0
            } else {
                groupLength += 1
            }
        }
        guard separators > 0 else { return length }
        if groupLength != 3 || firstGroup > 3 || firstGroup == 0 { thousands = false }
        var written = 0
        for index in 0..<length {
            let byte = bytes[index]
            if byte == 0x2E || byte == 0x2C {
                if thousands { continue }
                bytes[written] = 0x2E
            } else {
                bytes[written] = byte
            }
            written += 1
        }
        return written
    }

    // MARK: Characters

    @inline(__always)
    static func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
    }

    @inline(__always)
    static func isASCIIWordByte(_ byte: UInt8) -> Bool {
        isASCIILetter(byte) || (byte >= 0x30 && byte <= 0x39)
    }

    /// Decodes the scalar at `index` (a replacement character for a malformed sequence).
    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (Unicode.Scalar, Int) {
        let lead = bytes[index]
        let count = bytes.count
        func continuation(_ offset: Int) -> UInt32? {
            guard index + offset < count else { return nil }
            let byte = bytes[index + offset]
            return byte & 0xC0 == 0x80 ? UInt32(byte & 0x3F) : nil
        }
        if lead & 0xE0 == 0xC0, let b1 = continuation(1) {
            return (Unicode.Scalar((UInt32(lead & 0x1F) << 6) | b1) ?? "\u{FFFD}", 2)
        }
        if lead & 0xF0 == 0xE0, let b1 = continuation(1), let b2 = continuation(2) {
            return (Unicode.Scalar((UInt32(lead & 0x0F) << 12) | (b1 << 6) | b2) ?? "\u{FFFD}", 3)
        }
        if lead & 0xF8 == 0xF0, let b1 = continuation(1), let b2 = continuation(2), let b3 = continuation(3) {
            return (Unicode.Scalar((UInt32(lead & 0x07) << 18) | (b1 << 12) | (b2 << 6) | b3) ?? "\u{FFFD}", 4)
        }
        return ("\u{FFFD}", 1)
    }

    /// Letters of any script; the Latin-1 and Latin Extended ranges without a table lookup.
    @inline(__always)
    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value >= 0xC0 && value <= 0x24F { return value != 0xD7 && value != 0xF7 }
        if value < 0xC0 { return value == 0xAA || value == 0xB5 || value == 0xBA }
        if value >= 0x2000 && value <= 0x2BFF { return false }  // punctuation, symbols, arrows
        return scalar.properties.isAlphabetic
    }

    @inline(__always)
    static func isCombiningMark(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x300 && scalar.value <= 0x36F
    }

    @inline(__always)
    static func isUppercase(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value >= 0xC0 && value <= 0xDE { return value != 0xD7 }
        if value < 0x100 { return false }
        return scalar.properties.isUppercase
    }
}
