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
    public struct Text: Sendable, Equatable {
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

    /// What a set of terms needs from a text: the forms any of them has (others are not kept),
    /// and whether any term has several words (then every word's forms are kept in order).
    public struct Needs: Sendable {
        var wanted: Set<UInt64>
        var sequences: Bool

        /// Everything: for matching terms not known in advance.
        public static let all = Needs(wanted: [], sequences: true, everything: true)
        var everything = false

        init(wanted: Set<UInt64>, sequences: Bool, everything: Bool = false) {
            self.wanted = wanted
            self.sequences = sequences
            self.everything = everything
        }

        /// What `terms` need.
        public init(_ terms: [Term]) {
            var wanted = Set<UInt64>()
            var sequences = false
            for term in terms {
                for spelling in term.spellings {
                    if spelling.count > 1 { sequences = true }
                    for forms in spelling { wanted.formUnion(forms) }
                }
            }
            self.init(wanted: wanted, sequences: sequences)
        }
    }

    /// Reused between words (one text at a time per matcher).
    private var scratchForms: [UInt64] = []
    private var previousWord: [UInt8] = []
    private var joinedWord: [UInt8] = []

    /// Prepares `text` in `language` (`de`, `en`, or nil for both stemmers), keeping what
    /// `needs` asks for.
    public func text(_ text: String, language: String?, needs: Needs = .all) -> Text {
        var prepared = Text()
        if needs.sequences { prepared.words.reserveCapacity(text.utf8.count) }
        var previousEnd = -1
        var previousSentence = -1
        previousWord.removeAll(keepingCapacity: true)
        /// The forms just collected that the terms need.
        func keepForms() {
            for form in scratchForms where needs.everything || needs.wanted.contains(form) { prepared.allForms.insert(form) }
        }
        var bytes = text
        bytes.withUTF8 { source in
            tokenizer.tokens(in: source) { token in
                collectForms(of: token.folded, language: language, forTerm: false)
                if needs.sequences {
                    for slot in 0..<Self.formsPerWord { prepared.words.append(slot < scratchForms.count ? scratchForms[slot] : scratchForms[0]) }
                    prepared.sentenceOfWord.append(Int32(truncatingIfNeeded: token.sentence))
                }
                keepForms()
                // `Nord-Korea` is also `nordkorea`.
                if previousSentence == token.sentence, previousEnd + 1 == token.range.lowerBound,
                    source[previousEnd] == UInt8(ascii: "-")
                {
                    joinedWord.removeAll(keepingCapacity: true)
                    joinedWord.append(contentsOf: previousWord)
                    joinedWord.append(contentsOf: token.folded)
                    joinedWord.withUnsafeBufferPointer { collectForms(of: $0, language: language, forTerm: false) }
                    keepForms()
                }
                previousWord.removeAll(keepingCapacity: true)
                previousWord.append(contentsOf: token.folded)
                previousEnd = token.range.upperBound
                previousSentence = token.sentence
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
        collectForms(of: folded, language: language, forTerm: forTerm)
        return scratchForms
    }

    /// The forms of one folded word into `scratchForms`, the written form first. Stems come from
    /// the stemmers' caches, so a word seen before costs a lookup.
    private func collectForms(of folded: UnsafeBufferPointer<UInt8>, language: String?, forTerm: Bool) {
        scratchForms.removeAll(keepingCapacity: true)
        let written = TermHash.hash(folded, space: Self.space)
        scratchForms.append(written)
        func add(_ form: UInt64) { if !scratchForms.contains(form) { scratchForms.append(form) } }
        if folded.contains(where: { $0 >= 0x80 }) {
            let (plain, expanded) = diacriticFreeForms(of: folded, written: written)
            if let plain { add(plain) }
            if let expanded { add(expanded) }
        }
        // A genitive or plural `s` the stemmers keep after a vowel (`Nordkoreas`, `Obamas`).
        if !forTerm, folded.count > 4, folded[folded.count - 1] == UInt8(ascii: "s") {
            add(TermHash.hash(UnsafeBufferPointer(rebasing: folded[..<(folded.count - 1)]), space: Self.space))
        }
        // Numbers and very short words are matched as written only.
        guard folded.count > 3, !(folded.first.map { $0 >= 0x30 && $0 <= 0x39 } ?? true) else { return }
        switch language {
        case "de": if let german { add(german.stemHash(folded, key: written)) }
        case "en": if let english { add(english.stemHash(folded, key: written)) }
        default:
            if let german { add(german.stemHash(folded, key: written)) }
            if let english { add(english.stemHash(folded, key: written)) }
        }
    }

    /// Words with diacritics seen before, by their written form: the forms without them.
    private var diacriticCache: [UInt64: (plain: UInt64?, expanded: UInt64?)] = [:]
    static let diacriticCacheLimit = 50_000

    private func diacriticFreeForms(of folded: UnsafeBufferPointer<UInt8>, written: UInt64) -> (plain: UInt64?, expanded: UInt64?) {
        if let known = diacriticCache[written] { return known }
        let plain = Self.withoutDiacritics(folded, expandUmlauts: false).map { $0.withUnsafeBufferPointer { TermHash.hash($0, space: Self.space) } }
        let expanded = Self.withoutDiacritics(folded, expandUmlauts: true).map { $0.withUnsafeBufferPointer { TermHash.hash($0, space: Self.space) } }
        if diacriticCache.count >= Self.diacriticCacheLimit { diacriticCache.removeAll(keepingCapacity: true) }
        diacriticCache[written] = (plain, expanded)
        return (plain, expanded)
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
        guard scalar.value >= 0x80, scalar.value < 0x250 else { return nil }
        let base = latinBases[Int(scalar.value) - 0x80]
        return base == 0 ? nil : base
    }

    /// For U+0080 to U+024F, the ASCII letter under it (0: none), worked out once.
    private static let latinBases: [UInt8] = (0x80..<0x250).map { value -> UInt8 in
        if let special = unstacked[UInt32(value)] { return special }
        guard let scalar = Unicode.Scalar(value),
            let base = String(scalar).decomposedStringWithCanonicalMapping.unicodeScalars.first, base.isASCII,
            base.properties.isAlphabetic
        else { return 0 }
        return UInt8(base.value)
    }

    /// Letters whose diacritic is not a separate mark in Unicode.
    private static let unstacked: [UInt32: UInt8] = [0xF8: 0x6F, 0x142: 0x6C, 0x111: 0x64, 0x131: 0x69]
}
