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
/// Each node keeps its feature vectors cut to their heaviest terms (``vectorLimits``), enough to
/// score it against later articles and to rebuild an event from its reports.
struct NeighbourGraph {
    /// A linked article and how similar the two are (the combined similarity).
    struct Neighbour: Equatable {
        var id: Int64
        var similarity: Float
    }

    struct Node {
        var vectors: FeatureVectors
        var published: TimeSpan?
        var arrival: Double
        /// Where it stands in the engine's memory (``DedupEngine`` slots).
        var slot: UInt32
        var eventID: Int64
        var places: [ArticleProfile.PlaceCount]
        /// Most similar first.
        var neighbours: [Neighbour] = []
    }

    /// Neighbours kept per article: about as many as the reports a small event has, so that its
    /// reports link among themselves rather than to a similar event's.
    static let neighbourCount = 5
    /// Terms kept per space for scoring later articles against this one.
    static let vectorLimits = (content: 64, names: 32, numbers: 16)
    /// Articles less alike than this are not linked at all: stories that merely share a topic
    /// score around 0.1 and below (SemEval-2022 Task 8 pairs rated unrelated).
    static let linkSimilarity: Float = 0.1

    private(set) var nodes: [Int64: Node] = [:]
    private var order: [Int64] = []
    private var orderStart = 0

    var count: Int { nodes.count }

    subscript(id: Int64) -> Node? { nodes[id] }

    /// Adds an article and links it with the most similar of `candidates` (and them with it);
    /// returns the candidates whose neighbours changed.
    @discardableResult
    mutating func insert(
        _ id: Int64, node: Node, candidates: [Int64], configuration: DedupConfiguration
    ) -> [Int64] {
        var node = node
        var seen = Set<Int64>()
        var changed: [Int64] = []
        for candidate in candidates where candidate != id && seen.insert(candidate).inserted {
            guard let other = nodes[candidate] else { continue }
            let similarity = Float(
                SimilarityScores.between(node.vectors, node.published, other.vectors, other.published, configuration: configuration)
                    .combined)
            guard similarity >= Self.linkSimilarity else { continue }
            Self.offer(Neighbour(id: candidate, similarity: similarity), to: &node.neighbours)
            if Self.offer(Neighbour(id: id, similarity: similarity), to: &nodes[candidate]!.neighbours) { changed.append(candidate) }
        }
        nodes[id] = node
        order.append(id)
        return changed
    }

    /// Keeps the list at the most similar ``neighbourCount`` (of equal ones, the earlier); returns
    /// whether the neighbour got in.
    @discardableResult
    private static func offer(_ neighbour: Neighbour, to list: inout [Neighbour]) -> Bool {
        if list.count == neighbourCount, neighbour.similarity <= list[neighbourCount - 1].similarity { return false }
        var position = list.count
        while position > 0 && neighbour.similarity > list[position - 1].similarity { position -= 1 }
        list.insert(neighbour, at: position)
        if list.count > neighbourCount { list.removeLast() }
        return true
    }

    mutating func setEvent(_ id: Int64, _ eventID: Int64) {
        nodes[id]?.eventID = eventID
    }

    /// The article's neighbourhood as a unit vector over article ids: itself with weight 1 and
    /// each neighbour with its similarity, sorted by id. Two reports of one event point at each
    /// other or at the same reports; two of different events rarely do.
    func neighbourhood(_ id: Int64) -> [(id: Int64, weight: Float)] {
        guard let node = nodes[id] else { return [(id, 1)] }
        var entries: [(id: Int64, weight: Float)] = [(id, 1)]
        var squares: Float = 1
        for neighbour in node.neighbours {
            entries.append((neighbour.id, neighbour.similarity))
            squares += neighbour.similarity * neighbour.similarity
        }
        let scale = 1 / squares.squareRoot()
        entries.sort { $0.id < $1.id }
        return entries.map { ($0.id, $0.weight * scale) }
    }

    /// Drops articles that arrived before `limit`, or the oldest beyond `maximum`.
    mutating func evict(arrivedBefore limit: Double, maximum: Int) {
        while orderStart < order.count {
            let id = order[orderStart]
            if let node = nodes[id] {
                guard node.arrival < limit || nodes.count > maximum else { break }
                nodes[id] = nil
            }
            orderStart += 1
        }
        if orderStart > 4096 && orderStart * 2 > order.count {
            order.removeFirst(orderStart)
            orderStart = 0
        }
    }
}

extension FeatureVectors {
    /// The vectors cut to their heaviest terms per space (cosines ignore the lost length).
    func compact(content: Int, names: Int, numbers: Int) -> FeatureVectors {
        func cut(_ vector: SparseVector, _ limit: Int) -> SparseVector {
            guard vector.entries.count > limit else { return vector }
            var kept = vector.top(limit)
            kept.sort { $0.term < $1.term }
            return SparseVector(sorted: kept)
        }
        return FeatureVectors(content: cut(self.content, content), names: cut(self.names, names), numbers: cut(self.numbers, numbers))
    }
}
