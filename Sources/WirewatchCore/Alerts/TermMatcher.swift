import Foundation

/// Finds watchlist terms in article text on stems and name variants, at the byte level.
///
/// A term matches a word of the text when any of their forms agree: as written (folded to lowercase,
/// `ß` as `ss`, an English possessive dropped), without diacritics (`München`, `Munchen`,
/// `Muenchen`), as its German or English stem (`sanctions` → `sanction`), or, in the text, without a
/// genitive `s` (`Nordkoreas`). Words joined by a hyphen also count as one word (`Nord-Korea`
/// matches `Nordkorea`), and a term of several words matches them in sequence within a sentence
/// (`Kim Jong Un` matches `Kim Jong-un`) or written as one. Alternative spellings of one term are
/// separated by `|` (`Selenskyj|Zelensky`).
///
/// Not thread-safe (the stemmers keep working buffers): one matcher per thread.
public final class TermMatcher {
    private var tokenizer = Tokenizer()
    private let german = Stemmer(language: "de", space: TermMatcher.space)
    private let english = Stemmer(language: "en", space: TermMatcher.space)
    static let space: UInt8 = 0x41
    /// Forms kept per word of a text: as written, without diacritics (two ways), its German and
    /// English stems, and without a genitive `s`.
    static let formsPerWord = 6

    public init() {}

    /// A term compiled for matching: each spelling is a sequence of words, each word a set of forms.
    public struct Term: Sendable, Equatable {
        /// The term as configured.
        public var text: String
        var spellings: [[Set<UInt64>]]
    }

    /// Compiles `text` (alternatives separated by `|`); nil when it holds no word.
    public func term(_ text: String) -> Term? {
        var spellings: [[Set<UInt64>]] = []
        for alternative in text.split(separator: "|") {
            var words: [Set<UInt64>] = []
            var joined: [UInt8] = []
            forEachWord(in: String(alternative)) { folded, _ in
                words.append(Set(forms(of: folded, language: nil, forTerm: true)))
                joined.append(contentsOf: folded)
            }
            guard !words.isEmpty else { continue }
            spellings.append(words)
            if words.count > 1 {
                let whole = joined.withUnsafeBufferPointer { Set(forms(of: $0, language: nil, forTerm: true)) }
                spellings.append([whole])
            }
        }
        return spellings.isEmpty ? nil : Term(text: text, spellings: spellings)
    }

    /// A text prepared for matching any number of terms.
    public struct Text: Sendable {
        /// `formsPerWord` forms per word, in order (unused slots repeat the first form).
        var words: [UInt64] = []
        /// Where each sentence's first word starts in `words` (a term never spans sentences).
        var sentenceOfWord: [Int32] = []
        /// Every form of every word and of every hyphenated pair.
        var allForms: Set<UInt64> = []

        /// Whether `term` occurs in the text.
        public func contains(_ term: Term) -> Bool {
            for spelling in term.spellings {
                if spelling.count == 1 {
                    if !spelling[0].isDisjoint(with: allForms) { return true }
                    continue
                }
                let count = sentenceOfWord.count
                guard count >= spelling.count else { continue }
                outer: for start in 0...(count - spelling.count) {
                    let sentence = sentenceOfWord[start]
                    for (offset, forms) in spelling.enumerated() {
                        let index = start + offset
                        guard sentenceOfWord[index] == sentence else { continue outer }
                        var found = false
                        for slot in 0..<TermMatcher.formsPerWord where forms.contains(words[index * TermMatcher.formsPerWord + slot]) {
                            found = true
                            break
                        }
                        if !found { continue outer }
                    }
                    return true
                }
            }
            return false
        }
    }

    /// Prepares `text` in `language` (`de`, `en`, or nil for both stemmers).
    public func text(_ text: String, language: String?) -> Text {
        var prepared = Text()
        prepared.words.reserveCapacity(text.utf8.count / 2)
        var previous: (folded: [UInt8], end: Int, sentence: Int)?
        var bytes = text
        bytes.withUTF8 { source in
            tokenizer.tokens(in: source) { token in
                let forms = self.forms(of: token.folded, language: language, forTerm: false)
                var slots = Array(forms.prefix(Self.formsPerWord))
                while slots.count < Self.formsPerWord { slots.append(slots[0]) }
                prepared.words.append(contentsOf: slots)
                prepared.sentenceOfWord.append(Int32(truncatingIfNeeded: token.sentence))
                prepared.allForms.formUnion(forms)
                // `Nord-Korea` is also `nordkorea`.
                if let last = previous, last.sentence == token.sentence, last.end + 1 == token.range.lowerBound,
                    source[last.end] == UInt8(ascii: "-")
                {
                    let joined = last.folded + Array(token.folded)
                    joined.withUnsafeBufferPointer { prepared.allForms.formUnion(self.forms(of: $0, language: language, forTerm: false)) }
                }
                previous = (Array(token.folded), token.range.upperBound, token.sentence)
            }
        }
        return prepared
    }

    private func forEachWord(in text: String, _ body: (UnsafeBufferPointer<UInt8>, Int) -> Void) {
        var text = text
        text.withUTF8 { source in
            tokenizer.tokens(in: source) { body($0.folded, $0.sentence) }
        }
    }

    /// The forms of one folded word, the written form first.
    private func forms(of folded: UnsafeBufferPointer<UInt8>, language: String?, forTerm: Bool) -> [UInt64] {
        var forms: [UInt64] = [TermHash.hash(folded, space: Self.space)]
        func add(_ form: UInt64) { if !forms.contains(form) { forms.append(form) } }
        if let plain = Self.withoutDiacritics(folded, expandUmlauts: false) {
            plain.withUnsafeBufferPointer { add(TermHash.hash($0, space: Self.space)) }
        }
        if let expanded = Self.withoutDiacritics(folded, expandUmlauts: true) {
            expanded.withUnsafeBufferPointer { add(TermHash.hash($0, space: Self.space)) }
        }
        // A genitive or plural `s` the stemmers keep after a vowel (`Nordkoreas`, `Obamas`).
        if !forTerm, folded.count > 4, folded[folded.count - 1] == UInt8(ascii: "s") {
            add(TermHash.hash(UnsafeBufferPointer(rebasing: folded[..<(folded.count - 1)]), space: Self.space))
        }
        // Numbers and very short words are matched as written only.
        guard folded.count > 3, !(folded.first.map { $0 >= 0x30 && $0 <= 0x39 } ?? true) else { return forms }
        let stemmers: [Stemmer?] =
            switch language {
            case "de": [german]
            case "en": [english]
            default: [german, english]
            }
        for stemmer in stemmers {
            guard let stemmer else { continue }
            add(stemmer.stem(folded) { TermHash.hash($0, space: Self.space) })
        }
        return forms
    }

    /// The word with Latin diacritics removed (`ü` → `u`, or `ue` with `expandUmlauts`); nil when it
    /// has none.
    static func withoutDiacritics(_ folded: UnsafeBufferPointer<UInt8>, expandUmlauts: Bool) -> [UInt8]? {
        guard folded.contains(where: { $0 >= 0x80 }) else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(folded.count)
        var changed = false
        for scalar in String(decoding: folded, as: UTF8.self).unicodeScalars {
            if expandUmlauts, let expansion = umlauts[scalar.value] {
                result.append(contentsOf: expansion.utf8)
                changed = true
                continue
            }
            if scalar.value >= 0x80, let base = latinBase(scalar) {
                result.append(base)
                changed = true
                continue
            }
            result.append(contentsOf: String(scalar).utf8)
        }
        return changed ? result : nil
    }

    private static let umlauts: [UInt32: String] = [0xE4: "ae", 0xF6: "oe", 0xFC: "ue"]

    /// The ASCII letter under a lowercase Latin letter with a diacritic (`é` → `e`, `č` → `c`).
    private static func latinBase(_ scalar: Unicode.Scalar) -> UInt8? {
        guard scalar.value < 0x250 else { return nil }
        if let special = unstacked[scalar.value] { return special }
        guard let base = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars.first, base.isASCII,
            base.properties.isAlphabetic
        else { return nil }
        return UInt8(base.value)
    }

    /// Letters whose diacritic is not a separate mark in Unicode.
    private static let unstacked: [UInt32: UInt8] = [0xF8: 0x6F, 0x142: 0x6C, 0x111: 0x64, 0x131: 0x69]
}
