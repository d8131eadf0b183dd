import Foundation
import GRDB
import Testing
import WirewatchCore
@testable import WirewatchStore

/// Consolidation in the store: reports moved to a new event go there with their copies, the
/// events' counts and sources are counted again, and a restarted engine finds them where they are.
final class ConsolidationStoreTests {
    let folder: String
    let path: String

    init() throws {
        folder = NSTemporaryDirectory() + "wirewatch-consolidation-store-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        path = folder + "/state.sqlite"
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    /// Report `number` (1 to 7) of one of two earthquakes of the same kind, as a file holds it.
    static func quakeReport(_ place: String, _ number: Int) throws -> String {
        try String(
            contentsOfFile: DedupStoreTests.repository + "/Tests/WirewatchCoreTests/Fixtures/quake-\(place)-\(number).txt",
            encoding: .utf8)
    }

    /// Everything joins what it resembles at all, as the first report of a second earthquake joins
    /// the first's event; consolidation sorts them out.
    static var eagerJoining: DedupConfiguration {
        var configuration = DedupConfiguration()
        configuration.eventSimilarity = 0.01
        configuration.eventMergeSimilarity = 1
        return configuration
    }

    func record(_ texts: [String], from first: Int, store: Store, engine: DedupEngine) throws -> Store.RecordedBatch {
        try store.record(
            texts.enumerated().map { offset, text in
                DedupStoreTests.record(
                    Array(text.utf8), name: "report-\(first + offset).txt", claim: UInt32(first + offset),
                    arrival: 1_718_700_000 + Double(first + offset) * 60)
            }, engine: engine)
    }

    @Test func reportsMovedToANewEventGoThereWithTheirCopiesAndStayThereAfterARestart() throws {
        // Reports 1…12 alternate between the stories (odd ids Lisbon, even ids Porto); 13 is an
        // exact copy of report 2 (the same body with another blank line), 14 a trimmed copy of it.
        var texts = try (1...6).flatMap { [try Self.quakeReport("lisbon", $0), try Self.quakeReport("porto", $0)] }
        texts.append(texts[1] + "\n")
        texts.append(texts[1].components(separatedBy: "\n\n").dropLast().joined(separator: "\n\n") + "\n")
        var lisbon: Int64 = 0
        var porto: Int64 = 0
        do {
            let store = try Store(path: path)
            let (engine, _) = try store.restore(configuration: Self.eagerJoining, analyzer: ArticleAnalyzer())
            let batch = try record(texts, from: 0, store: store, engine: engine)
            #expect(batch.decisions[13]?.kind == .exactDuplicate && batch.decisions[13]?.duplicateOf == 2)
            #expect(batch.decisions[14]?.kind == .nearDuplicate && batch.decisions[14]?.nearDuplicateOf == 2)
            _ = try store.consolidate(engine: engine, at: 1_718_800_000)
            let events = try store.events(ofArticles: Array(1...14))
            lisbon = events[1]!
            porto = events[2]!
            #expect(lisbon != porto)
            for id in Int64(1)...12 { #expect(events[id] == (id % 2 == 1 ? lisbon : porto), "article \(id)") }
            #expect(events[13] == porto && events[14] == porto)
            // The counts, sources and dates are those of the articles each event holds now.
            let stored = try store.allEvents().sorted { $0.id < $1.id }
            #expect(stored.map(\.id) == [lisbon, porto].sorted())
            let lisbonEvent = try #require(try store.event(id: lisbon))
            let portoEvent = try #require(try store.event(id: porto))
            #expect(lisbonEvent.articleCount == 6 && lisbonEvent.sourceCount == 6)
            #expect(portoEvent.articleCount == 8 && portoEvent.sourceCount == 8)
            #expect(try store.sources(ofEvent: porto).map(\.source).contains("report-1.txt"))
            #expect(!(try store.sources(ofEvent: lisbon).map(\.source).contains("report-1.txt")))
            #expect(portoEvent.firstSeen == 1_718_700_060)
            #expect(portoEvent.title?.contains("Porto") == true && lisbonEvent.title?.contains("Lisbon") == true)
            #expect(engine.event(porto)?.articleCount == 8)
            // Where the new event came from.
            let split = try store.pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM event_split") }
            #expect((split?["event_id"] as Int64?) == max(lisbon, porto) && (split?["split_from"] as Int64?) == min(lisbon, porto))
            try store.saveStatistics(engine.statistics, watermark: try store.lastArticleID())
            try store.close()
        }
        let store = try Store(path: path)
        let (engine, _) = try store.restore(configuration: Self.eagerJoining, analyzer: ArticleAnalyzer())
        let current = engine.currentEvents()
        #expect(current[2] == porto && current[13] == porto && current[1] == lisbon)
        // Nothing is consolidated again, and a later Porto report joins Porto's event.
        #expect(try store.consolidate(engine: engine, at: 1_718_800_100).changes.isEmpty)
        let later = try record([try Self.quakeReport("porto", 7)], from: 20, store: store, engine: engine)
        let decision = try #require(later.decisions[15])
        #expect(decision.eventID == porto, "\(decision.kind) \(decision.eventID) \(String(describing: decision.evidence.similarity))")
        #expect(try store.event(id: porto)?.articleCount == 9)
    }

    @Test func aMergeThatConsolidationHandsOverIsStoredLikeOneADecisionMakes() throws {
        var apart = DedupConfiguration()
        apart.eventSimilarity = 0.95
        apart.consolidationLinkage = 1
        let store = try Store(path: path)
        let (engine, _) = try store.restore(configuration: apart, analyzer: ArticleAnalyzer())
        _ = try record([try Self.quakeReport("lisbon", 1), try Self.quakeReport("porto", 1)], from: 0, store: store, engine: engine)
        #expect(try store.allEvents().map(\.id).sorted() == [1, 2])
        let summaries = try store.pool.write { db in
            try Store.apply([.merge(event: 2, into: 1)], engine: engine, by: nil, at: 1_718_800_000, in: db)
        }
        #expect(summaries.map(\.id) == [1] && summaries.first?.articleCount == 2 && summaries.first?.sourceCount == 2)
        #expect(try store.allEvents().map(\.id) == [1])
        #expect(try store.event(id: 2)?.id == 1)
        #expect(try store.articleIDs(inEvent: 1) == [1, 2])
        // The merge names the latest article of the two, there being no deciding one.
        let merge = try store.pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM event_merge") }
        #expect((merge?["article_id"] as Int64?) == 2)
    }
}
