/// Why two articles are or are not copies of each other or reports of one event: every measure
/// the engine uses, computed for the pair, with the terms and sentences behind them.
public struct ArticleComparison: Sendable {
    /// One side of the comparison.
    public struct Side: Sendable {
        public var article: Article
        public var profile: ArticleProfile

        public init(article: Article, profile: ArticleProfile) {
            self.article = article
            self.profile = profile
        }

        var segments: [String] { ArticleAnalyzer.segments(of: article) }
    }

    /// The same normalised body.
    public var isExactDuplicate: Bool
    public var jaccard: Double
    /// The share of the shorter text's 4-grams found in the longer.
    public var containment: Double
    public var isNearDuplicate: Bool
    public var scores: SimilarityScores
    /// Whether the similarity reaches the event threshold (the engine compares with events, not
    /// single articles, so this is the pair's view).
    public var reachesEventThreshold: Bool
    /// The heaviest shared terms, as written in the first article.
    public var sharedTerms: [String]
    /// Heavy terms of one article that the other lacks.
    public var onlyInFirst: [String]
    public var onlyInSecond: [String]
    /// Sentences of the second article found (nearly) word for word in the first.
    public var sharedPassages: [String]

    public init(_ a: Side, _ b: Side, statistics: TermStatistics, configuration: DedupConfiguration) {
        let first = FeatureVectors(a.profile, statistics: statistics)
        let second = FeatureVectors(b.profile, statistics: statistics)
        isExactDuplicate = a.profile.bodyKey == b.profile.bodyKey
        jaccard = a.profile.signature.jaccard(b.profile.signature)
        let (small, large) =
            a.profile.shingleCount <= b.profile.shingleCount
            ? (a.profile.shingleCount, b.profile.shingleCount) : (b.profile.shingleCount, a.profile.shingleCount)
        containment = MinHashSignature.containment(jaccard: jaccard, size: small, otherSize: large)
        isNearDuplicate =
            !isExactDuplicate
            && (jaccard >= configuration.nearDuplicateSimilarity
                || (containment >= configuration.nearDuplicateContainment
                    && small >= configuration.minimumContainmentShingles))
        scores = SimilarityScores.between(first, a.profile.published, second, b.profile.published, configuration: configuration)
        reachesEventThreshold = scores.combined >= configuration.eventSimilarity

        func label(_ term: UInt32, _ side: Side) -> String? {
            for terms in [side.profile.names, side.profile.content, side.profile.numbers] {
                if let found = DedupEngine.find(term, in: terms) { return found.location.text(in: side.segments) }
            }
            return nil
        }
        func labels(_ entries: [UInt32], _ side: Side, limit: Int) -> [String] {
            var result: [String] = []
            var seen = Set<String>()
            for term in entries {
                guard let text = label(term, side), seen.insert(text.lowercased()).inserted else { continue }
                result.append(text)
                if result.count == limit { break }
            }
            return result
        }
        var shared = first.names.shared(with: second.names, limit: 10) + first.content.shared(with: second.content, limit: 10)
            + first.numbers.shared(with: second.numbers, limit: 4)
        shared.sort { $0.weight > $1.weight }
        sharedTerms = labels(shared.map(\.term), a, limit: 12)
        func missing(_ x: FeatureVectors, from y: FeatureVectors) -> [UInt32] {
            var entries: [SparseVector.Entry] = []
            for (own, other) in [(x.names, y.names), (x.content, y.content), (x.numbers, y.numbers)] {
                let present = Set(other.entries.map(\.term))
                entries += own.entries.filter { !present.contains($0.term) }
            }
            return entries.sorted { $0.weight > $1.weight }.map(\.term)
        }
        onlyInFirst = labels(missing(first, from: second), a, limit: 8)
        onlyInSecond = labels(missing(second, from: first), b, limit: 8)

        // Sentence by sentence, as the engine does: the same sentence, or two sampled 4-grams of
        // it anywhere in the other article.
        let keys = Set(a.profile.sentences.map(\.key))
        let samples = Set(a.profile.sentences.flatMap { $0.sketch.dropLast() })
        var passages: [String] = []
        for sentence in b.profile.sentences {
            let common = sentence.sketch.dropLast().filter(samples.contains).count
            if keys.contains(sentence.key) || common >= 2 { passages.append(sentence.location.text(in: b.segments)) }
        }
        sharedPassages = passages
    }
}
