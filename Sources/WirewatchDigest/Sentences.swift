import Foundation
import WirewatchCore

/// Sentences and content words of short texts (article leads), for choosing summary sentences.
/// Byte-level on purpose: a digest reads the leads of hundreds of thousands of articles.
enum Sentences {
    /// Words after which a full stop does not end a sentence.
    static let abbreviations: Set<[UInt8]> = Set(
        [
            "dr", "mr", "mrs", "ms", "prof", "st", "nr", "no", "bzw", "ca", "vgl", "etc", "inc", "ltd", "jr", "sr", "vs",
            "gen", "col", "lt", "sen", "rep", "gov", "abs", "art", "bd", "hr", "fr", "mio", "mrd", "jan", "feb", "mar", "apr",
            "jun", "jul", "aug", "sep", "sept", "oct", "okt", "nov", "dec", "dez",
        ].map { Array($0.utf8) })

    /// Bytes that close a quotation or bracket after a sentence's end: " ' ) and the UTF-8 tails
    /// of » « “ ” ‘ ’.
    static func isClosing(_ bytes: [UInt8], _ index: Int) -> Int {
        guard index < bytes.count else { return 0 }
        let byte = bytes[index]
        if byte == 0x22 || byte == 0x27 || byte == 0x29 { return 1 }
        if byte == 0xC2, index + 1 < bytes.count, bytes[index + 1] == 0xBB || bytes[index + 1] == 0xAB { return 2 }
        if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80, (0x98...0x9D).contains(bytes[index + 2]) { return 3 }
        return 0
    }

    @inline(__always) static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) || byte >= 0x80
    }

    @inline(__always) static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }

    /// Whether what starts at `index` can open a sentence: an upper-case letter, a digit, an
    /// opening quotation mark or bracket, or a non-ASCII letter (Ä, Ö, Ü, ...).
    @inline(__always) static func opensSentence(_ bytes: [UInt8], _ index: Int) -> Bool {
        guard index < bytes.count else { return true }
        let byte = bytes[index]
        return (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x22 || byte == 0x28 || byte >= 0xC2
    }

    /// The complete sentences of a text, as byte ranges (a last one cut off without its full
    /// stop is dropped; paragraphs end sentences).
    static func split(_ bytes: [UInt8]) -> [Range<Int>] {
        var sentences: [Range<Int>] = []
        var start = 0
        var wordStart = 0
        var index = 0
        func finish(_ end: Int) {
            var low = start
            var high = end
            while low < high && isSpace(bytes[low]) { low += 1 }
            while high > low && isSpace(bytes[high - 1]) { high -= 1 }
            if high - low >= 20 { sentences.append(low..<high) }
            start = end
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0A, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                finish(index)
                index += 2
                wordStart = index
                continue
            }
            if byte == 0x2E || byte == 0x21 || byte == 0x3F {
                let word = bytes[wordStart..<index]
                var end = index + 1
                while case let width = isClosing(bytes, end), width > 0 { end += width }
                let followedBySpace = end >= bytes.count || isSpace(bytes[end])
                var next = end
                while next < bytes.count && isSpace(bytes[next]) { next += 1 }
                let isAbbreviation =
                    byte == 0x2E
                    && (word.count == 1 || (!word.isEmpty && word.allSatisfy { $0 >= 0x30 && $0 <= 0x39 })
                        || (word.count <= 4 && abbreviations.contains(word.map { $0 | 0x20 })))
                // The end of the text, or a space and what can open the next sentence.
                if !isAbbreviation && followedBySpace && (next >= bytes.count || opensSentence(bytes, next)) {
                    finish(end)
                }
                index = end
                wordStart = index
                continue
            }
            if !isWordByte(byte) { wordStart = index + 1 }
            index += 1
        }
        // What is left without its full stop (a lead cut off mid-sentence) is dropped.
        return sentences
    }

    static let stopWords: WordCounts = {
        var set = WordCounts(capacity: 1024)
        for word in StopWords.english + StopWords.german { set.add(hash(Array(word.utf8)[...])) }
        return set
    }()

    /// A word's hash, ASCII letters folded to lower case.
    @inline(__always) static func hash(_ word: ArraySlice<UInt8>) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in word {
            let folded = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
            value = (value ^ UInt64(folded)) &* 0x0000_0100_0000_01B3
        }
        return value
    }

    /// The content words of some bytes: hashes of words of three bytes or more that are not
    /// stopwords, sorted, without repeats.
    static func words(_ bytes: ArraySlice<UInt8>) -> [UInt64] {
        var result: [UInt64] = []
        var start = bytes.startIndex
        var index = bytes.startIndex
        while index <= bytes.endIndex {
            if index == bytes.endIndex || !isWordByte(bytes[index]) {
                if index - start >= 3 {
                    let value = hash(bytes[start..<index])
                    if !stopWords.contains(value) { result.append(value) }
                }
                start = index + 1
            }
            index += 1
        }
        return sortedUnique(result)
    }

    /// The values sorted, each once.
    static func sortedUnique(_ values: [UInt64]) -> [UInt64] {
        var result = values
        result.sort()
        var unique = 0
        for value in result where unique == 0 || result[unique - 1] != value {
            result[unique] = value
            unique += 1
        }
        result.removeLast(result.count - unique)
        return result
    }

    static func words(_ text: String) -> [UInt64] { words(Array(text.utf8)[...]) }

    /// How alike two sorted word lists are (Jaccard).
    static func overlap(_ a: [UInt64], _ b: [UInt64]) -> Double {
        guard !a.isEmpty || !b.isEmpty else { return 1 }
        var i = 0
        var j = 0
        var shared = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] {
                shared += 1
                i += 1
                j += 1
            } else if a[i] < b[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return Double(shared) / Double(a.count + b.count - shared)
    }

    /// The share of the smaller word list found in the other.
    static func containment(_ a: [UInt64], _ b: [UInt64]) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        let jaccard = overlap(a, b)
        // shared = J (|a| + |b|) / (1 + J)
        let shared = jaccard * Double(a.count + b.count) / (1 + jaccard)
        return shared / Double(min(a.count, b.count))
    }

    /// An article's lead, read once: its sentences with their words, and its title's words.
    struct Lead {
        var sentences: [(text: String, words: [UInt64])]
        var titleWords: [UInt64]
        /// Every word of title and sentences, sorted, without repeats.
        var allWords: [UInt64]

        init(title: String?, lead: String, maximumSentences: Int = 6) {
            let bytes = Array(lead.utf8)
            sentences = split(bytes).prefix(maximumSentences).map { range in
                (String(decoding: bytes[range], as: UTF8.self), words(bytes[range]))
            }
            titleWords = words(title ?? "")
            allWords = sortedUnique(titleWords + sentences.flatMap(\.words))
        }
    }
}

/// Counts per 64-bit word hash in an open-addressing table (a `Dictionary` hashes every key
/// with SipHash, which dominated building a digest of ten thousand events).
struct WordCounts {
    private var keys: [UInt64]
    private var counts: [Int32]
    private var mask: Int
    private(set) var count = 0

    init(capacity: Int = 256) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: 0, count: size)
        counts = [Int32](repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always) private func slot(_ key: UInt64) -> Int {
        var index = Int(truncatingIfNeeded: (key ^ (key >> 29)) &* 0xBF58_476D_1CE4_E5B9 >> 32) & mask
        while counts[index] != 0 && keys[index] != key { index = (index + 1) & mask }
        return index
    }

    mutating func add(_ key: UInt64, _ amount: Int32 = 1) {
        if (count + 1) * 2 > keys.count { grow() }
        let index = slot(key)
        if counts[index] == 0 {
            keys[index] = key
            count += 1
        }
        counts[index] += amount
    }

    subscript(_ key: UInt64) -> Int32 { counts[slot(key)] }

    func contains(_ key: UInt64) -> Bool { counts[slot(key)] != 0 }

    private mutating func grow() {
        let old = zip(keys, counts).filter { $0.1 != 0 }
        self = WordCounts(capacity: keys.count)
        for (key, value) in old { add(key, value) }
    }
}
