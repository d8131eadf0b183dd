/// Words of UTF-8 text found at the byte level, fast enough for every article: letters are ASCII
/// letters and any non-ASCII sequence (umlauts, ß, accented letters), except the typographic
/// punctuation that news text is full of (quotes, dashes, ellipses, no-break spaces).
struct ByteWords {
    typealias Bytes = Slice<UnsafeBufferPointer<UInt8>>

    struct Word {
        var bytes: Bytes
        /// The first letter is uppercase (ASCII, or Latin-1 À–Þ).
        var isCapitalised: Bool
        /// Nothing but spaces since the last `.`, `!`, `?`, `:` or line break (or the start).
        var startsSentence: Bool
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A || byte >= 0x80
    }

    /// Bytes of typographic punctuation at `index` (U+2000–U+203F, no-break space, « »), or 0.
    @inline(__always)
    static func punctuationLength(_ bytes: [UInt8], _ index: Int) -> Int {
        let byte = bytes[index]
        if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80 { return 3 }
        if byte == 0xC2, index + 1 < bytes.count {
            let next = bytes[index + 1]
            if next == 0xA0 || next == 0xAB || next == 0xBB || next == 0xB7 || next == 0xA9 || next == 0xAE { return 2 }
        }
        return 0
    }

    /// Runs `body` on the UTF-8 bytes of `text` without copying them when the string is native.
    static func withBytes<Result>(of text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(text.utf8).withUnsafeBufferPointer(body)
    }

    /// Calls `body` for each word; stops when it returns false.
    static func forEach(in array: [UInt8], _ body: (Word) -> Bool) {
        array.withUnsafeBufferPointer { bytes in
            forEach(in: bytes, body)
        }
    }

    @inline(__always)
    static func punctuationLength(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int {
        let byte = bytes[index]
        if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80 { return 3 }
        if byte == 0xC2, index + 1 < bytes.count {
            let next = bytes[index + 1]
            if next == 0xA0 || next == 0xAB || next == 0xBB || next == 0xB7 || next == 0xA9 || next == 0xAE { return 2 }
        }
        return 0
    }

    static func forEach(in bytes: UnsafeBufferPointer<UInt8>, _ body: (Word) -> Bool) {
        var index = 0
        let count = bytes.count
        var sentenceStart = true
        while index < count {
            let byte = bytes[index]
            let punctuation = punctuationLength(bytes, index)
            if punctuation > 0 {
                if punctuation == 3 && bytes[index + 2] == 0xA6 { sentenceStart = true }  // …
                index += punctuation
                continue
            }
            guard isLetter(byte) else {
                if byte == 0x2E || byte == 0x21 || byte == 0x3F || byte == 0x0A || byte == 0x3A { sentenceStart = true }
                index += 1
                continue
            }
            let start = index
            index += 1
            while index < count {
                let next = bytes[index]
                if next >= 0x80 && punctuationLength(bytes, index) > 0 { break }
                guard isLetter(next) || next == 0x2D else { break }
                index += 1
            }
            var end = index
            while end > start && bytes[end - 1] == 0x2D { end -= 1 }
            let first = bytes[start]
            let capitalised = (first >= 0x41 && first <= 0x5A) || (first == 0xC3 && start + 1 < count && bytes[start + 1] >= 0x80 && bytes[start + 1] <= 0x9E)
            if !body(Word(bytes: bytes[start..<end], isCapitalised: capitalised, startsSentence: sentenceStart)) { return }
            sentenceStart = false
        }
    }

    /// Calls `body` with each capitalised word (optionally not those that start a sentence): the
    /// name scan, without the cost of handing every lowercase word to a closure.
    static func forEachCapitalised(in bytes: UnsafeBufferPointer<UInt8>, includingSentenceStarts: Bool, _ body: (Bytes) -> Void) {
        do {
            var index = 0
            let count = bytes.count
            var sentenceStart = true
            while index < count {
                let byte = bytes[index]
                if byte < 0x80 {
                    if byte == 0x2E || byte == 0x21 || byte == 0x3F || byte == 0x0A || byte == 0x3A {
                        sentenceStart = true
                        index += 1
                        continue
                    }
                    guard (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A else {
                        index += 1
                        continue
                    }
                } else {
                    let punctuation = punctuationLength(bytes, index)
                    if punctuation > 0 {
                        if punctuation == 3 && bytes[index + 2] == 0xA6 { sentenceStart = true }
                        index += punctuation
                        continue
                    }
                }
                let start = index
                index += 1
                while index < count {
                    let next = bytes[index]
                    if next >= 0x80 {
                        if punctuationLength(bytes, index) > 0 { break }
                    } else if !((next | 0x20) >= 0x61 && (next | 0x20) <= 0x7A) && next != 0x2D {
                        break
                    }
                    index += 1
                }
                let capitalised = (byte >= 0x41 && byte <= 0x5A) || (byte == 0xC3 && start + 1 < count && bytes[start + 1] >= 0x80 && bytes[start + 1] <= 0x9E)
                if capitalised && (includingSentenceStarts || !sentenceStart) {
                    var end = index
                    while end > start && bytes[end - 1] == 0x2D { end -= 1 }
                    body(bytes[start..<end])
                }
                sentenceStart = false
            }
        }
    }

    /// Lowercase: ASCII letters, and Latin-1 capitals À–Þ (C3 80–9E → C3 A0–BE).
    static func lowercased(_ word: some Collection<UInt8>) -> [UInt8] {
        var result = Array(word)
        var index = 0
        while index < result.count {
            let byte = result[index]
            if byte >= 0x41 && byte <= 0x5A {
                result[index] = byte | 0x20
            } else if byte == 0xC3, index + 1 < result.count, result[index + 1] >= 0x80 && result[index + 1] <= 0x9E, result[index + 1] != 0x97 {
                result[index + 1] += 0x20
                index += 1
            }
            index += 1
        }
        return result
    }

    /// FNV-1a of lowercased bytes, for set lookups without making strings.
    static func hash<Bytes: Collection<UInt8>>(lowercasing word: Bytes) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var index = word.startIndex
        while index < word.endIndex {
            var byte = word[index]
            if byte >= 0x41 && byte <= 0x5A {
                byte |= 0x20
            } else if byte == 0xC3, word.index(after: index) < word.endIndex {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
                index = word.index(after: index)
                byte = word[index]
                if byte >= 0x80 && byte <= 0x9E && byte != 0x97 { byte += 0x20 }
            }
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            index = word.index(after: index)
        }
        return hash
    }

    static func hash(_ word: String) -> UInt64 {
        hash(lowercasing: Array(word.utf8))
    }
}

/// A fixed set of 64-bit hashes with open addressing: membership without the cost of `Set`'s
/// seeded hashing, for the function-word lists checked on every word.
struct HashSet64: Sendable {
    private var slots: [UInt64]
    private let mask: Int

    init(_ values: some Sequence<UInt64>) {
        let list = Array(values)
        var capacity = 16
        while capacity < list.count * 4 { capacity <<= 1 }
        slots = Array(repeating: 0, count: capacity)
        mask = capacity - 1
        for value in list where value != 0 {
            var index = Int(truncatingIfNeeded: value) & mask
            while slots[index] != 0 && slots[index] != value { index = (index + 1) & mask }
            slots[index] = value
        }
    }

    func contains(_ value: UInt64) -> Bool {
        var index = Int(truncatingIfNeeded: value) & mask
        while true {
            let slot = slots[index]
            if slot == value { return true }
            if slot == 0 { return false }
            index = (index + 1) & mask
        }
    }
}
