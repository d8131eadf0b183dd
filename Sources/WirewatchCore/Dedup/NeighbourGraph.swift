/// Recent original articles and their nearest neighbours among each other: what consolidation
/// reads to tell whether an event's reports belong together.
///
/// A threshold on the similarity of two reports cannot separate one event from another of the
/// same kind (two earthquakes in one region, one company's two emergency patches): their reports
/// score alike. Their neighbourhoods differ: a report's nearest neighbours are reports of its own
/// event far more often than any threshold is right (on ECB+, 97.6% of documents' nearest
/// neighbour is in their own event), and two reports of one event share neighbours. The graph
/// keeps, for each original article within the window, its ``neighbourCount`` most similar
/// articles; a later article that is more similar than one of them takes its place, so the
/// lists stay those of the articles seen so far.
///
/// Memory is flat: each report's fields sit in arrays by the order reports came in (they leave in
/// that order too), its feature vectors, cut to their heaviest terms (``vectorLimits``) with
/// weights in 16 bits, in chunks of terms that are freed whole once their reports have left (a
/// single growing array would hold up to twice what it needs). A report takes about 0.7 KB.
struct NeighbourGraph {
    /// A linked article and how similar the two are (the combined similarity).
    struct Neighbour: Equatable {
        var id: Int64
        var similarity: Float
    }

    /// What the graph keeps of a report besides its links.
    struct Report {
        var vectors: FeatureVectors
        var published: TimeSpan?
        var arrival: Double
        /// Where it stands in the engine's memory (``DedupEngine`` slots).
        var slot: UInt32
        /// Its most named places (at most ``placesKept``).
        var places: [ArticleProfile.PlaceCount]
    }

    /// Neighbours kept per article: about as many as the reports a small event has, so that its
    /// reports link among themselves rather than to a similar event's.
    static let neighbourCount = 5
    /// Terms kept per space for scoring later articles against this one.
    static let vectorLimits = (content: 64, names: 32, numbers: 16)
    /// Articles less alike than this are not linked at all: stories that merely share a topic
    /// score around 0.1 and below (SemEval-2022 Task 8 pairs rated unrelated).
    static let linkSimilarity: Float = 0.1
    static let placesKept = 3
    private static let none = UInt32.max
    private static let weightScale: Float = 65535

    /// Sequence number (the order reports came in) by article id.
    private var sequence: [Int64: UInt32] = [:]
    /// The sequence number of position 0 of the arrays below, and the first live position.
    private var base: UInt32 = 0
    private var start = 0
    private var ids: [Int64] = []
    private var eventIDs: [Int64] = []
    private var arrivals: [Double] = []
    private var slots: [UInt32] = []
    /// Publication spans, NaN when unknown.
    private var publishedStarts: [Double] = []
    private var publishedEnds: [Double] = []
    /// ``placesKept`` per report: place and count (count 0: none).
    private var placeIDs: [Int32] = []
    private var placeCounts: [UInt16] = []
    /// ``neighbourCount`` per report, most similar first: sequence numbers (``none``: empty) and
    /// similarities.
    private var neighbourSequences: [UInt32] = []
    private var neighbourSimilarities: [Float] = []
    /// Each report's terms: content, then names, then numbers, from `termStarts` (a chunk's number
    /// times ``chunkSize`` plus the offset in it), with their counts.
    private var termStarts: [Int] = []
    private var termCounts: [(content: UInt8, names: UInt8, numbers: UInt8)] = []
    private var chunks: [TermChunk] = []
    /// The number of `chunks[0]`.
    private var firstChunk = 0
    static let chunkSize = 1 << 16

    private struct TermChunk {
        var terms: [UInt32] = []
        var weights: [UInt16] = []

        init() {
            terms.reserveCapacity(NeighbourGraph.chunkSize)
            weights.reserveCapacity(NeighbourGraph.chunkSize)
        }
    }

    /// The chunk (index in `chunks`) and offset of a report's terms.
    private func termLocation(_ position: Int) -> (chunk: Int, offset: Int) {
        let start = termStarts[position]
        return (start / Self.chunkSize - firstChunk, start % Self.chunkSize)
    }

    /// Reports held.
    var count: Int { ids.count - start }

    private func position(_ id: Int64) -> Int? {
        sequence[id].map { Int($0 &- base) }
    }

    /// The event a report is in, nil when the graph does not hold it.
    func eventID(of id: Int64) -> Int64? {
        position(id).map { eventIDs[$0] }
    }

    func contains(_ id: Int64) -> Bool { sequence[id] != nil }

    /// Where a report stands in the engine's memory.
    func slot(of id: Int64) -> UInt32? {
        position(id).map { slots[$0] }
    }

    mutating func setEvent(_ id: Int64, _ eventID: Int64) {
        if let position = position(id) { eventIDs[position] = eventID }
    }

    /// A report's neighbours the graph still holds, most similar first.
    func neighbours(of id: Int64) -> [Neighbour] {
        guard let position = position(id) else { return [] }
        var result: [Neighbour] = []
        for index in (position * Self.neighbourCount)..<((position + 1) * Self.neighbourCount) {
            let other = neighbourSequences[index]
            guard other != Self.none else { break }
            let otherPosition = Int(other &- base)
            guard otherPosition >= start, otherPosition < ids.count else { continue }
            result.append(Neighbour(id: ids[otherPosition], similarity: neighbourSimilarities[index]))
        }
        return result
    }

    /// The report's vectors, date and places.
    func report(_ id: Int64) -> Report? {
        guard let position = position(id) else { return nil }
        let counts = termCounts[position]
        var (chunk, offset) = termLocation(position)
        func vector(_ count: UInt8) -> SparseVector {
            var entries: [SparseVector.Entry] = []
            entries.reserveCapacity(Int(count))
            for index in offset..<(offset + Int(count)) {
                entries.append(
                    SparseVector.Entry(term: chunks[chunk].terms[index], weight: Float(chunks[chunk].weights[index]) / Self.weightScale))
            }
            offset += Int(count)
            return SparseVector(sorted: entries)
        }
        let vectors = FeatureVectors(content: vector(counts.content), names: vector(counts.names), numbers: vector(counts.numbers))
        var places: [ArticleProfile.PlaceCount] = []
        for index in (position * Self.placesKept)..<((position + 1) * Self.placesKept) where placeCounts[index] > 0 {
            places.append(ArticleProfile.PlaceCount(place: Int(placeIDs[index]), count: Int(placeCounts[index])))
        }
        return Report(
            vectors: vectors, published: published(position), arrival: arrivals[position], slot: slots[position], places: places)
    }

    private func published(_ position: Int) -> TimeSpan? {
        publishedStarts[position].isNaN ? nil : TimeSpan(start: publishedStarts[position], end: publishedEnds[position])
    }

    /// Adds an article (its vectors cut to ``vectorLimits``) and links it with the most similar of
    /// `candidates` (and them with it).
    mutating func insert(
        _ id: Int64, vectors full: FeatureVectors, published: TimeSpan?, arrival: Double, slot: UInt32, eventID: Int64,
        places: [ArticleProfile.PlaceCount], candidates: [Int64], configuration: DedupConfiguration
    ) {
        let limits = Self.vectorLimits
        let vectors = full.compact(content: limits.content, names: limits.names, numbers: limits.numbers)
        let own = base &+ UInt32(ids.count)
        var found: [(sequence: UInt32, position: Int, similarity: Float)] = []
        var seen = Set<UInt32>()
        for candidate in candidates where candidate != id {
            guard let other = sequence[candidate], seen.insert(other).inserted else { continue }
            let position = Int(other &- base)
            let similarity = self.similarity(vectors, published, position, configuration: configuration)
            if similarity >= Self.linkSimilarity { found.append((other, position, similarity)) }
        }
        // This report's list: the most similar first (of equal ones, the earlier).
        found.sort { $0.similarity != $1.similarity ? $0.similarity > $1.similarity : $0.sequence < $1.sequence }
        append(id, vectors: vectors, published: published, arrival: arrival, slot: slot, eventID: eventID, places: places)
        let mine = (ids.count - 1) * Self.neighbourCount
        for (index, neighbour) in found.prefix(Self.neighbourCount).enumerated() {
            neighbourSequences[mine + index] = neighbour.sequence
            neighbourSimilarities[mine + index] = neighbour.similarity
        }
        // Theirs, where it is more similar than their least similar neighbour.
        for neighbour in found { offer(own, similarity: neighbour.similarity, to: neighbour.position) }
    }

    private mutating func append(
        _ id: Int64, vectors: FeatureVectors, published: TimeSpan?, arrival: Double, slot: UInt32, eventID: Int64,
        places: [ArticleProfile.PlaceCount]
    ) {
        sequence[id] = base &+ UInt32(ids.count)
        ids.append(id)
        eventIDs.append(eventID)
        arrivals.append(arrival)
        slots.append(slot)
        publishedStarts.append(published?.start ?? .nan)
        publishedEnds.append(published?.end ?? .nan)
        for index in 0..<Self.placesKept {
            placeIDs.append(index < places.count ? Int32(truncatingIfNeeded: places[index].place) : 0)
            placeCounts.append(index < places.count ? UInt16(clamping: places[index].count) : 0)
        }
        neighbourSequences.append(contentsOf: repeatElement(Self.none, count: Self.neighbourCount))
        neighbourSimilarities.append(contentsOf: repeatElement(0, count: Self.neighbourCount))
        // A report's terms stay in one chunk (a report without terms takes its place in one too).
        let needed = max(1, vectors.content.entries.count + vectors.names.entries.count + vectors.numbers.entries.count)
        if chunks.isEmpty || chunks[chunks.count - 1].terms.count + needed > Self.chunkSize { chunks.append(TermChunk()) }
        let chunk = chunks.count - 1
        termStarts.append((firstChunk + chunk) * Self.chunkSize + chunks[chunk].terms.count)
        for vector in [vectors.content, vectors.names, vectors.numbers] {
            for entry in vector.entries {
                chunks[chunk].terms.append(entry.term)
                chunks[chunk].weights.append(UInt16(min(Self.weightScale, (entry.weight * Self.weightScale).rounded())))
            }
        }
        termCounts.append(
            (UInt8(vectors.content.entries.count), UInt8(vectors.names.entries.count), UInt8(vectors.numbers.entries.count)))
    }

    /// Puts a neighbour in the report's list if it is more similar than the least similar there.
    private mutating func offer(_ neighbour: UInt32, similarity: Float, to position: Int) {
        let first = position * Self.neighbourCount
        let last = first + Self.neighbourCount - 1
        if neighbourSequences[last] != Self.none && similarity <= neighbourSimilarities[last] { return }
        var index = last
        while index > first
            && (neighbourSequences[index - 1] == Self.none || similarity > neighbourSimilarities[index - 1])
        {
            neighbourSequences[index] = neighbourSequences[index - 1]
            neighbourSimilarities[index] = neighbourSimilarities[index - 1]
            index -= 1
        }
        neighbourSequences[index] = neighbour
        neighbourSimilarities[index] = similarity
    }

    /// The combined similarity of vectors (cut and unit length) to a report's.
    private func similarity(
        _ vectors: FeatureVectors, _ published: TimeSpan?, _ position: Int, configuration: DedupConfiguration
    ) -> Float {
        let counts = termCounts[position]
        let (chunk, offset) = termLocation(position)
        let names = offset + Int(counts.content)
        let numbers = names + Int(counts.names)
        let terms = chunks[chunk].terms
        let weights = chunks[chunk].weights
        func cosine(_ vector: SparseVector, _ from: Int, _ count: UInt8) -> Double? {
            guard !vector.isEmpty, count > 0 else { return nil }
            var sum: Float = 0
            var i = 0
            var j = from
            let end = from + Int(count)
            let entries = vector.entries
            while i < entries.count && j < end {
                let x = entries[i].term
                let y = terms[j]
                if x == y {
                    sum += entries[i].weight * Float(weights[j])
                    i += 1
                    j += 1
                } else if x < y {
                    i += 1
                } else {
                    j += 1
                }
            }
            return Double(sum / Self.weightScale)
        }
        let other = self.published(position)
        let distance: Double? = if let published, let other { published.distance(to: other) } else { nil }
        return Float(
            SimilarityScores.combine(
                content: cosine(vectors.content, offset, counts.content), names: cosine(vectors.names, names, counts.names),
                numbers: cosine(vectors.numbers, numbers, counts.numbers),
                numbersEvidence: min(vectors.numbers.entries.count, Int(counts.numbers)), timeDistance: distance,
                configuration: configuration
            ).combined)
    }

    /// The article's neighbourhood as a unit vector over reports (by sequence number): itself with
    /// weight 1 and each neighbour with its similarity, sorted. Two reports of one event point at
    /// each other or at the same reports; two of different events rarely do. Neighbours gone from
    /// the graph still count as shared.
    func neighbourhood(_ id: Int64) -> [(id: Int64, weight: Float)] {
        guard let own = sequence[id] else { return [(-id, 1)] }
        let first = Int(own &- base) * Self.neighbourCount
        var entries: [(id: Int64, weight: Float)] = [(Int64(own), 1)]
        var squares: Float = 1
        for index in first..<(first + Self.neighbourCount) where neighbourSequences[index] != Self.none {
            let similarity = neighbourSimilarities[index]
            entries.append((Int64(neighbourSequences[index]), similarity))
            squares += similarity * similarity
        }
        let scale = 1 / squares.squareRoot()
        entries.sort { $0.id < $1.id }
        return entries.map { ($0.id, $0.weight * scale) }
    }

    /// Drops reports that arrived before `limit`, that the engine's memory no longer holds (slots
    /// before `liveSlot`), or the oldest beyond `maximum`.
    mutating func evict(arrivedBefore limit: Double, slotsBefore liveSlot: UInt32, maximum: Int) {
        while start < ids.count
            && (arrivals[start] < limit || slots[start] &- liveSlot > UInt32.max / 2 || ids.count - start > maximum)
        {
            sequence[ids[start]] = nil
            start += 1
        }
        // Chunks whose reports have all left.
        let liveChunk = start < ids.count ? termLocation(start).chunk : chunks.count - 1
        if liveChunk > 0 {
            chunks.removeFirst(liveChunk)
            firstChunk += liveChunk
        }
        guard start > 4096 && start * 2 > ids.count else { return }
        let dropped = start
        ids.removeFirst(dropped)
        eventIDs.removeFirst(dropped)
        arrivals.removeFirst(dropped)
        slots.removeFirst(dropped)
        publishedStarts.removeFirst(dropped)
        publishedEnds.removeFirst(dropped)
        placeIDs.removeFirst(dropped * Self.placesKept)
        placeCounts.removeFirst(dropped * Self.placesKept)
        neighbourSequences.removeFirst(dropped * Self.neighbourCount)
        neighbourSimilarities.removeFirst(dropped * Self.neighbourCount)
        termStarts.removeFirst(dropped)
        termCounts.removeFirst(dropped)
        base = base &+ UInt32(dropped)
        start = 0
    }
}

extension FeatureVectors {
    /// The vectors cut to their heaviest terms per space, each of unit length again.
    func compact(content: Int, names: Int, numbers: Int) -> FeatureVectors {
        func cut(_ vector: SparseVector, _ limit: Int) -> SparseVector {
            guard vector.entries.count > limit else { return vector.normalised() }
            var weights = vector.entries.map(\.weight)
            let threshold = Self.selectHeaviest(limit, in: &weights)
            var kept: [SparseVector.Entry] = []
            kept.reserveCapacity(limit)
            for entry in vector.entries where entry.weight >= threshold && kept.count < limit { kept.append(entry) }
            return SparseVector(sorted: kept).normalised()
        }
        return FeatureVectors(content: cut(self.content, content), names: cut(self.names, names), numbers: cut(self.numbers, numbers))
    }

    /// The `count`-th heaviest of the weights (reordering them): a selection in linear time on
    /// average, where sorting all of them would cost a logarithm more.
    static func selectHeaviest(_ count: Int, in weights: inout [Float]) -> Float {
        var low = 0
        var high = weights.count - 1
        let target = count - 1
        while low < high {
            let pivot = weights[(low + high) / 2]
            var i = low
            var j = high
            while i <= j {
                while weights[i] > pivot { i += 1 }
                while weights[j] < pivot { j -= 1 }
                if i <= j {
                    weights.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if target <= j {
                high = j
            } else if target >= i {
                low = i
            } else {
                break
            }
        }
        return weights[target]
    }
}
