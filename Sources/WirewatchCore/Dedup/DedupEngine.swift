/// The online dedup engine: for each article, in arrival order, decides whether it repeats an
/// earlier body exactly, copies an earlier article with edits, covers an event already seen, or
/// starts a new event, and keeps the events current.
///
/// Pure and deterministic: the same articles in the same order give the same decisions. Owned by
/// one thread (the pipeline); it does no I/O. Memory is bounded: articles older than the
/// near-duplicate horizon and events idle for longer than the window leave memory (the store
/// keeps them), and hard caps bound both even when everything arrives at once.
public final class DedupEngine {
    /// Thresholds and limits; a change applies from the next article.
    public var configuration: DedupConfiguration
    public private(set) var statistics: TermStatistics
    /// Time spent deciding so far, in ``add(_:olderBodyKey:)`` (including its rare look-ups of
    /// older bodies): for benchmarks, what the engine costs apart from the store around it.
    public private(set) var decidingTime: Duration = .zero

    var events: [Int64: EventState] = [:]
    var openEvents = OpenEventBits()
    private var candidateScores = CandidateScores()
    var nextEventID: Int64
    private var eventPostings = PostingTable(capacity: 1024)
    private var eventOrder: [(id: Int64, touched: UInt64)] = []
    private var eventOrderStart = 0
    private var touchCounter: UInt64 = 0

    var recent: [RecentArticle?] = []
    /// The signatures of `recent`, 128 values each, 16 bits of each value.
    private var signatures: [UInt16] = []
    var recentStart = 0
    /// Slot numbers are global: the slot of `recent[i]` is `slotBase + i`.
    var slotBase: UInt32 = 0
    private var liveRecent = 0
    private var lsh = LSHIndex()
    private var sentencePostings = CompactMultimap(capacity: 1024)
    /// Index in `recent` of the first article whose sentences are still indexed: passages are
    /// looked for within the window only (older articles stay near-duplicate originals).
    private var sentenceStart = 0
    /// Index entries of articles gone from memory (or past the window, for sentences), which the
    /// next compaction drops.
    private var deadBandEntries = 0
    private var deadEventPostings = 0
    private var deadSentenceEntries = 0
    private var bodyKeys: [UInt64: UInt32] = [:]
    /// Events merged into another, to the event that took them: articles in memory still name
    /// the old id until the next compaction of `recent` rewrites them.
    private var mergedInto = MergedEvents()
    /// The body keys of every article the engine has seen or the store holds: an article whose
    /// body is not in memory is looked up in the store only when this says it may be there.
    private var storedBodies = BloomFilter(capacity: 1 << 16)
    var latestArrival = -Double.infinity
    /// Original articles within the window and their nearest neighbours, for consolidation.
    var graph = NeighbourGraph()
    /// Events whose reports or their neighbourhoods changed since ``consolidateAll()`` last ran.
    var unsettledEvents = Set<Int64>()

    /// Terms of each article indexed for event retrieval, and looked up for it.
    static let indexedContentTerms = 12
    static let indexedNameTerms = 8
    /// What an article's similarity to an event is worth when the two are mostly about different
    /// countries.
    static let otherCountryFactor = 0.75
    /// A country holding this share of place mentions is what an article (or event) is about; one
    /// under the minor share is named only in passing.
    static let mainPlaceShare = 0.3
    static let minorPlaceShare = 0.15
    /// Events scored in full per article.
    static let candidateLimit = 12
    /// Postings read per term: a term that names more events than this is too common to retrieve by.
    static let postingsPerTerm = 32
    /// Centroid sizes per space.
    static let centroidLimits = (content: 128, names: 64, numbers: 32)
    /// Events whose recent reports are linked into the neighbour graph, scored per article, and
    /// how many of each one's latest reports are compared with it.
    static let linkedEvents = 6
    static let linkedReports = 16
    /// Consolidation re-examines an event when it reaches one of these numbers of original reports
    /// in the neighbour graph (about every time it grows by half); an event with more is
    /// established and left as it is: the reports that could be mistaken for another event's are
    /// its first ones.
    static let consolidationPoints: Set<Int> = [2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64]
    static let consolidationLimit = 64

    /// - Parameters:
    ///   - nextEventID: the first free event id (events already stored keep theirs).
    public init(
        configuration: DedupConfiguration = DedupConfiguration(), statistics: TermStatistics = TermStatistics(),
        nextEventID: Int64 = 1
    ) {
        self.configuration = configuration
        self.statistics = statistics
        self.nextEventID = nextEventID
    }

    /// What memory holds, for tuning: entries of each index and average centroid sizes.
    public var memoryReport: String {
        let centroid = events.values.reduce(0) { $0 + $1.content.entries.count + $1.names.entries.count + $1.numbers.entries.count }
        let names = events.values.reduce(0) { $0 + $1.nameCounts.count }
        return "\(liveRecent) articles (\(recent.count) slots), \(events.count) events (centroid entries \(centroid / max(1, events.count)), names \(names / max(1, events.count))), postings: bands \(lsh.count), sentences \(sentencePostings.count), events \(eventPostings.count), body keys \(bodyKeys.count), event order \(eventOrder.count)"
    }

    /// Articles and events held in memory.
    public var recentArticleCount: Int { liveRecent }
    public var openEventCount: Int { events.count }

    /// One article for the engine: its profile and what the store knows of it.
    public struct Input: Sendable {
        public var articleID: Int64
        public var profile: ArticleProfile
        /// When it arrived (seconds since 1970): drives what stays in memory.
        public var arrival: Double
        /// Who published it (for distinct-source counts).
        public var source: String
        public var title: String?
        /// Title and paragraphs, as ``TextLocation`` refers to them (for evidence).
        public var segments: [String]

        public init(articleID: Int64, profile: ArticleProfile, arrival: Double, source: String, title: String?, segments: [String]) {
            self.articleID = articleID
            self.profile = profile
            self.arrival = arrival
            self.source = source
            self.title = title
            self.segments = segments
        }
    }

    // MARK: Deciding

    /// Decides about one article and remembers it, with nothing but memory to look in (no store).
    public func add(_ input: Input) -> DedupDecision {
        add(input, olderBodyKey: { _ in nil }, storedEvent: { _ in nil })
    }

    /// Decides about one article and remembers it.
    ///
    /// - Parameters:
    ///   - olderBodyKey: finds an article with this body key that memory no longer holds (the
    ///     store, usually), with its event.
    ///   - storedEvent: an event memory no longer holds, as stored, with its sources: a copy of an
    ///     article whose event has closed joins it as it stands, not as a new event of one.
    /// - Throws: what a look-up throws (a store that cannot be read), before the engine has taken
    ///   the article in: a failed look-up is not taken for "not there".
    public func add(
        _ input: Input, olderBodyKey: (String) throws -> (articleID: Int64, eventID: Int64)?,
        storedEvent: (Int64) throws -> (summary: EventSummary, sources: [String])?
    ) rethrows -> DedupDecision {
        let started = ContinuousClock.now
        defer { decidingTime += ContinuousClock.now - started }
        let profile = input.profile
        latestArrival = max(latestArrival, input.arrival)
        evict()
        let matches = sentenceMatches(profile.sentences)
        let passageEvidence = sharedPassages(input, matches)
        let passages = passageEvidence.passages

        if let (original, eventID, originalID) = try exactDuplicate(of: profile.bodyKey, olderBodyKey: olderBodyKey) {
            let event = try join(eventID, input, vectors: nil, centrality: nil, storedEvent: storedEvent)
            remember(input, eventID: eventID, originalID: originalID, indexed: false)
            return DedupDecision(
                articleID: input.articleID, kind: .exactDuplicate, eventID: eventID, duplicateOf: original,
                evidence: Evidence(jaccard: 1, containment: 1, sharedPassages: passages), event: event)
        }
        if let copy = nearDuplicate(of: profile, matches) {
            let event = try join(copy.eventID, input, vectors: nil, centrality: nil, storedEvent: storedEvent)
            remember(input, eventID: copy.eventID, originalID: copy.articleID, indexed: false)
            return DedupDecision(
                articleID: input.articleID, kind: .nearDuplicate, eventID: copy.eventID, nearDuplicateOf: copy.articleID,
                evidence: Evidence(jaccard: copy.jaccard, containment: copy.containment, sharedPassages: passages),
                event: event)
        }

        // Original wording: it counts towards the term statistics, then finds its event.
        statistics.add(distinct: profile.content.map(\.hash) + profile.names.map(\.hash) + profile.numbers.map(\.hash))
        let vectors = FeatureVectors(profile, statistics: statistics)
        var (best, considered, joinable, scored) = bestEvent(for: vectors, published: profile.published, places: profile.places)
        // Sentences copied from an event's articles mean the same story, whatever the wording around them.
        if let copied = passageEvidence.copiedSentences.filter({ events[$0.key] != nil })
            .max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }), copied.key != best?.id
        {
            best = (copied.key, events[copied.key]!.similarity(to: vectors, published: profile.published, configuration: configuration))
        }
        if let best, best.scores.combined >= configuration.eventSimilarity || passageEvidence.copiedSentences[best.id] != nil {
            var event = join(best.id, input, vectors: vectors, centrality: best.scores.combined, storedEvent: { _ in nil })
            index(vectors, eventID: best.id)
            remember(input, eventID: best.id)
            let terms = sharedTerms(vectors, best.id, input)
            // The article could join other events as well: each that is one event with its own merges.
            var eventID = best.id
            var merged: [Int64] = []
            // The source is new to the merged event only if none of the events taken in had it.
            var sourceKnown = false
            for other in joinable where other != best.id {
                guard let otherEvent = events[other] else { continue }
                let sources = otherEvent.sourceKeys  // as they were before the merge
                guard let survivor = mergeIfSame(eventID, other) else { continue }
                let hadSource = sources.contains(input.source.lowercased())
                merged.append(survivor == eventID ? other : eventID)
                eventID = survivor
                sourceKnown = sourceKnown || hadSource
            }
            if !merged.isEmpty, let survivor = events[eventID] {
                let newSource = sourceKnown ? nil : event.newSource
                event = survivor.summary
                event.newSource = newSource
            }
            link(input, vectors: vectors, eventID: eventID, scored: scored)
            var decision = DedupDecision(
                articleID: input.articleID, kind: .sameEvent, eventID: eventID,
                evidence: Evidence(
                    similarity: best.scores, sharedTerms: terms, sharedPassages: passages, candidatesConsidered: considered),
                event: event, mergedEvents: merged)
            consolidateOnGrowth(&decision)
            return decision
        }
        let id = nextEventID
        nextEventID += 1
        let event = join(id, input, vectors: vectors, centrality: nil, storedEvent: { _ in nil })
        index(vectors, eventID: id)
        remember(input, eventID: id)
        link(input, vectors: vectors, eventID: id, scored: scored)
        return DedupDecision(
            articleID: input.articleID, kind: .newEvent, eventID: id,
            evidence: Evidence(
                similarity: best?.scores, closestEventID: best?.id,
                sharedTerms: best.map { sharedTerms(vectors, $0.id, input) } ?? [], sharedPassages: passages,
                candidatesConsidered: considered),
            event: event)
    }

    /// The event the engine would put these vectors in, without changing anything.
    public func closestEvent(to profile: ArticleProfile) -> (id: Int64, scores: SimilarityScores)? {
        bestEvent(for: FeatureVectors(profile, statistics: statistics), published: profile.published, places: profile.places).best
    }

    /// The event an event id stands for now: itself, or the event it was merged into.
    public func currentEventID(_ id: Int64) -> Int64 {
        mergedInto.current(id)
    }

    /// The current summary of an event held in memory.
    public func event(_ id: Int64) -> EventSummary? {
        events[id]?.summary
    }

    // MARK: Exact and near duplicates

    /// The article with this body, its event, and the original it (or its own original) came from.
    private func exactDuplicate(
        of key: String, olderBodyKey: (String) throws -> (articleID: Int64, eventID: Int64)?
    ) rethrows -> (Int64, Int64, Int64)? {
        let hash = Self.bodyHash(key)
        if let slot = bodyKeys[hash], let article = recentArticle(slot) {
            return (article.id, currentEventID(article.eventID), article.originalID)
        }
        if storedBodies.mightContain(hash), let older = try olderBodyKey(key) {
            return (older.articleID, currentEventID(older.eventID), older.articleID)
        }
        return nil
    }

    /// Notes the body of a stored article by its ``bodyHash(_:)`` (at start-up, for the whole
    /// store), so that an exact duplicate of it is looked for in the store.
    public func noteStoredBody(hash: UInt64) {
        storedBodies.insert(hash)
    }

    /// The 64-bit hash by which memory (and the store's index) know a body key.
    public static func bodyHash(_ key: String) -> UInt64 {
        TermHash.hash(key, space: 0)
    }

    struct Copy {
        var articleID: Int64
        var eventID: Int64
        var jaccard: Double
        var containment: Double
    }

    private func nearDuplicate(of profile: ArticleProfile, _ matches: [SentenceMatches]) -> Copy? {
        guard !profile.signature.isEmpty else { return nil }
        var seen = Set<UInt32>()
        lsh.candidates(profile.signature, into: &seen)
        // A trimmed or extended copy can have a low Jaccard similarity: shared sentences find it.
        var sentenceHits: [UInt32: Int] = [:]
        for match in matches {
            for slot in match.loose { sentenceHits[slot, default: 0] += 1 }
        }
        for (slot, hits) in sentenceHits where hits >= 2 || hits * 2 >= profile.sentences.count { seen.insert(slot) }
        var best: Copy?
        for slot in seen.sorted() {
            guard let article = recentArticle(slot) else { continue }
            let jaccard = storedJaccard(profile.signature, slot: slot)
            let smaller = min(profile.shingleCount, Int(article.shingleCount))
            let containment: Double
            if profile.shingleCount <= Int(article.shingleCount) {
                containment = MinHashSignature.containment(
                    jaccard: jaccard, size: profile.shingleCount, otherSize: Int(article.shingleCount))
            } else {
                containment = MinHashSignature.containment(
                    jaccard: jaccard, size: Int(article.shingleCount), otherSize: profile.shingleCount)
            }
            let isCopy =
                jaccard >= configuration.nearDuplicateSimilarity
                || (containment >= configuration.nearDuplicateContainment
                    && smaller >= configuration.minimumContainmentShingles)
            guard isCopy else { continue }
            if best == nil || jaccard > best!.jaccard {
                best = Copy(
                    articleID: article.id, eventID: currentEventID(article.eventID), jaccard: jaccard, containment: containment)
            }
        }
        return best
    }

    /// For one sentence, the recent articles holding it: the same sentence, or two of its sampled
    /// 4-grams (`loose`, for passages and copy candidates); the same sentence or three samples and
    /// most of them (`strict`, for event evidence).
    struct SentenceMatches {
        var loose: [UInt32] = []
        var strict: [UInt32] = []
    }

    private func sentenceMatches(_ sentences: [ArticleProfile.Sentence]) -> [SentenceMatches] {
        // Each posting read as (slot, exact), then sorted so that a slot's postings are adjacent:
        // a sentence reads up to a hundred postings once memory is full.
        var postings: [(slot: UInt32, exact: Bool)] = []
        let occupied = sentencePostings.mayHoldValues(sentences.flatMap(\.sketch))
        var position = 0
        return sentences.map { sentence in
            postings.removeAll(keepingCapacity: true)
            for value in sentence.sketch {
                position += 1
                guard occupied[position - 1] else { continue }
                let exact = value == sentence.key
                var read = 0
                sentencePostings.forEach(value) { slot in
                    read += 1
                    postings.append((slot, exact))
                    return read < Self.postingsPerSample
                }
            }
            var matches = SentenceMatches()
            guard !postings.isEmpty else { return matches }
            postings.sort { $0.slot < $1.slot }
            let samples = sentence.sketch.count - 1
            var start = 0
            while start < postings.count {
                let slot = postings[start].slot
                var end = start
                var exact = false
                while end < postings.count && postings[end].slot == slot {
                    exact = exact || postings[end].exact
                    end += 1
                }
                let count = end - start
                start = end
                guard exact || count >= 2, slot &- sentenceLiveFrom < UInt32.max / 2, recentArticle(slot) != nil else { continue }
                matches.loose.append(slot)
                if exact || (count >= 3 && count * 5 >= samples * 3) { matches.strict.append(slot) }
            }
            return matches
        }
    }

    struct PassageEvidence {
        var passages: [SharedPassage] = []
        /// Per event, how many lead sentences of this article its articles hold.
        var copiedSentences: [Int64: Int] = [:]
    }

    /// Sentences this article shares (word for word, or nearly) with recent articles, each with the
    /// earliest article that has it. A sentence found in articles of many events is boilerplate
    /// (an agency's copyright line, a newsletter footer) and does not count.
    private func sharedPassages(_ input: Input, _ matches: [SentenceMatches]) -> PassageEvidence {
        var evidence = PassageEvidence()
        var seen = Set<UInt64>()
        for (sentence, match) in zip(input.profile.sentences, matches) where !match.loose.isEmpty {
            guard seen.insert(sentence.key).inserted else { continue }
            let articles = match.loose.compactMap(recentArticle)
            guard let earliest = articles.min(by: { $0.id < $1.id }) else { continue }
            let events = Set(articles.map { currentEventID($0.eventID) })
            guard events.count <= Self.boilerplateEvents else { continue }
            if evidence.passages.count < 50 {
                evidence.passages.append(
                    SharedPassage(text: sentence.location.text(in: input.segments), otherArticleID: earliest.id))
            }
            if sentence.isLead && sentence.words >= Self.copiedSentenceWords {
                for event in Set(match.strict.compactMap(recentArticle).map({ currentEventID($0.eventID) })) {
                    evidence.copiedSentences[event, default: 0] += 1
                }
            }
        }
        return evidence
    }

    /// Postings read per sentence sample: wording found in more original articles than this
    /// within the window is a stock phrase or boilerplate, not a passage copied from one of them.
    static let postingsPerSample = 16
    /// A sentence in articles of more events than this is boilerplate.
    static let boilerplateEvents = 2
    /// A lead sentence this long, found whole in an event's article, puts the article in that event.
    static let copiedSentenceWords = 8

    // MARK: Events

    /// The event most like the vectors, how many were scored, every event alike enough to join,
    /// and each scored event with its combined similarity.
    private func bestEvent(
        for vectors: FeatureVectors, published: TimeSpan?, places: [ArticleProfile.PlaceCount]
    ) -> (best: (id: Int64, scores: SimilarityScores)?, considered: Int, joinable: [Int64], scored: [(id: Int64, similarity: Double)]) {
        candidateScores.reset()
        func retrieve(_ vector: SparseVector, _ count: Int) {
            for entry in vector.top(count) {
                var read = 0
                eventPostings.forEach(UInt64(entry.term)) { id in
                    read += 1
                    if openEvents.contains(Int64(id)) { candidateScores.add(id, entry.weight) }
                    return read < Self.postingsPerTerm
                }
            }
        }
        retrieve(vectors.content, Self.indexedContentTerms)
        retrieve(vectors.names, Self.indexedNameTerms)
        let candidates = candidateScores.top(Self.candidateLimit)
        var best: (id: Int64, scores: SimilarityScores)?
        var joinable: [Int64] = []
        var scored: [(id: Int64, similarity: Double)] = []
        for (id, _) in candidates {
            guard let event = events[Int64(id)] else { continue }
            var scores = event.similarity(to: vectors, published: published, configuration: configuration)
            // The same kind of story about another country weighs a quarter less.
            if event.placeConflict(with: places) { scores.combined *= Self.otherCountryFactor }
            scored.append((Int64(id), scores.combined))
            if scores.combined >= configuration.eventSimilarity { joinable.append(Int64(id)) }
            if best == nil || scores.combined > best!.scores.combined
                || (scores.combined == best!.scores.combined && Int64(id) < best!.id)
            {
                best = (Int64(id), scores)
            }
        }
        return (best, candidates.count, joinable, scored)
    }

    /// Merges two events when their centroids are alike enough to be one; the older id survives
    /// and is returned, nil if they stay apart.
    private func mergeIfSame(_ a: Int64, _ b: Int64) -> Int64? {
        guard configuration.eventMergeSimilarity < 1, let first = events[a], let second = events[b] else { return nil }
        let scores = SimilarityScores.between(
            first.centroid, first.published, second.centroid, second.published, configuration: configuration)
        guard scores.combined >= configuration.eventMergeSimilarity else { return nil }
        return merge(first, second)
    }

    /// Merges two events: the older id survives and is returned.
    func merge(_ first: EventState, _ second: EventState) -> Int64 {
        let (keep, gone) = first.id < second.id ? (first, second) : (second, first)
        keep.absorb(gone)
        for member in gone.graphMembers { graph.setEvent(member, keep.id) }
        if !gone.graphMembers.isEmpty {
            keep.graphMembers = (keep.graphMembers + gone.graphMembers).sorted { (graph.slot(of: $0) ?? 0) < (graph.slot(of: $1) ?? 0) }
            keepYoung(keep)
        }
        unsettledEvents.remove(gone.id)
        unsettledEvents.insert(keep.id)
        // The gone event's heaviest terms now retrieve the one that took it.
        index(gone.centroid, eventID: keep.id)
        deadEventPostings += gone.postings
        events[gone.id] = nil
        openEvents.set(gone.id, false)
        mergedInto.note(gone.id, into: keep.id)
        touch(keep)
        return keep.id
    }

    func touch(_ event: EventState) {
        touchCounter += 1
        event.touched = touchCounter
        eventOrder.append((event.id, touchCounter))
    }

    func index(_ vectors: FeatureVectors, eventID: Int64) {
        var added = 0
        for entry in vectors.content.top(Self.indexedContentTerms) {
            eventPostings.insert(UInt64(entry.term), UInt32(truncatingIfNeeded: eventID))
            added += 1
        }
        for entry in vectors.names.top(Self.indexedNameTerms) {
            eventPostings.insert(UInt64(entry.term), UInt32(truncatingIfNeeded: eventID))
            added += 1
        }
        events[eventID]?.postings += added
    }

    /// Adds the article to the event (creating it in memory if needed) and returns its summary.
    ///
    /// - Parameter storedEvent: the store's view of an event memory no longer holds (copies of an
    ///   article whose event has closed join it).
    private func join(
        _ id: Int64, _ input: Input, vectors: FeatureVectors?, centrality: Double?,
        storedEvent: (Int64) throws -> (summary: EventSummary, sources: [String])?
    ) rethrows -> EventSummary {
        let event: EventState
        if let existing = events[id] {
            event = existing
        } else {
            // Looked up first: a look-up that throws leaves the engine as it was.
            let stored = try storedEvent(id)
            event = EventState(id: id, firstSeen: input.arrival)
            events[id] = event
            openEvents.set(id, true)
            if let stored {
                restore(stored.summary, sources: stored.sources)
                event.titleCentrality = 1  // a late copy does not retitle the story
            }
        }
        let isNewSource = event.add(input, vectors: vectors, centrality: centrality)
        touchCounter += 1
        event.touched = touchCounter
        eventOrder.append((id, touchCounter))
        var summary = event.summary
        summary.newSource = isNewSource ? input.source : nil
        return summary
    }

    private func sharedTerms(_ vectors: FeatureVectors, _ eventID: Int64, _ input: Input) -> [String] {
        guard let event = events[eventID] else { return [] }
        var shared = vectors.names.shared(with: event.names, limit: 6) + vectors.content.shared(with: event.content, limit: 6)
        shared.sort { $0.weight > $1.weight }
        var labels: [String] = []
        var seen = Set<String>()
        for (term, _) in shared {
            guard let label = label(of: term, in: input), seen.insert(label.lowercased()).inserted else { continue }
            labels.append(label)
            if labels.count == 8 { break }
        }
        return labels
    }

    func label(of term: UInt32, in input: Input) -> String? {
        for space in [input.profile.names, input.profile.content, input.profile.numbers] {
            if let found = Self.find(term, in: space) { return found.location.text(in: input.segments) }
        }
        return nil
    }

    /// The profile term of a vector term (terms are sorted by hash, so by its high bits too).
    static func find(_ term: UInt32, in terms: [ArticleProfile.Term]) -> ArticleProfile.Term? {
        var low = 0
        var high = terms.count
        while low < high {
            let middle = (low + high) / 2
            if SparseVector.Entry.term(terms[middle].hash) < term { low = middle + 1 } else { high = middle }
        }
        return low < terms.count && SparseVector.Entry.term(terms[low].hash) == term ? terms[low] : nil
    }

    // MARK: Memory

    /// Keeps an article in memory. A copy (`indexed` false) is not indexed for wording: later
    /// copies find its original, and shared sentences point to the earliest article anyway.
    private func remember(_ input: Input, eventID: Int64, originalID: Int64? = nil, indexed: Bool = true) {
        let slot = slotBase &+ UInt32(recent.count)
        var sentenceEntries = 0
        if indexed {
            // Each sample once per article: sorted, then the repeats skipped.
            var values: [UInt64] = []
            values.reserveCapacity(input.profile.sentences.count * (ArticleProfile.Sentence.maximumSamples + 1))
            for sentence in input.profile.sentences { values.append(contentsOf: sentence.sketch) }
            values.sort()
            var distinct: [UInt64] = []
            distinct.reserveCapacity(values.count)
            for value in values where value != distinct.last { distinct.append(value) }
            sentencePostings.insert(contentsOf: distinct, slot)
            sentenceEntries = distinct.count
        }
        let bodyHash = Self.bodyHash(input.profile.bodyKey)
        recent.append(
            RecentArticle(
                id: input.articleID, eventID: eventID, originalID: originalID ?? input.articleID,
                hasSignature: indexed && !input.profile.signature.isEmpty,
                shingleCount: Int32(clamping: input.profile.shingleCount), sentenceEntries: Int32(sentenceEntries),
                arrival: input.arrival, bodyHash: bodyHash))
        liveRecent += 1
        bodyKeys[bodyHash] = slot
        storedBodies.insert(bodyHash)
        if indexed { lsh.insert(input.profile.signature, slot: slot) }
        for value in input.profile.signature.values { signatures.append(UInt16(truncatingIfNeeded: value)) }
    }

    /// The estimated Jaccard similarity of a signature and a remembered article's, on the 16 low
    /// bits the store keeps of each value (two unequal values agree there once in 65,536 times).
    private func storedJaccard(_ signature: MinHashSignature, slot: UInt32) -> Double {
        let index = Int(slot &- slotBase)
        guard !signature.isEmpty, index >= recentStart, index < recent.count, recent[index]?.hasSignature == true else {
            return 0
        }
        let base = index * MinHashSignature.count
        var equal = 0
        signatures.withUnsafeBufferPointer { stored in
            for position in 0..<MinHashSignature.count
            where UInt16(truncatingIfNeeded: signature.values[position]) == stored[base + position] {
                equal += 1
            }
        }
        return Double(equal) / Double(MinHashSignature.count)
    }

    /// The slot of the first article whose sentences are indexed.
    private var sentenceLiveFrom: UInt32 { slotBase &+ UInt32(sentenceStart) }

    private func recentArticle(_ slot: UInt32) -> RecentArticle? {
        let index = Int(slot &- slotBase)
        guard index >= recentStart, index < recent.count else { return nil }
        return recent[index]
    }

    /// Drops articles past the near-duplicate horizon (their sentences past the window) and events
    /// idle past the window, or the oldest beyond the caps; compacts the wording indexes once a
    /// fifth of what they hold is dead (before they would grow: they are rebuilt 60% full and grow
    /// at 80%) and the event index once a third is.
    private func evict() {
        let sentenceLimit = latestArrival - configuration.window
        while sentenceStart < recent.count, let article = recent[sentenceStart],
            article.arrival < sentenceLimit || sentenceStart < recentStart
        {
            deadSentenceEntries += Int(article.sentenceEntries)
            sentenceStart += 1
        }
        let articleLimit = latestArrival - configuration.nearDuplicateHorizon
        while recentStart < recent.count,
            let article = recent[recentStart],
            article.arrival < articleLimit || liveRecent > configuration.maximumRecentArticles
        {
            if bodyKeys[article.bodyHash] == slotBase &+ UInt32(recentStart) { bodyKeys[article.bodyHash] = nil }
            if article.hasSignature { deadBandEntries += LSHIndex.bands }
            if sentenceStart <= recentStart {
                deadSentenceEntries += Int(article.sentenceEntries)
                sentenceStart = recentStart + 1
            }
            recent[recentStart] = nil
            recentStart += 1
            liveRecent -= 1
        }
        if deadSentenceEntries > 4096 && deadSentenceEntries * 5 > sentencePostings.count {
            let liveFrom = sentenceLiveFrom
            sentencePostings.rebuild { $0 &- liveFrom < UInt32.max / 2 }
            deadSentenceEntries = 0
        }
        if deadBandEntries > 4096 && deadBandEntries * 5 > lsh.count {
            let liveFrom = slotBase &+ UInt32(recentStart)
            lsh.rebuild { $0 &- liveFrom < UInt32.max / 2 }
            deadBandEntries = 0
        }
        if recentStart > 4096 && recentStart * 5 > recent.count {
            if !mergedInto.isEmpty {
                for index in recentStart..<recent.count {
                    if let article = recent[index], mergedInto.wasMerged(article.eventID) {
                        recent[index]!.eventID = currentEventID(article.eventID)
                    }
                }
                mergedInto.removeAll()
            }
            recent.removeFirst(recentStart)
            signatures.removeFirst(recentStart * MinHashSignature.count)
            slotBase = slotBase &+ UInt32(recentStart)
            sentenceStart -= recentStart
            recentStart = 0
        }
        graph.evict(
            arrivedBefore: sentenceLimit, slotsBefore: slotBase &+ UInt32(recentStart), maximum: configuration.maximumRecentArticles)
        let eventLimit = latestArrival - configuration.window
        var removedEvents = false
        while eventOrderStart < eventOrder.count {
            let (id, touched) = eventOrder[eventOrderStart]
            guard let event = events[id], event.touched == touched else {
                eventOrderStart += 1  // superseded by a later touch
                continue
            }
            guard event.lastSeen < eventLimit || events.count > configuration.maximumOpenEvents else { break }
            deadEventPostings += event.postings
            events[id] = nil
            openEvents.set(id, false)
            eventOrderStart += 1
            removedEvents = true
        }
        if eventOrderStart > 4096 && eventOrderStart * 2 > eventOrder.count {
            eventOrder.removeFirst(eventOrderStart)
            eventOrderStart = 0
        }
        if removedEvents && deadEventPostings > 4096 && deadEventPostings * 3 > eventPostings.count {
            eventPostings.rebuild { openEvents.contains(Int64($0)) }
            deadEventPostings = 0
        }
    }
}

/// German capitalises every noun; for showing an event's names, words with the endings of
/// abstract and common nouns are left out (`Zusammenarbeit`, `Regierung`, `Sicherheit`).
enum GermanNouns {
    static let endings = [
        "ung", "heit", "keit", "schaft", "tion", "ität", "nis", "tum", "ment", "ismus", "arbeit", "sprecher", "minister",
        "präsident", "staat", "land", "länder", "krieg", "angriff", "angaben", "besuch", "reise", "waffen", "beziehungen",
        "partner", "partnerschaft", "abkommen", "vertrag", "gespräch", "gespräche",
    ]

    static func looksCommon(_ word: String) -> Bool {
        guard !word.contains(" "), word.count > 4 else { return false }
        let lowered = word.lowercased()
        return endings.contains { lowered.hasSuffix($0) || lowered.hasSuffix($0 + "s") || lowered.hasSuffix($0 + "es") || lowered.hasSuffix($0 + "en") }
    }
}

/// An article kept in memory as a possible original of later copies.
struct RecentArticle {
    var id: Int64
    var eventID: Int64
    /// The original article it copies (its own id for an original): copies follow their
    /// original when consolidation moves it to another event.
    var originalID: Int64
    /// Its MinHash signature is in the engine's flat signature store, at its index.
    var hasSignature: Bool
    var shingleCount: Int32
    /// Entries it put in the sentence index.
    var sentenceEntries: Int32
    var arrival: Double
    /// A 64-bit hash of the body key (collisions cost one store lookup, never a wrong answer:
    /// the store keeps the key itself).
    var bodyHash: UInt64
}

/// An open event: centroids of its original articles per space, and what its summary needs.
final class EventState {
    var id: Int64
    var content = SparseVector()
    var names = SparseVector()
    var numbers = SparseVector()
    var published: TimeSpan?
    var firstSeen: Double
    var lastSeen: Double
    var articleCount = 0
    /// Distinct sources, folded to lowercase.
    var sourceKeys = Set<String>()
    /// Sources that joined before memory held the event (restored from the store).
    var earlierSourceCount = 0
    var title: String?
    var titleCentrality = -1.0
    /// How many original articles name each name, with the name as first written; the rarest go
    /// when the list grows long.
    var nameCounts: [NameCount] = []

    struct NameCount {
        var hash: UInt64
        var count: Int
        var label: String
    }
    /// The leading names as last worked out; refreshed while the event is young and then every
    /// few articles (the leaders of a large event change slowly).
    private var cachedTopNames: [String] = []
    fileprivate var topNamesAt = -1
    var touched: UInt64 = 0
    /// Entries it has in the event index.
    var postings = 0
    /// Per place, the sum over the original articles of the share of their place mentions.
    var places: [Int: Double] = [:]
    var placeArticles = 0
    /// Its original reports in the neighbour graph, in the order they joined.
    var graphMembers: [Int64] = []
    /// It has original reports the graph does not hold (older than the window, or from before a
    /// restart): consolidation can move reports out of it, but not rebuild it from the rest.
    var anchored = false
    /// It grew past ``DedupEngine/consolidationLimit`` reports: established, no longer consolidated.
    var established = false

    init(id: Int64, firstSeen: Double) {
        self.id = id
        self.firstSeen = firstSeen
        self.lastSeen = firstSeen
    }

    /// The centroids as vectors (sums of the members' unit vectors; cosine ignores the length).
    var centroid: FeatureVectors { FeatureVectors(content: content, names: names, numbers: numbers) }

    /// Takes in the articles of another event (merged into this one).
    func absorb(_ other: EventState) {
        if other.articleCount > articleCount, let title = other.title {
            self.title = title
            titleCentrality = other.titleCentrality
        }
        articleCount += other.articleCount
        firstSeen = min(firstSeen, other.firstSeen)
        lastSeen = max(lastSeen, other.lastSeen)
        if let span = other.published { published = published.map { $0.union(span) } ?? span }
        sourceKeys.formUnion(other.sourceKeys)
        // Sources memory never held may be the same in both: the store counts them after the
        // merge (``DedupEngine/correctSourceCount(ofEvent:to:)``).
        earlierSourceCount += other.earlierSourceCount
        for (place, share) in other.places { places[place, default: 0] += share }
        placeArticles += other.placeArticles
        anchored = anchored || other.anchored
        established = established || other.established
        add(other.centroid)
        for name in other.nameCounts {
            if let known = nameCounts.firstIndex(where: { $0.hash == name.hash }) {
                nameCounts[known].count += name.count
            } else {
                nameCounts.append(name)
            }
        }
        trimNames()
        topNamesAt = -1
    }

    /// Adds an article; returns whether its source is new to the event.
    func add(_ input: DedupEngine.Input, vectors: FeatureVectors?, centrality: Double?) -> Bool {
        articleCount += 1
        firstSeen = min(firstSeen, input.arrival)
        lastSeen = max(lastSeen, input.arrival)
        if let span = input.profile.published { published = published.map { $0.union(span) } ?? span }
        let isNewSource = sourceKeys.insert(input.source.lowercased()).inserted
        if let title = input.title, !title.isEmpty, (centrality ?? 0) > titleCentrality || self.title == nil {
            self.title = title
            titleCentrality = centrality ?? 0
        }
        guard let vectors else { return isNewSource }
        let mentions = input.profile.places.reduce(0) { $0 + $1.count }
        if mentions > 0 {
            placeArticles += 1
            for place in input.profile.places { places[place.place, default: 0] += Double(place.count) / Double(mentions) }
        }
        add(vectors)
        countNames(input)
        return isNewSource
    }

    private func countNames(_ input: DedupEngine.Input) {
        let german = input.profile.language == "de"
        // The article's own leading names are enough to find the event's.
        var leading = input.profile.names
        if leading.count > 24 {
            leading.sort { $0.count != $1.count ? $0.count > $1.count : $0.hash < $1.hash }
            leading.removeLast(leading.count - 24)
        }
        for term in leading {
            if let known = nameCounts.firstIndex(where: { $0.hash == term.hash }) {
                nameCounts[known].count += 1
                continue
            }
            let label = term.location.text(in: input.segments)
            // Two letters make a name only as an acronym (`UN`, `EU`), not as a fragment (`Jong-un`).
            guard label.count > 2 || (label.count == 2 && label.uppercased() == label),
                !(german && GermanNouns.looksCommon(label))
            else { continue }
            nameCounts.append(NameCount(hash: term.hash, count: 1, label: label))
        }
        trimNames()
    }

    /// Keeps the 48 most named once the list passes 96.
    private func trimNames() {
        if nameCounts.count > 96 {
            nameCounts.sort { $0.count != $1.count ? $0.count > $1.count : $0.hash < $1.hash }
            nameCounts.removeLast(nameCounts.count - 48)
        }
    }

    var leadingNames: [String] {
        if topNamesAt != articleCount && (articleCount < 16 || articleCount - topNamesAt >= 8 || topNamesAt < 0) {
            cachedTopNames = topNames(8)
            topNamesAt = articleCount
        }
        return cachedTopNames
    }

    /// The names most of the event's articles use; a longer name before the shorter it contains.
    func topNames(_ count: Int) -> [String] {
        // One pass keeps the leaders (a few times `count`, for names that contain one another).
        let leaders = nameCounts.leaders(count * 3) { a, b in
            if a.count != b.count { return a.count > b.count }
            let (x, y) = (a.label.utf8.count, b.label.utf8.count)
            return x != y ? x > y : a.label < b.label
        }
        var result: [String] = []
        var chosen: [[UInt8]] = []
        for entry in leaders {
            let bytes = Array(entry.label.utf8)
            guard !chosen.contains(where: { ByteSearch.contains($0, bytes) }) else { continue }
            result.append(entry.label)
            chosen.append(bytes)
            if result.count == count { break }
        }
        return result
    }

    func similarity(to vectors: FeatureVectors, published: TimeSpan?, configuration: DedupConfiguration) -> SimilarityScores {
        func cosine(_ x: SparseVector, _ centroid: SparseVector) -> Double? {
            x.isEmpty || centroid.isEmpty ? nil : Double(x.cosine(centroid))
        }
        let distance: Double? = if let published, let own = self.published { published.distance(to: own) } else { nil }
        return SimilarityScores.combine(
            content: cosine(vectors.content, content), names: cosine(vectors.names, names),
            numbers: cosine(vectors.numbers, numbers),
            numbersEvidence: min(vectors.numbers.entries.count, numbers.entries.count), timeDistance: distance,
            configuration: configuration)
    }

    /// The article is mostly about one place and the event about another, and neither names the
    /// other's much: the same kind of story somewhere else (a leader's visits to two countries).
    func placeConflict(with articlePlaces: [ArticleProfile.PlaceCount]) -> Bool {
        guard placeArticles > 0, let articleTop = articlePlaces.first else { return false }
        let mentions = Double(articlePlaces.reduce(0) { $0 + $1.count })
        guard Double(articleTop.count) / mentions >= DedupEngine.mainPlaceShare,
            let eventTop = places.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }),
            eventTop.value / Double(placeArticles) >= DedupEngine.mainPlaceShare, eventTop.key != articleTop.place
        else { return false }
        let articleShareOfEventTop = Double(articlePlaces.first { $0.place == eventTop.key }?.count ?? 0) / mentions
        let eventShareOfArticleTop = (places[articleTop.place] ?? 0) / Double(placeArticles)
        return articleShareOfEventTop < DedupEngine.minorPlaceShare && eventShareOfArticleTop < DedupEngine.minorPlaceShare
    }

    /// Adds a report's place mentions to the event's shares (`sign` -1 takes them away).
    func notePlaces(_ articlePlaces: [ArticleProfile.PlaceCount], sign: Double = 1) {
        let mentions = articlePlaces.reduce(0) { $0 + $1.count }
        guard mentions > 0 else { return }
        placeArticles += sign > 0 ? 1 : -1
        for place in articlePlaces {
            let share = (places[place.place] ?? 0) + sign * Double(place.count) / Double(mentions)
            places[place.place] = share > 1e-9 ? share : nil
        }
    }

    /// The centroids and publication span as the sum of these reports alone.
    func rebuild(from reports: [NeighbourGraph.Report]) {
        content = SparseVector()
        names = SparseVector()
        numbers = SparseVector()
        published = nil
        places = [:]
        placeArticles = 0
        for report in reports {
            add(report.vectors)
            if let span = report.published { published = published.map { $0.union(span) } ?? span }
            notePlaces(report.places)
        }
    }

    /// Adds vectors to the centroids, each kept to its size.
    func add(_ vectors: FeatureVectors) {
        content.add(vectors.content, limit: DedupEngine.centroidLimits.content)
        names.add(vectors.names, limit: DedupEngine.centroidLimits.names)
        numbers.add(vectors.numbers, limit: DedupEngine.centroidLimits.numbers)
    }

    func subtract(_ vectors: FeatureVectors) {
        content.subtract(vectors.content)
        names.subtract(vectors.names)
        numbers.subtract(vectors.numbers)
    }

    /// Moves the counts of the names these reports use to `other` (reports leaving for it).
    func moveNames(of reports: [NeighbourGraph.Report], to other: EventState) {
        var kept: [NameCount] = []
        for name in nameCounts {
            let term = SparseVector.Entry.term(name.hash)
            let count = reports.reduce(0) { $0 + ($1.vectors.names.contains(term) ? 1 : 0) }
            if count > 0 { other.nameCounts.append(NameCount(hash: name.hash, count: count, label: name.label)) }
            if name.count > count { kept.append(NameCount(hash: name.hash, count: name.count - count, label: name.label)) }
        }
        nameCounts = kept
        topNamesAt = -1
        other.topNamesAt = -1
    }

    var summary: EventSummary {
        EventSummary(
            id: id, title: title, firstSeen: firstSeen, lastSeen: lastSeen, published: published,
            articleCount: articleCount, sourceCount: sourceKeys.count + earlierSourceCount,
            topNames: leadingNames)
    }
}

// MARK: Restoring

extension DedupEngine {
    /// Puts an article the store has already decided back into memory (at start-up), without
    /// deciding again: it rejoins its event, and originals add to the event's centroid.
    ///
    /// - Parameter copyOf: for a copy, the article it copies, so that it follows its original if
    ///   consolidation moves it to another event.
    public func replay(_ input: Input, kind: DedupDecision.Kind, eventID: Int64, copyOf: Int64? = nil) {
        latestArrival = max(latestArrival, input.arrival)
        nextEventID = max(nextEventID, eventID + 1)
        switch kind {
        case .exactDuplicate, .nearDuplicate:
            _ = join(eventID, input, vectors: nil, centrality: nil, storedEvent: { _ in nil })
            remember(input, eventID: eventID, originalID: copyOf.map { originalOf($0) ?? $0 }, indexed: false)
        case .sameEvent, .newEvent:
            let vectors = FeatureVectors(input.profile, statistics: statistics)
            let scored = configuration.consolidationLinkage < 1
                ? bestEvent(for: vectors, published: input.profile.published, places: input.profile.places).scored : []
            _ = join(eventID, input, vectors: vectors, centrality: kind == .newEvent ? nil : 0, storedEvent: { _ in nil })
            index(vectors, eventID: eventID)
            remember(input, eventID: eventID)
            link(input, vectors: vectors, eventID: eventID, scored: scored)
        }
        evict()
    }

    /// Counts an original article's terms (replaying articles newer than a statistics snapshot).
    public func count(_ profile: ArticleProfile) {
        statistics.add(distinct: profile.content.map(\.hash) + profile.names.map(\.hash) + profile.numbers.map(\.hash))
    }

    /// Sets what the store knows of an event held in memory (counts and sources over all its
    /// articles, also those memory no longer holds).
    ///
    /// - Parameter replacingSources: the sources are all the event has (after consolidation moved
    ///   articles out of it), not ones to add to those memory knows.
    public func restore(_ summary: EventSummary, sources: [String], replacingSources: Bool = false) {
        guard let event = events[summary.id] else { return }
        event.title = summary.title ?? event.title
        event.firstSeen = summary.firstSeen
        event.lastSeen = replacingSources ? summary.lastSeen : max(event.lastSeen, summary.lastSeen)
        event.published = summary.published
        if summary.articleCount > event.articleCount { event.anchored = true }
        event.articleCount = summary.articleCount
        if replacingSources { event.sourceKeys = [] }
        event.sourceKeys.formUnion(sources.map { $0.lowercased() })
        event.earlierSourceCount = max(0, summary.sourceCount - event.sourceKeys.count)
    }

    /// Takes the store's count of an event's distinct sources (after a merge: memory cannot tell
    /// whether two events' sources that it no longer holds are the same).
    public func correctSourceCount(ofEvent id: Int64, to count: Int) {
        guard let event = events[id] else { return }
        event.earlierSourceCount = max(0, count - event.sourceKeys.count)
    }

    /// The first event id the engine will give out.
    public var upcomingEventID: Int64 { nextEventID }

    /// Makes sure new events get ids above `id`.
    public func reserveEventIDs(through id: Int64) {
        nextEventID = max(nextEventID, id + 1)
    }
}

