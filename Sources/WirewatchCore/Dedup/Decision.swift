/// What the engine decided about one article, with the evidence.
public struct DedupDecision: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable {
        /// The same normalised body as an earlier article.
        case exactDuplicate = "exact-duplicate"
        /// A copy of an earlier article with edits, trimmed or extended.
        case nearDuplicate = "near-duplicate"
        /// Other coverage of an event already seen.
        case sameEvent = "same-event"
        /// The first article about an event.
        case newEvent = "new-event"
    }

    public var articleID: Int64
    public var kind: Kind
    public var eventID: Int64
    /// The article whose body this one repeats.
    public var duplicateOf: Int64?
    /// The article this one copies with edits.
    public var nearDuplicateOf: Int64?
    public var evidence: Evidence
    /// The event as it stands after this article.
    public var event: EventSummary
    /// Events this article showed to be the same as `eventID`, which now holds their articles:
    /// the article was alike enough to join each besides the event it joined first (or copies
    /// sentences of that one), and their centroids are alike enough to be one event
    /// (``DedupConfiguration/eventMergeSimilarity``). Each one's id now stands for `eventID`.
    public var mergedEvents: [Int64]
    /// What consolidation changed once the article had joined `eventID` (``DedupEngine``):
    /// reports moved to new events and events merged, in order. The article may be among the
    /// reports moved.
    public var consolidation: [EventChange] = []

    public init(
        articleID: Int64, kind: Kind, eventID: Int64, duplicateOf: Int64? = nil, nearDuplicateOf: Int64? = nil,
        evidence: Evidence, event: EventSummary, mergedEvents: [Int64] = []
    ) {
        self.articleID = articleID
        self.kind = kind
        self.eventID = eventID
        self.duplicateOf = duplicateOf
        self.nearDuplicateOf = nearDuplicateOf
        self.evidence = evidence
        self.event = event
        self.mergedEvents = mergedEvents
    }
}

extension DedupDecision {
    /// The event an article that joined `joined` is in after these consolidation changes: a split
    /// that moved it takes it along, a merge of its event takes it to the survivor.
    public static func eventAfter(_ changes: [EventChange], of articleID: Int64, joined: Int64) -> Int64 {
        var event = joined
        for change in changes {
            switch change {
            case .split(_, let into, let articles) where articles.contains(articleID): event = into
            case .merge(let gone, let survivor) where gone == event: event = survivor
            default: break
            }
        }
        return event
    }
}

/// Why: the scores that decided and what the texts share.
public struct Evidence: Sendable, Equatable {
    /// Estimated Jaccard similarity and containment of the wording, against the copied article.
    public var jaccard: Double?
    public var containment: Double?
    /// Similarity to the event joined (or to the closest event, for a new one).
    public var similarity: SimilarityScores?
    /// The closest event that was not joined, for a new event.
    public var closestEventID: Int64?
    /// The heaviest terms shared with the event or article matched.
    public var sharedTerms: [String]
    /// Sentences this article shares word for word with earlier ones.
    public var sharedPassages: [SharedPassage]
    /// Events scored (retrieved from the index).
    public var candidatesConsidered: Int

    public init(
        jaccard: Double? = nil, containment: Double? = nil, similarity: SimilarityScores? = nil,
        closestEventID: Int64? = nil, sharedTerms: [String] = [], sharedPassages: [SharedPassage] = [],
        candidatesConsidered: Int = 0
    ) {
        self.jaccard = jaccard
        self.containment = containment
        self.similarity = similarity
        self.closestEventID = closestEventID
        self.sharedTerms = sharedTerms
        self.sharedPassages = sharedPassages
        self.candidatesConsidered = candidatesConsidered
    }
}

/// A sentence found word for word (after folding) in an earlier article.
public struct SharedPassage: Sendable, Equatable, Hashable {
    public var text: String
    public var otherArticleID: Int64

    public init(text: String, otherArticleID: Int64) {
        self.text = text
        self.otherArticleID = otherArticleID
    }
}

/// An event as the store keeps it.
public struct EventSummary: Sendable, Equatable {
    public var id: Int64
    public var title: String?
    /// Arrival times of the first and latest article.
    public var firstSeen: Double
    public var lastSeen: Double
    /// The span of the members' publication dates, when any had one.
    public var published: TimeSpan?
    public var articleCount: Int
    /// Distinct sources.
    public var sourceCount: Int
    /// The heaviest names of the event, as written.
    public var topNames: [String]
    /// The source of the article just added, when the event had none from it yet.
    public var newSource: String?

    public init(
        id: Int64, title: String?, firstSeen: Double, lastSeen: Double, published: TimeSpan?, articleCount: Int,
        sourceCount: Int, topNames: [String], newSource: String? = nil
    ) {
        self.id = id
        self.title = title
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.published = published
        self.articleCount = articleCount
        self.sourceCount = sourceCount
        self.topNames = topNames
        self.newSource = newSource
    }
}
