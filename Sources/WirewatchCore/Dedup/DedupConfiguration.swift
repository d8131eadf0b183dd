/// The engine's thresholds and limits. The defaults follow from what the measures mean, not from
/// one data set: see each one.
public struct DedupConfiguration: Sendable, Equatable {
    /// How far apart in time two reports of one event can be: an article joins an event only if
    /// its publication date is within this of the event's (when both are known), and an event
    /// takes no new articles once this much arrival time has passed since its last one.
    public var window: Double = 72 * 3600
    /// How long an article stays available as the original of a near-duplicate.
    public var nearDuplicateHorizon: Double = 7 * 86_400
    /// Estimated Jaccard similarity of word 4-gram sets from which two texts are copies: at 0.5,
    /// at most about one word in eight differs.
    public var nearDuplicateSimilarity: Double = 0.5
    /// Share of the shorter text's 4-grams found in the longer one from which the shorter is a
    /// trimmed copy (or the longer an extended one).
    public var nearDuplicateContainment: Double = 0.8
    /// Texts with fewer 4-grams than this are too short to call copies by containment.
    public var minimumContainmentShingles: Int = 25
    /// Similarity to an event from which an article joins it. Reports of one story score about
    /// 0.3 in German and 0.4 in English against each other, stories that merely share a topic
    /// under 0.2 (SemEval-2022 Task 8 pairs); an event's centroid sits closer to its reports than
    /// they do to each other, so the threshold goes just below German same-story pairs.
    public var eventSimilarity: Double = 0.27
    /// Similarity of two events' centroids from which they are one event, checked when an article
    /// is alike enough to both to join either (reports that started two events before one linked
    /// them). Centroids average their reports: two reports of one story (about 0.35 to each other)
    /// score about 0.5 against two more of it, two of a story that merely shares the topic (0.2)
    /// about 0.33. The older event takes the other's articles. 1 turns merging off.
    public var eventMergeSimilarity: Double = 0.5
    /// Mean second-order similarity from which consolidation keeps reports together (or brings
    /// them together): how much two groups of reports share their nearest neighbours
    /// (``NeighbourGraph``). Reports of one event point at each other or at the same reports; a
    /// report of a similar event is linked to its own event's. Consolidation re-examines young
    /// events as they grow (and all open ones when input pauses): an event whose reports fall
    /// into groups linked less than this splits, unless the groups are as alike as one event's
    /// (``eventMergeSimilarity``); two events linked at least this much merge if an article of one
    /// could join the other (``eventSimilarity``). 1 turns consolidation off.
    public var consolidationLinkage: Double = 0.12
    /// Weights of the feature spaces: content words, names, numbers. Two events of one kind share
    /// their words and often their main actor (the same boxer's two title fights, the same
    /// company's two patches); what differs are the facts: the toll, the score, the amount, the
    /// date. Numbers therefore weigh most where both sides have enough of them: they count from
    /// three on each side and fully from five (one or two are often incidental, a year or an age),
    /// and their weight goes to words and names where they do not count.
    public var contentWeight: Double = 0.3
    public var namesWeight: Double = 0.3
    public var numbersWeight: Double = 0.4
    /// At most this many articles and events are kept in memory; the oldest go first. An
    /// article in memory takes about 1.5 KB, an open event about 4 KB.
    public var maximumRecentArticles: Int = 150_000
    public var maximumOpenEvents: Int = 50_000

    public init() {}

    /// How much a distance between publication dates discounts similarity: nothing within the
    /// window; beyond it, by the fourth root of how many windows apart the dates are (16 windows:
    /// half). Reports of one event cluster within days, but a follow-up weeks later that plainly
    /// tells the same story should still be able to join it: a report two weeks after the event
    /// that scores 0.5 keeps 0.34, above ``eventSimilarity`` (a square root left it 0.23, below);
    /// two similar stories months apart rarely can: two of one kind (0.35) three months apart
    /// keep 0.15.
    public func timeFactor(distance: Double) -> Double {
        guard distance > window else { return 1 }
        return (window / distance).squareRoot().squareRoot()
    }

    /// What is wrong with these values, if anything (one sentence per problem).
    public func problems() -> [String] {
        var problems: [String] = []
        if !(window > 0) { problems.append("window must be positive") }
        if !(nearDuplicateHorizon > 0) { problems.append("near_duplicate_horizon must be positive") }
        for (name, value) in [
            ("near_duplicate_similarity", nearDuplicateSimilarity), ("near_duplicate_containment", nearDuplicateContainment),
            ("event_similarity", eventSimilarity), ("event_merge_similarity", eventMergeSimilarity),
            ("consolidation_linkage", consolidationLinkage),
        ] where !(value > 0 && value <= 1) {
            problems.append("\(name) must be above 0 and at most 1")
        }
        for (name, value) in [("content_weight", contentWeight), ("names_weight", namesWeight), ("numbers_weight", numbersWeight)]
        where !(value >= 0) {
            problems.append("\(name) must not be negative")
        }
        if contentWeight + namesWeight + numbersWeight <= 0 { problems.append("the weights must not all be 0") }
        if maximumRecentArticles < 1000 { problems.append("maximum_recent_articles must be at least 1000") }
        if maximumOpenEvents < 1000 { problems.append("maximum_open_events must be at least 1000") }
        return problems
    }
}
