/// Consolidation: the engine's second look at young events.
///
/// An article is decided when it arrives, against the events seen so far. The first report of an
/// event that resembles an earlier one (the same company's next emergency patch, the same team's
/// next arrest) can only join that one or stay alone, and often joins it; two reports of one
/// story can each open an event before anything links them. Consolidation looks again once more
/// reports have arrived, at their neighbourhoods in the ``NeighbourGraph``: it splits an event
/// whose reports fall into groups that share few neighbours, and merges events whose reports
/// share many. Similarity of the texts keeps it honest: groups as alike as one event's
/// (``DedupConfiguration/eventMergeSimilarity``) stay together, and events merge only if an
/// article of one could join the other (``DedupConfiguration/eventSimilarity``).
///
/// It runs on an event when the event reaches one of ``DedupEngine/consolidationPoints`` reports,
/// and on every event that changed when ``DedupEngine/consolidateAll()`` is called (when input
/// pauses in the daemon, at the end of `analyze`).
extension DedupEngine {
    /// Links an original article into the neighbour graph: it is scored against the latest
    /// reports of its own event and of the events most like it.
    func link(_ input: Input, vectors: FeatureVectors, eventID: Int64, scored: [(id: Int64, similarity: Double)]) {
        guard configuration.consolidationLinkage < 1, let event = events[eventID] else { return }
        var candidates = Array(event.graphMembers.suffix(Self.linkedReports))
        let linked = scored.filter { $0.similarity >= Double(NeighbourGraph.linkSimilarity) }
            .leaders(Self.linkedEvents) { $0.similarity != $1.similarity ? $0.similarity > $1.similarity : $0.id < $1.id }
        for entry in linked where entry.id != eventID {
            if let other = events[entry.id] { candidates += other.graphMembers.suffix(Self.linkedReports) }
        }
        graph.insert(
            input.articleID, vectors: vectors, published: input.profile.published, arrival: input.arrival,
            slot: slotBase &+ UInt32(recent.count - 1), eventID: eventID, places: input.profile.places, candidates: candidates,
            configuration: configuration)
        event.graphMembers.append(input.articleID)
        keepYoung(event)
        // Its own event waits for the next consolidation; an event it is linked to is looked at
        // from here (``partner(of:)``).
        unsettledEvents.insert(eventID)
    }

    /// An event past ``consolidationLimit`` reports is established and no longer consolidated. Its
    /// list keeps every report the graph holds (a merge renames them all), and drops those the
    /// graph has let go now and then.
    func keepYoung(_ event: EventState) {
        guard event.graphMembers.count > Self.consolidationLimit else { return }
        event.established = true
        if event.graphMembers.count % 256 == 0 { event.graphMembers.removeAll { !graph.contains($0) } }
    }

    /// Consolidates the decision's event when it has just grown to one of the
    /// ``consolidationPoints``, and notes the changes in the decision.
    func consolidateOnGrowth(_ decision: inout DedupDecision) {
        guard configuration.consolidationLinkage < 1, let event = events[decision.eventID], !event.established,
            Self.consolidationPoints.contains(event.graphMembers.count)
        else { return }
        decision.consolidation = consolidate(decision.eventID)
    }

    /// Consolidates every event whose reports or their neighbourhoods changed since the last call:
    /// the changes, in the order they were made.
    public func consolidateAll() -> [EventChange] {
        guard configuration.consolidationLinkage < 1 else {
            unsettledEvents.removeAll()
            return []
        }
        let unsettled = unsettledEvents.sorted()
        unsettledEvents.removeAll()
        var changes: [EventChange] = []
        for id in unsettled {
            guard let event = events[id], !event.established, !event.graphMembers.isEmpty else { continue }
            changes += consolidate(id)
        }
        unsettledEvents.removeAll()
        return changes
    }

    /// Takes the events as they are (restored from a store that holds them consolidated): nothing
    /// waits for ``consolidateAll()``. Returns how many events did.
    @discardableResult
    public func settle() -> Int {
        defer { unsettledEvents.removeAll() }
        return unsettledEvents.count
    }

    /// Whether any event waits for ``consolidateAll()``.
    public var hasUnsettledEvents: Bool { !unsettledEvents.isEmpty }

    /// Splits the event's reports into the groups their neighbourhoods make (unless the groups are
    /// as alike as one event's), then merges each part with the event its reports are linked to
    /// as much as to each other (if an article of one could join the other).
    func consolidate(_ id: Int64) -> [EventChange] {
        guard let event = events[id] else { return [] }
        var changes: [EventChange] = []
        var work = [id]
        let members = liveMembers(event)
        if members.count >= 2 {
            let groups = Consolidation.groups(members, in: graph, threshold: configuration.consolidationLinkage)
            for group in keepTogether(groups).dropFirst() {
                let moved = group.sorted()
                let newID = split(id, moving: moved)
                changes.append(.split(event: id, into: newID, articles: moved))
                work.append(newID)
            }
        }
        var index = 0
        while index < work.count {
            let current = work[index]
            index += 1
            guard let event = events[current], let other = partner(of: event), let partner = events[other] else { continue }
            let survivor = merge(event, partner)
            changes.append(.merge(event: survivor == current ? other : current, into: survivor))
            work.append(survivor)
        }
        return changes
    }

    /// Joins groups whose reports are as alike as one event's, each to the earlier group it is
    /// most like: reports a week apart that tell the same story, or in two languages, share few
    /// neighbours and are still one event.
    private func keepTogether(_ groups: [[Int64]]) -> [[Int64]] {
        guard groups.count > 1 else { return groups }
        var kept: [[Int64]] = [groups[0]]
        var centroids = [reportCentroid(groups[0])]
        for group in groups.dropFirst() {
            let centroid = reportCentroid(group)
            var closest: (index: Int, similarity: Double)?
            for (index, other) in centroids.enumerated() {
                let similarity = SimilarityScores.between(
                    centroid.vectors, centroid.published, other.vectors, other.published, configuration: configuration
                ).combined
                if similarity >= configuration.eventMergeSimilarity, closest == nil || similarity > closest!.similarity {
                    closest = (index, similarity)
                }
            }
            if let closest {
                kept[closest.index] += group
                centroids[closest.index] = reportCentroid(kept[closest.index])
            } else {
                kept.append(group)
                centroids.append(centroid)
            }
        }
        return kept
    }

    /// The event's reports the graph still holds (reports it no longer holds mark it anchored).
    private func liveMembers(_ event: EventState) -> [Int64] {
        let live = event.graphMembers.filter { graph.eventID(of: $0) == event.id }
        if live.count != event.graphMembers.count {
            event.anchored = true
            event.graphMembers = live
        }
        return live
    }

    /// The sum of the reports' vectors and the span of their dates.
    private func reportCentroid(_ reports: [Int64]) -> (vectors: FeatureVectors, published: TimeSpan?) {
        let scratch = EventState(id: 0, firstSeen: 0)
        scratch.rebuild(from: reports.compactMap { graph.report($0) })
        return (scratch.centroid, scratch.published)
    }

    /// Moves these original reports (and the copies of them memory holds) to a new event, whose
    /// id is returned. Counts the store keeps for articles memory no longer holds are corrected by
    /// the store (``restore(_:sources:replacingSources:)``).
    private func split(_ id: Int64, moving reports: [Int64]) -> Int64 {
        let event = events[id]!
        let newID = nextEventID
        nextEventID += 1
        let moved = Set(reports)
        let nodes = reports.compactMap { graph.report($0) }
        let created = EventState(id: newID, firstSeen: nodes.map(\.arrival).min() ?? latestArrival)
        created.lastSeen = nodes.map(\.arrival).max() ?? latestArrival
        // Copies come after their originals: the scan starts at the earliest one moved (memory
        // holds every report the graph does).
        let firstSlot = nodes.map(\.slot).min() ?? slotBase &+ UInt32(recent.count)
        let offset = firstSlot &- slotBase
        var count = 0
        let from = min(recent.count, max(recentStart, offset < UInt32.max / 2 ? Int(offset) : recentStart))
        for index in from..<recent.count {
            guard let article = recent[index], moved.contains(article.originalID) else { continue }
            recent[index]!.eventID = newID
            count += 1
            created.firstSeen = min(created.firstSeen, article.arrival)
            created.lastSeen = max(created.lastSeen, article.arrival)
        }
        created.articleCount = count
        event.articleCount = max(0, event.articleCount - count)
        for report in reports { graph.setEvent(report, newID) }
        created.graphMembers = reports.sorted { (graph.slot(of: $0) ?? 0) < (graph.slot(of: $1) ?? 0) }
        event.graphMembers.removeAll { moved.contains($0) }
        created.rebuild(from: nodes)
        if event.anchored {
            for node in nodes {
                event.subtract(node.vectors)
                event.notePlaces(node.places, sign: -1)
            }
        } else {
            event.rebuild(from: event.graphMembers.compactMap { graph.report($0) })
        }
        event.moveNames(of: nodes, to: created)
        events[newID] = created
        openEvents.set(newID, true)
        index(created.centroid, eventID: newID)
        touch(created)
        return newID
    }

    /// The event this one's reports are linked to as much as to each other, if an article of one
    /// could join the other: the two events' centroids, or a report of each, are at least
    /// ``DedupConfiguration/eventSimilarity`` alike. The centroids are compared on their texts
    /// alone (time has weighed the links already), so that reports of one story a month apart
    /// that the neighbourhoods bring together can be one.
    private func partner(of event: EventState) -> Int64? {
        guard !event.established else { return nil }
        let members = liveMembers(event)
        guard !members.isEmpty else { return nil }
        // The events the reports are linked to, with the strongest link to each.
        var strongest: [Int64: Float] = [:]
        for member in members {
            for neighbour in graph.neighbours(of: member) {
                guard let eventID = graph.eventID(of: neighbour.id), eventID != event.id else { continue }
                strongest[eventID] = max(strongest[eventID] ?? 0, neighbour.similarity)
            }
        }
        var best: (id: Int64, linkage: Double)?
        for (other, link) in strongest.sorted(by: { $0.key < $1.key }) {
            guard let candidate = events[other], !candidate.established else { continue }
            // Whether an article of one could join the other first: it is the cheaper test.
            let couldJoin =
                Double(link) >= configuration.eventSimilarity
                || SimilarityScores.between(event.centroid, nil, candidate.centroid, nil, configuration: configuration).combined
                    >= configuration.eventSimilarity
            guard couldJoin else { continue }
            let linkage = Consolidation.linkage(members, liveMembers(candidate), in: graph)
            guard linkage >= configuration.consolidationLinkage, best == nil || linkage > best!.linkage else { continue }
            best = (other, linkage)
        }
        return best?.id
    }

    /// The event each article memory holds stands in now (after merges and consolidation).
    public func currentEvents() -> [Int64: Int64] {
        var result: [Int64: Int64] = [:]
        for index in recentStart..<recent.count {
            guard let article = recent[index] else { continue }
            result[article.id] = currentEventID(article.eventID)
        }
        return result
    }

    /// The original an article in memory came from (itself for an original), nil when memory does
    /// not hold it. Memory holds articles in the order of their ids.
    func originalOf(_ id: Int64) -> Int64? {
        var low = recentStart
        var high = recent.count
        while low < high {
            let middle = (low + high) / 2
            // Empty slots lie only before `recentStart`.
            if recent[middle]!.id < id { low = middle + 1 } else { high = middle }
        }
        guard low < recent.count, let article = recent[low], article.id == id else { return nil }
        return article.originalID
    }
}
