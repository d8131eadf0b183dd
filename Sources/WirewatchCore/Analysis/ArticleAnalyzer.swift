import Crypto

/// Turns an ``Article`` into the ``ArticleProfile`` the dedup engine compares.
///
/// Owns its stemmers and scratch buffers, so it is cheap to call repeatedly but must not be
/// shared between threads: give each worker its own.
public final class ArticleAnalyzer {
    private var tokenizer = Tokenizer()
    private var stemmers: [String: Stemmer] = [:]

    /// Shingles are runs of this many words.
    static let shingleWords = 4
    /// Sentences shorter than this are too common to be evidence of copying.
    static let minimumSentenceWords = 6

    public init() {}

    /// Matches alert terms on this analyzer's thread (made when first needed).
    public private(set) lazy var terms = TermMatcher()

    /// The article's title and body prepared for the alert terms `needs` names.
    public func alertText(of article: Article, needs: TermMatcher.Needs) -> TermMatcher.Text {
        terms.text(AlertObservation.text(of: article), language: article.language, needs: needs)
    }

    /// The article's text segments as locations refer to them: the title (or empty), then every
    /// paragraph of the body.
    public static func segments(of article: Article) -> [String] {
        [article.title ?? ""] + article.paragraphs
    }

    public func profile(_ article: Article) -> ArticleProfile {
        let language = article.language == "de" || article.language == "en" ? article.language : nil
        var builder = ProfileBuilder(
            stemmer: language.flatMap { stemmer(for: $0) }, stops: StopWords.hashes(for: language),
            german: language == "de")
        builder.scan(article.title ?? "", isTitle: true, isLead: true, tokenizer: &tokenizer)
        for section in article.sections {
            for paragraph in section.paragraphs {
                builder.scan(paragraph, isTitle: false, isLead: section.isLead, tokenizer: &tokenizer)
            }
        }
        return builder.finish(language: language, published: article.published.map(TimeSpan.init))
    }

    private func stemmer(for language: String) -> Stemmer? {
        if let existing = stemmers[language] { return existing }
        let created = Stemmer(language: language, space: ArticleProfile.Space.content.rawValue)
        stemmers[language] = created
        return created
    }

    /// Only what near-duplicate detection needs: the MinHash signature of the body's word 4-grams
    /// and how many distinct 4-grams there are (the benchmark against other MinHash libraries).
    public func copyFingerprint(_ article: Article) -> (signature: MinHashSignature, shingles: Int) {
        var window = ShingleWindow()
        var shingles: [UInt64] = []
        shingles.reserveCapacity(1024)
        for paragraph in article.paragraphs {
            ByteWords.withBytes(of: paragraph) { bytes in
                tokenizer.tokens(in: bytes) { token in
                    if let shingle = window.push(ByteWords.hash(lowercasing: token.folded)) { shingles.append(shingle) }
                }
            }
        }
        if shingles.isEmpty { shingles = window.words }
        return (MinHashSignature(shingles: shingles), DistinctCount.of(shingles))
    }

    /// The stem of a word as text, for tests and evidence.
    func stem(_ word: String, language: String) -> String {
        stemmer(for: language)?.stem(word) ?? word
    }

    /// Ends in a vowel and `s` (`-as`, `-os`), long enough not to be a short native word.
    static func hasGenitiveS(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = word.count
        guard count >= 5, word[word.endIndex - 1] == 0x73 else { return false }
        let before = word[word.endIndex - 2]
        return before == 0x61 || before == 0x6F
    }

    /// Sorted distinct terms with their counts and first locations: occurrences gathered by hash
    /// in a small open-addressing table, then the distinct terms sorted.
    static func counted(_ occurrences: [Occurrence]) -> [ArticleProfile.Term] {
        guard !occurrences.isEmpty else { return [] }
        var size = 16
        while size < occurrences.count * 2 { size <<= 1 }
        let mask = size - 1
        var slots = [Int32](repeating: -1, count: size)
        var terms: [ArticleProfile.Term] = []
        terms.reserveCapacity(occurrences.count)
        for occurrence in occurrences {
            var index = Int(truncatingIfNeeded: occurrence.hash) & mask
            while true {
                let slot = slots[index]
                if slot < 0 {
                    slots[index] = Int32(terms.count)
                    terms.append(ArticleProfile.Term(hash: occurrence.hash, count: 1, location: occurrence.location))
                    break
                }
                if terms[Int(slot)].hash == occurrence.hash {
                    terms[Int(slot)].count += 1
                    break
                }
                index = (index + 1) & mask
            }
        }
        // First occurrences come first, so each term keeps the location where it first appears.
        terms.sort { $0.hash < $1.hash }
        return terms
    }

    struct Occurrence {
        var hash: UInt64
        var location: TextLocation
        var order: Int32
    }
}

/// The last four words, as a shingle once there are four: a ring of word hashes, combined in
/// order by rotation and one mix.
struct ShingleWindow {
    private var a: UInt64 = 0, b: UInt64 = 0, c: UInt64 = 0, d: UInt64 = 0
    private(set) var count = 0

    @inline(__always)
    mutating func push(_ word: UInt64) -> UInt64? {
        a = b
        b = c
        c = d
        d = word
        count += 1
        guard count >= ArticleAnalyzer.shingleWords else { return nil }
        return TermHash.mix(a ^ (b << 16 | b >> 48) ^ (c << 32 | c >> 32) ^ (d << 48 | d >> 16) ^ 0x243f_6a88_85a3_08d3)
    }

    /// The words so far when there are fewer than four (a body too short for one shingle).
    var words: [UInt64] { Array([a, b, c, d].suffix(min(count, 4))) }

    mutating func reset() {
        count = 0
    }
}

/// Counts distinct 64-bit values without sorting them.
enum DistinctCount {
    static func of(_ values: [UInt64]) -> Int {
        guard values.count > 1 else { return values.count }
        var size = 16
        while size < values.count * 2 { size <<= 1 }
        let mask = size - 1
        var slots = [UInt64](repeating: 0, count: size)
        var distinct = 0
        var sawZero = false
        for value in values {
            if value == 0 {
                if !sawZero { distinct += 1 }
                sawZero = true
                continue
            }
            var index = Int(truncatingIfNeeded: value) & mask
            while slots[index] != 0 && slots[index] != value { index = (index + 1) & mask }
            if slots[index] == 0 {
                slots[index] = value
                distinct += 1
            }
        }
        return distinct
    }
}

/// Collects one article's features, segment by segment.
private struct ProfileBuilder {
    let stemmer: Stemmer?
    let stops: HashSet64
    let german: Bool

    var content: [ArticleAnalyzer.Occurrence] = []
    var names: [ArticleAnalyzer.Occurrence] = []
    var numbers: [ArticleAnalyzer.Occurrence] = []
    var shingles: [UInt64] = []
    var sentences: [ArticleProfile.Sentence] = []
    var window = ShingleWindow()
    var words = 0
    var order: Int32 = 0
    /// The body's folded words, space-separated, for the body key (hashed once at the end).
    var folded: [UInt8] = []
    var segment: Int32 = 0

    /// Capitalised words just read (hashes of their folded forms, and of them without a final
    /// `s`), for place names of several words.
    var capitalisedRun: [(word: UInt64, genitive: UInt64?)] = []
    var placeCounts: [Int: Int] = [:]

    // Per segment: the previous name-like word (for pairs such as `kim jong`) and a capitalised
    // sentence start that becomes a name if a name follows it.
    var previousName: UInt64?
    var previousNameEnd = -1
    var previousNameStart = -1
    var pendingStart: (hash: UInt64, start: Int, end: Int)?
    // The sentence being read.
    var sentenceKey: UInt64 = 0
    var sentenceWords = 0
    /// The smallest word 4-gram hashes of the sentence (its sketch) and the last words read.
    var sentenceSketch: [UInt64] = []
    var sentenceWindow = ShingleWindow()
    var sentenceStart = 0
    var sentenceEnd = 0
    var currentSentence = -1
    var sentenceIsLead = true


    init(stemmer: Stemmer?, stops: HashSet64, german: Bool) {
        self.stemmer = stemmer
        self.stops = stops
        self.german = german
        content.reserveCapacity(512)
        shingles.reserveCapacity(1024)
        folded.reserveCapacity(8192)
    }

    mutating func scan(_ text: String, isTitle: Bool, isLead: Bool, tokenizer: inout Tokenizer) {
        defer { segment += 1 }
        guard !text.isEmpty else { return }
        previousName = nil
        previousNameEnd = -1
        previousNameStart = -1
        pendingStart = nil
        capitalisedRun.removeAll(keepingCapacity: true)
        currentSentence = -1
        sentenceWords = 0
        sentenceKey = 0
        sentenceIsLead = isLead
        ByteWords.withBytes(of: text) { bytes in
            tokenizer.tokens(in: bytes) { token in
                take(token, isTitle: isTitle, isLead: isLead)
            }
        }
        if !isTitle { closeSentence() }
    }

    private mutating func closeSentence() {
        if sentenceWords >= ArticleAnalyzer.minimumSentenceWords {
            sentences.append(
                ArticleProfile.Sentence(
                    key: sentenceKey, sketch: sentenceSketch + [sentenceKey],
                    location: TextLocation(segment: segment, start: Int32(sentenceStart), end: Int32(sentenceEnd)),
                    words: sentenceWords, isLead: sentenceIsLead))
        }
        sentenceKey = 0
        sentenceWords = 0
        sentenceSketch.removeAll(keepingCapacity: true)
        sentenceWindow.reset()
    }

    /// Samples the sentence's word 4-grams by hash.
    private mutating func sketch(_ wordHash: UInt64) {
        guard let gram = sentenceWindow.push(wordHash), gram % ArticleProfile.Sentence.sampling == 0,
            sentenceSketch.count < ArticleProfile.Sentence.maximumSamples, !sentenceSketch.contains(gram)
        else { return }
        sentenceSketch.append(gram)
    }

    private mutating func take(_ token: Tokenizer.Token, isTitle: Bool, isLead: Bool) {
        let folded = token.folded
        let wordHash = ByteWords.hash(lowercasing: folded)
        let location = TextLocation(segment: segment, start: Int32(token.range.lowerBound), end: Int32(token.range.upperBound))
        order += 1
        if !isTitle { copyFeatures(token, wordHash: wordHash) }
        guard isLead else { return }
        notePlace(token, wordHash: wordHash, isTitle: isTitle)
        if token.isNumber {
            if folded.count >= 2 {
                numbers.append(.init(hash: TermHash.hash(folded, space: ArticleProfile.Space.numbers.rawValue), location: location, order: order))
            }
            previousName = nil
            pendingStart = nil
            return
        }
        if folded.count < 2 || stops.contains(wordHash) {
            previousName = nil
            pendingStart = nil
            return
        }
        // German keeps a genitive `-s` after a vowel that Snowball leaves on (`Nordkoreas`,
        // `Chinas`): drop it from capitalised words.
        var key = folded
        if german && token.isCapitalised && ArticleAnalyzer.hasGenitiveS(folded) {
            key = UnsafeBufferPointer(rebasing: folded[folded.startIndex..<(folded.endIndex - 1)])
        }
        let keyHash = key.count == folded.count ? wordHash : ByteWords.hash(lowercasing: key)
        let stem = stemmer?.stemHash(key, key: keyHash) ?? TermHash.hash(key, space: ArticleProfile.Space.content.rawValue)
        content.append(.init(hash: stem, location: location, order: order))
        guard token.isCapitalised else {
            previousName = nil
            pendingStart = nil
            return
        }
        // German inflects names and nouns by case (`Russlands`, `des Präsidenten`): its name keys
        // are stems; English names are kept as written (a possessive `'s` is already gone).
        let nameHash =
            german ? TermHash.combine(stem, ArticleProfile.Space.names.tag) : TermHash.hash(key, space: ArticleProfile.Space.names.rawValue)
        if token.startsSentence && !isTitle {
            // A capitalised sentence start is a name only when a name follows it.
            pendingStart = (nameHash, token.range.lowerBound, token.range.upperBound)
            previousName = nil
            return
        }
        if let start = pendingStart {
            names.append(.init(hash: start.hash, location: TextLocation(segment: segment, start: Int32(start.start), end: Int32(start.end)), order: order))
            previousName = start.hash
            previousNameEnd = start.end
            previousNameStart = start.start
            pendingStart = nil
        }
        names.append(.init(hash: nameHash, location: location, order: order))
        if let previous = previousName, token.range.lowerBound - previousNameEnd <= 1 {
            let pair = TermHash.combine(previous, nameHash)
            names.append(.init(hash: pair, location: TextLocation(segment: segment, start: Int32(previousNameStart), end: location.end), order: order))
        }
        previousName = nameHash
        previousNameEnd = token.range.upperBound
        previousNameStart = token.range.lowerBound
    }

    /// Counts place names: the longest phrase of capitalised words ending here that names a place.
    private mutating func notePlace(_ token: Tokenizer.Token, wordHash: UInt64, isTitle: Bool) {
        guard token.isCapitalised, !token.isNumber else {
            capitalisedRun.removeAll(keepingCapacity: true)
            return
        }
        let folded = token.folded
        var genitive: UInt64?
        if folded.count > 4, folded[folded.endIndex - 1] == 0x73, folded[folded.endIndex - 2] != 0x73 {
            genitive = ByteWords.hash(lowercasing: UnsafeBufferPointer(rebasing: folded[folded.startIndex..<(folded.endIndex - 1)]))
        }
        capitalisedRun.append((wordHash, genitive))
        if capitalisedRun.count > Places.longestName { capitalisedRun.removeFirst() }
        for length in stride(from: capitalisedRun.count, through: 1, by: -1) {
            let words = capitalisedRun.suffix(length)
            var place = Places.index[Places.key(words.lazy.map(\.word))]
            if place == nil, let genitive = words.last?.genitive {
                place = Places.index[Places.key(words.dropLast().map(\.word) + [genitive])]
            }
            if let place {
                placeCounts[place, default: 0] += isTitle ? 2 : 1
                // A phrase counts once: its words do not start another.
                capitalisedRun.removeAll(keepingCapacity: true)
                return
            }
        }
    }

    /// Body words feed the sentence keys, the shingles and the body key.
    private mutating func copyFeatures(_ token: Tokenizer.Token, wordHash: UInt64) {
        if token.sentence != currentSentence {
            closeSentence()
            currentSentence = token.sentence
            sentenceStart = token.range.lowerBound
        }
        sentenceEnd = token.range.upperBound
        sentenceKey = TermHash.combine(sentenceKey, wordHash)
        sentenceWords += 1
        sketch(wordHash)
        words += 1
        folded.append(contentsOf: token.folded)
        folded.append(0x20)
        if let shingle = window.push(wordHash) { shingles.append(shingle) }
    }

    mutating func finish(language: String?, published: TimeSpan?) -> ArticleProfile {
        if shingles.isEmpty {
            // A body shorter than one shingle: its words are its shingles.
            shingles = window.words
        }
        let unique = DistinctCount.of(shingles)
        let digest = Array(SHA256.hash(data: folded).prefix(16))
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var key: [UInt8] = []
        key.reserveCapacity(32)
        for byte in digest {
            key.append(hex[Int(byte >> 4)])
            key.append(hex[Int(byte & 15)])
        }
        return ArticleProfile(
            language: language,
            published: published,
            content: ArticleAnalyzer.counted(content),
            names: ArticleAnalyzer.counted(names),
            numbers: ArticleAnalyzer.counted(numbers),
            shingleCount: unique,
            signature: MinHashSignature(shingles: shingles),
            sentences: sentences,
            bodyKey: String(decoding: key, as: UTF8.self),
            wordCount: words,
            places: placeCounts.map { ArticleProfile.PlaceCount(place: $0.key, count: $0.value) }
                .sorted { $0.count != $1.count ? $0.count > $1.count : $0.place < $1.place })
    }
}
