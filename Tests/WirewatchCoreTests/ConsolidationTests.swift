import Foundation
import Testing
@testable import WirewatchCore

struct ConsolidationTests {
    /// A vector of one space with these terms (weights before normalising).
    static func vector(_ terms: [UInt32: Float]) -> SparseVector {
        SparseVector(sorted: terms.sorted { $0.key < $1.key }.map { SparseVector.Entry(term: $0.key, weight: $0.value) }).normalised()
    }

    /// Adds a report whose words and names are these terms.
    static func insert(
        _ id: Int64, _ terms: [UInt32: Float], into graph: inout NeighbourGraph, candidates: [Int64], arrival: Double? = nil
    ) {
        graph.insert(
            id, vectors: FeatureVectors(content: vector(terms), names: vector(terms), numbers: SparseVector()), published: nil,
            arrival: arrival ?? Double(id), slot: UInt32(id), eventID: 1, places: [], candidates: candidates,
            configuration: DedupConfiguration())
    }

    @Test func aReportIsLinkedToTheMostSimilarEarlierReportsAndTheyToIt() {
        var graph = NeighbourGraph()
        Self.insert(1, [1: 1, 2: 1, 3: 1], into: &graph, candidates: [])
        Self.insert(2, [1: 1, 2: 1, 4: 1], into: &graph, candidates: [1])
        // Nothing in common with either: not linked at all.
        Self.insert(3, [7: 1, 8: 1], into: &graph, candidates: [1, 2])
        Self.insert(4, [1: 1, 2: 1, 3: 1, 4: 1], into: &graph, candidates: [1, 2, 3])
        #expect(graph.neighbours(of: 4).map(\.id).sorted() == [1, 2])
        #expect(graph.neighbours(of: 1).map(\.id) == [4, 2])
        #expect(graph.neighbours(of: 3).isEmpty)
        let similarity = graph.neighbours(of: 2).first { $0.id == 1 }!.similarity
        #expect(abs(similarity - 2.0 / 3) < 1e-3)
        // What it keeps of a report: its vectors (16-bit weights), slot and event.
        let report = graph.report(2)!
        #expect(report.vectors.content.entries.map(\.term) == [1, 2, 4])
        #expect(abs(report.vectors.content.entries[0].weight - 1 / Float(3).squareRoot()) < 1e-4)
        #expect(report.slot == 2 && graph.eventID(of: 2) == 1)
        graph.setEvent(2, 7)
        #expect(graph.eventID(of: 2) == 7)
    }

    @Test func aReportKeepsOnlyItsFiveNearestNeighbours() {
        var graph = NeighbourGraph()
        Self.insert(1, [1: 1, 2: 1], into: &graph, candidates: [])
        // Ever more alike: each later one pushes the least alike out of the first one's list.
        for id in Int64(2)...8 {
            var terms: [UInt32: Float] = [1: 1, 2: 1]
            terms[UInt32(100 + id)] = Float(9 - id)
            Self.insert(id, terms, into: &graph, candidates: Array(1..<id))
        }
        #expect(graph.neighbours(of: 1).count == NeighbourGraph.neighbourCount)
        #expect(graph.neighbours(of: 1).map(\.id) == [8, 7, 6, 5, 4])
        let weights = graph.neighbourhood(1)
        #expect(weights.count == 6)
        #expect(abs(weights.reduce(0) { $0 + $1.weight * $1.weight } - 1) < 1e-5)
    }

    @Test func reportsLeaveTheGraphWithTheWindowAndTheirLinksWithThem() {
        var graph = NeighbourGraph()
        for id in Int64(1)...5000 {
            Self.insert(id, [1: 1, UInt32(id % 7 + 10): 1], into: &graph, candidates: id > 1 ? [id - 1] : [])
        }
        graph.evict(arrivedBefore: 4500, slotsBefore: 0, maximum: 100_000)
        #expect(graph.count == 501)
        #expect(graph.eventID(of: 4499) == nil && graph.eventID(of: 4500) != nil)
        // Neighbours gone from the graph are not listed.
        #expect(graph.neighbours(of: 4500).map(\.id) == [4501])
        #expect(graph.report(4500)?.vectors.content.entries.count == 2)
        // Reports whose articles the engine's memory has let go leave too (their slots, here equal
        // to their ids, come before the first one it holds).
        graph.evict(arrivedBefore: 0, slotsBefore: 4800, maximum: 100_000)
        #expect(graph.count == 201 && graph.eventID(of: 4799) == nil && graph.eventID(of: 4800) != nil)
        graph.evict(arrivedBefore: 0, slotsBefore: 0, maximum: 1)
        #expect(graph.count == 1 && graph.eventID(of: 5000) != nil)
    }

    @Test func theHeaviestWeightsAreSelectedWithoutSortingThemAll() {
        var random = SplitMix64(seed: 3)
        for count in [1, 2, 7, 64, 300] {
            let weights = (0..<300).map { _ in Float(random.next() % 1000) / 10 }
            var scratch = weights
            #expect(FeatureVectors.selectHeaviest(count, in: &scratch) == weights.sorted(by: >)[count - 1])
        }
        let vector = Self.vector(Dictionary(uniqueKeysWithValues: (0..<100).map { (UInt32($0), Float($0 + 1)) }))
        let cut = FeatureVectors(content: vector, names: vector, numbers: vector).compact(content: 10, names: 100, numbers: 5)
        #expect(cut.content.entries.map(\.term) == Array(90..<100))
        #expect(cut.names.entries.count == 100 && cut.numbers.entries.map(\.term) == Array(95..<100))
        #expect(abs(cut.content.norm - 1) < 1e-5)
    }

    /// Two groups of reports, each alike within and little across; with `bridge`, one report of
    /// each is alike to one of the other as well.
    static func twoStories(size: Int, bridge: Bool) -> (NeighbourGraph, [Int64]) {
        var graph = NeighbourGraph()
        var ids: [Int64] = []
        for index in 0..<(2 * size) {
            let story = UInt32(index % 2)
            var terms: [UInt32: Float] = [1000: 1, 1000 + story * 10 + 1: 2, 1000 + story * 10 + 2: 2, UInt32(index): 1]
            if bridge && index < 2 { terms[1000 + (1 - story) * 10 + 1] = 2 }
            let id = Int64(index + 1)
            Self.insert(id, terms, into: &graph, candidates: ids)
            ids.append(id)
        }
        return (graph, ids)
    }

    @Test func reportsOfTwoStoriesInOneEventFallIntoTwoGroups() {
        let (graph, ids) = Self.twoStories(size: 6, bridge: true)
        let groups = Consolidation.groups(ids, in: graph, threshold: DedupConfiguration().consolidationLinkage)
        #expect(groups.count == 2, "\(groups)")
        #expect(groups.map { Set($0.map { $0 % 2 }) } == [[1], [0]])
        // In the order of their first report.
        #expect(groups[0].first == 1)
        #expect(Consolidation.linkage(groups[0], groups[1], in: graph) < Consolidation.linkage(groups[0], groups[0], in: graph))
    }

    @Test func reportsOfOneStoryStayOneGroup() {
        let (graph, ids) = Self.twoStories(size: 6, bridge: false)
        let oneStory = ids.filter { $0 % 2 == 1 }
        #expect(Consolidation.groups(oneStory, in: graph, threshold: DedupConfiguration().consolidationLinkage) == [oneStory])
        #expect(Consolidation.groups([5], in: graph, threshold: 0.5) == [[5]])
    }

    // MARK: The engine

    /// Report `number` (1 to 7) of one of two earthquakes of the same kind (`quake-lisbon-N.txt`,
    /// `quake-porto-N.txt`): words of the kind in common, words, names and numbers of its own.
    static func quakeReport(_ place: String, _ number: Int) throws -> Article {
        let name = "quake-\(place)-\(number).txt"
        return try ArticleParser().parse(EventClusteringTests.fixture(name), fileName: name)
    }

    /// Reports 1…6 of each earthquake, alternating (Lisbon first).
    static func alternatingQuakeReports() throws -> [Article] {
        try (1...6).flatMap { [try quakeReport("lisbon", $0), try quakeReport("porto", $0)] }
    }

    /// Everything joins what it resembles at all, as the first report of a second earthquake joins
    /// the first's event (and nothing merges on arrival).
    static var eagerJoining: DedupConfiguration {
        var configuration = DedupConfiguration()
        configuration.eventSimilarity = 0.01
        configuration.eventMergeSimilarity = 1
        return configuration
    }

    @Test func twoStoriesOfOneKindThatJoinedOneEventAreSplitWhenConsolidated() throws {
        let engine = DedupEngine(configuration: Self.eagerJoining)
        let decisions = EventClusteringTests.decide(try Self.alternatingQuakeReports(), engine: engine)
        #expect(Set(decisions.map(\.eventID)).count == 1)
        let changes = decisions.flatMap(\.consolidation) + engine.consolidateAll()
        #expect(changes.contains { if case .split = $0 { true } else { false } }, "\(changes)")
        let current = engine.currentEvents()
        let lisbon = Set((0..<12).filter { $0 % 2 == 0 }.map { current[Int64($0 + 1)]! })
        let porto = Set((0..<12).filter { $0 % 2 == 1 }.map { current[Int64($0 + 1)]! })
        #expect(lisbon.count == 1 && porto.count == 1 && lisbon != porto, "\(current.sorted { $0.key < $1.key })")
        // The event the first report opened keeps its id; each part counts its own reports.
        #expect(lisbon.first == decisions[0].eventID)
        #expect(engine.event(lisbon.first!)?.articleCount == 6)
        #expect(engine.event(porto.first!)?.articleCount == 6)
        #expect(engine.consolidateAll().isEmpty)
    }

    @Test func aCopyFollowsItsOriginalToTheEventItIsMovedTo() throws {
        let engine = DedupEngine(configuration: Self.eagerJoining)
        var reports = try Self.alternatingQuakeReports()
        // An exact copy of the first Porto report, and a copy of that copy.
        reports += [reports[1], reports[1]]
        let decisions = EventClusteringTests.decide(reports, engine: engine)
        #expect(decisions[12].kind == .exactDuplicate && decisions[13].kind == .exactDuplicate)
        _ = engine.consolidateAll()
        let current = engine.currentEvents()
        #expect(current[13] == current[2] && current[14] == current[2])
        #expect(current[13] != current[1])
    }

    @Test func reportsOfOneStoryAreNotSplitHoweverLowTheJoiningThreshold() throws {
        let engine = DedupEngine(configuration: Self.eagerJoining)
        let decisions = EventClusteringTests.decide(try (1...7).map { try Self.quakeReport("lisbon", $0) }, engine: engine)
        #expect(decisions.allSatisfy { $0.consolidation.isEmpty })
        #expect(engine.consolidateAll().isEmpty)
        #expect(Set(engine.currentEvents().values).count == 1)
    }

    @Test func consolidationCanBeTurnedOff() throws {
        var configuration = Self.eagerJoining
        configuration.consolidationLinkage = 1
        let engine = DedupEngine(configuration: configuration)
        let decisions = EventClusteringTests.decide(try Self.alternatingQuakeReports(), engine: engine)
        #expect(decisions.allSatisfy { $0.consolidation.isEmpty })
        #expect(engine.consolidateAll().isEmpty)
        #expect(Set(engine.currentEvents().values).count == 1)
    }

    @Test func theSeedsStayOneEventAfterConsolidation() throws {
        let engine = DedupEngine()
        let decisions = EventClusteringTests.decide(try EventClusteringTests.seeds(), engine: engine)
        #expect(decisions.allSatisfy { $0.consolidation.isEmpty })
        #expect(engine.consolidateAll().isEmpty)
        #expect(Set(engine.currentEvents().values).count == 1)
    }

    @Test func aDecisionNamesTheEventItsArticleIsInAfterConsolidation() {
        let changes: [EventChange] = [.split(event: 1, into: 5, articles: [3, 7]), .merge(event: 5, into: 2), .merge(event: 9, into: 2)]
        // Moved with its group, whose event then merged into an older one.
        #expect(DedupDecision.eventAfter(changes, of: 7, joined: 1) == 2)
        // Left where it was.
        #expect(DedupDecision.eventAfter(changes, of: 4, joined: 1) == 1)
        // Its event merged into another.
        #expect(DedupDecision.eventAfter([.merge(event: 1, into: 0)], of: 4, joined: 1) == 0)
        #expect(DedupDecision.eventAfter([], of: 4, joined: 1) == 1)
    }

    @Test func aSplitAfterMemoryHasLetTheFirstReportsGoDoesNotReachForThem() throws {
        // Memory holds articles for ten minutes, then thousands of others go through it and it
        // compacts; the graph lets go of the first reports with it, and a split later finds only
        // reports memory still holds.
        var configuration = Self.eagerJoining
        configuration.nearDuplicateHorizon = 600
        let engine = DedupEngine(configuration: configuration)
        let analyzer = ArticleAnalyzer()
        func add(_ article: Article, _ id: Int64, at arrival: Double) {
            _ = engine.add(
                DedupEngine.Input(
                    articleID: id, profile: analyzer.profile(article), arrival: arrival, source: "s\(id)", title: article.title,
                    segments: ArticleAnalyzer.segments(of: article)))
        }
        var id: Int64 = 0
        for article in [try Self.quakeReport("lisbon", 1), try Self.quakeReport("porto", 1), try Self.quakeReport("porto", 2)] {
            id += 1
            add(article, id, at: 0)
        }
        for index in 0..<4200 {
            id += 1
            let words = (0..<8).map { "w\(index)x\($0)" }.joined(separator: " ")
            add(
                Article(
                    title: "Note \(index)", sections: [Article.Section(heading: nil, paragraphs: [words + "."], isLead: true)],
                    language: "en", format: .text, encoding: "utf-8"), id, at: 700 + Double(index) / 100)
        }
        for number in 2...7 {
            for place in ["lisbon", "porto"] where !(place == "porto" && number == 2) {
                id += 1
                add(try Self.quakeReport(place, number), id, at: 800)
            }
        }
        let changes = engine.consolidateAll()
        #expect(engine.recentArticleCount < Int(id))
        #expect(changes.contains { if case .split = $0 { true } else { false } }, "\(changes)")
        let current = engine.currentEvents()
        let quakes = current.filter { $0.key > 4203 }
        #expect(Set(quakes.values).count == 2, "\(quakes.sorted { $0.key < $1.key })")
    }
}
