/// An article's terms weighted for comparison: per space, (1 + ln count) × idf, scaled to length 1.
public struct FeatureVectors: Sendable, Equatable {
    public var content: SparseVector
    public var names: SparseVector
    public var numbers: SparseVector

    public init(content: SparseVector, names: SparseVector, numbers: SparseVector) {
        self.content = content
        self.names = names
        self.numbers = numbers
    }

    public init(_ profile: ArticleProfile, statistics: TermStatistics) {
        content = Self.vector(profile.content, statistics)
        names = Self.vector(profile.names, statistics)
        numbers = Self.vector(profile.numbers, statistics)
    }

    static func vector(_ terms: [ArticleProfile.Term], _ statistics: TermStatistics) -> SparseVector {
        var entries: [SparseVector.Entry] = []
        entries.reserveCapacity(terms.count)
        for term in terms {
            let entry = SparseVector.Entry(
                term: SparseVector.Entry.term(term.hash), weight: (1 + logf(term.count)) * statistics.idf(term.hash))
            // Two hashes that share their high bits (about once in four billion pairs) make one entry.
            if let last = entries.last, last.term == entry.term {
                entries[entries.count - 1].weight += entry.weight
            } else {
                entries.append(entry)
            }
        }
        return SparseVector(sorted: entries).normalised()
    }

    public subscript(space: ArticleProfile.Space) -> SparseVector {
        switch space {
        case .content: content
        case .names: names
        case .numbers: numbers
        }
    }
}

/// How alike an article is to another article or to an event, space by space, and overall.
public struct SimilarityScores: Sendable, Equatable {
    public var content: Double
    public var names: Double
    /// Nil when either side has no numbers (absent evidence is not counted against).
    public var numbers: Double?
    /// How much of the numbers' weight counted, 0 to 1: nothing while a side has fewer than
    /// three numbers, all of it from five.
    public var numbersShare: Double
    /// Seconds between the publication dates; nil when either is unknown.
    public var timeDistance: Double?
    /// 1 within the window, 0 beyond it.
    public var timeFactor: Double
    /// The weighted mean of the spaces both sides have, times the time factor.
    public var combined: Double

    public init(
        content: Double, names: Double, numbers: Double?, numbersShare: Double = 1, timeDistance: Double?, timeFactor: Double,
        combined: Double
    ) {
        self.content = content
        self.names = names
        self.numbers = numbers
        self.numbersShare = numbersShare
        self.timeDistance = timeDistance
        self.timeFactor = timeFactor
        self.combined = combined
    }

    /// Combines cosine similarities per space. A space counts only when both sides have terms in
    /// it; the weights of the others are shared out among those that count.
    public static func combine(
        content: Double?, names: Double?, numbers: Double?, numbersEvidence: Int = 3, timeDistance: Double?,
        configuration: DedupConfiguration
    ) -> SimilarityScores {
        var total = 0.0
        var weights = 0.0
        // Numbers that do not agree say little while they are few (a year in passing, an age): they
        // count from three on each side and fully from five.
        let numbersShare = min(1, max(0, Double(numbersEvidence - 2) / 3))
        let numbersWeight = configuration.numbersWeight * numbersShare
        if let content {
            total += configuration.contentWeight * content
            weights += configuration.contentWeight
        }
        if let names {
            total += configuration.namesWeight * names
            weights += configuration.namesWeight
        }
        if let numbers, numbersWeight > 0 {
            total += numbersWeight * numbers
            weights += numbersWeight
        }
        let timeFactor = timeDistance.map { configuration.timeFactor(distance: $0) } ?? 1
        let combined = weights > 0 ? total / weights * timeFactor : 0
        return SimilarityScores(
            content: content ?? 0, names: names ?? 0, numbers: numbers, numbersShare: numbers == nil ? 0 : numbersShare,
            timeDistance: timeDistance,
            timeFactor: timeFactor, combined: combined)
    }

    /// An article against another article.
    public static func between(
        _ a: FeatureVectors, _ aTime: TimeSpan?, _ b: FeatureVectors, _ bTime: TimeSpan?,
        configuration: DedupConfiguration
    ) -> SimilarityScores {
        func cosine(_ x: SparseVector, _ y: SparseVector) -> Double? {
            x.isEmpty || y.isEmpty ? nil : Double(x.cosine(y))
        }
        let distance: Double? = if let aTime, let bTime { aTime.distance(to: bTime) } else { nil }
        return combine(
            content: cosine(a.content, b.content), names: cosine(a.names, b.names),
            numbers: cosine(a.numbers, b.numbers), numbersEvidence: min(a.numbers.entries.count, b.numbers.entries.count),
            timeDistance: distance, configuration: configuration)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SimilarityScores {
    /// The similarity as reported to people and tools, on a 0…1 scale: the square root of the
    /// combined cosine. Cosines of sparse term vectors crowd near 0 (unrelated texts score 0.01,
    /// the same story 0.3); the root spreads them so that equal steps mean similar differences.
    public var reported: Double { combined.squareRoot() }
}
