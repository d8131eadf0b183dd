/// What the dedup engine knows of one article: its terms in three feature spaces, a MinHash
/// signature of its wording, its sentences, a key of its normalised body, and its time.
///
/// Built by ``ArticleAnalyzer`` from an ``Article``; deterministic for the same article.
public struct ArticleProfile: Sendable, Equatable {
    /// The feature spaces of event similarity.
    public enum Space: UInt8, Sendable, CaseIterable {
        /// Stems of the content words (no stop words, no numbers).
        case content = 1
        /// Name-like words: capitalised where a sentence does not start, and pairs of them.
        case names = 2
        /// Numbers of two or more digits, decimals, years.
        case numbers = 3

        /// Mixed into hashes derived from another space's (German names from stems).
        var tag: UInt64 { UInt64(rawValue) &* 0x9e37_79b9_7f4a_7c15 }
    }

    /// One distinct term with how often it occurs and where it was first seen (for evidence).
    public struct Term: Sendable, Equatable {
        public var hash: UInt64
        public var count: Float
        public var location: TextLocation
    }

    /// One sentence of the body: a key of its folded words, a sample of its word 4-grams (for
    /// sentences copied in part or with edits) and where it stands.
    public struct Sentence: Sendable, Equatable {
        /// One 4-gram in this many is sampled (chosen by its hash, so two texts sample the same
        /// ones); a long sentence keeps at most `maximumSamples`.
        public static let sampling: UInt64 = 4
        public static let maximumSamples = 8
        public var key: UInt64
        /// The sampled 4-gram hashes, and the sentence's key: a run of a dozen words shared with
        /// another text shares two samples more often than not, a run of twenty almost always.
        public var sketch: [UInt64]
        public var location: TextLocation
        public var words: Int
        /// In a lead section (not a roundup's other stories).
        public var isLead: Bool
    }

    public var language: String?
    /// When the article says it was published, as an interval as wide as the date's precision.
    public var published: TimeSpan?
    /// Terms of the title and the lead sections (a roundup's other sections do not count), sorted
    /// by hash, per space.
    public var content: [Term]
    public var names: [Term]
    public var numbers: [Term]
    /// Word 4-grams of the whole body.
    public var shingleCount: Int
    public var signature: MinHashSignature
    public var sentences: [Sentence]
    /// SHA-256 (first 16 bytes, hex) of the body's folded words: equal for the same text in any
    /// wrapper, with any quotes, dashes, case or white space.
    public var bodyKey: String
    /// Words in the body.
    public var wordCount: Int
    /// Places named in the title and lead sections (``Places``), with how often, most named first.
    public var places: [PlaceCount] = []

    /// One place and how often an article names it.
    public struct PlaceCount: Sendable, Equatable {
        public var place: Int
        public var count: Int
    }

    public func terms(_ space: Space) -> [Term] {
        switch space {
        case .content: content
        case .names: names
        case .numbers: numbers
        }
    }
}

/// A place in an article's text: segment 0 is the title, 1… the body paragraphs in order.
public struct TextLocation: Sendable, Equatable, Hashable {
    public var segment: Int32
    public var start: Int32
    public var end: Int32

    /// The text at this location in `segments` (title first, then paragraphs).
    public func text(in segments: [String]) -> String {
        guard segment >= 0, Int(segment) < segments.count else { return "" }
        return ByteWords.withBytes(of: segments[Int(segment)]) { bytes in
            let lower = max(0, min(Int(start), bytes.count))
            let upper = max(lower, min(Int(end), bytes.count))
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[lower..<upper]), as: UTF8.self)
        }
    }
}

/// A stretch of time in seconds since 1970 (UTC).
public struct TimeSpan: Sendable, Equatable {
    public var start: Double
    public var end: Double

    public init(start: Double, end: Double) {
        self.start = start
        self.end = min(max(start, end), .greatestFiniteMagnitude)
    }

    /// The interval a published date stands for: a month date is the whole month, a day the whole
    /// day; without a time zone, the day in any zone (±14 h).
    public init(_ date: PublishedDate) {
        let base = date.secondsSince1970
        var start = base
        var end = base
        switch date.precision {
        case .month:
            var next = date
            next.month += 1
            if next.month > 12 {
                next.month = 1
                next.year += 1
            }
            end = next.secondsSince1970
        case .day:
            end = base + 86_400
        case .minute, .second:
            break
        }
        if date.utcOffsetMinutes == nil {
            start -= 14 * 3600
            end += 14 * 3600
        }
        self.init(start: start, end: end)
    }

    /// Seconds between the two spans (0 when they overlap).
    public func distance(to other: TimeSpan) -> Double {
        if other.start > end { return other.start - end }
        if start > other.end { return start - other.end }
        return 0
    }

    /// The smallest span holding both.
    public func union(_ other: TimeSpan) -> TimeSpan {
        TimeSpan(start: min(start, other.start), end: max(end, other.end))
    }
}
