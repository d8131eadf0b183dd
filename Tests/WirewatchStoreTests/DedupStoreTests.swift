import Foundation
import GRDB
import Testing
import WirewatchCore
@testable import WirewatchStore

/// The store and the dedup engine together: decisions, events and passages are committed with the
/// articles, and a reopened store rebuilds the engine so that nothing is decided differently.
final class DedupStoreTests {
    let folder: String
    let path: String

    init() throws {
        folder = NSTemporaryDirectory() + "wirewatch-dedup-store-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        path = folder + "/state.sqlite"
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    static let repository = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
    static let seedNames = [
        "000_e7c496c3c614537c.txt", "001_c880a8e2b3970301.txt", "002_3e2959cc9f6ec901.txt", "003_e021fd765f2ce2fb.txt",
        "004_77b36c938f220c04.txt",
    ]

    static func seedBytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: repository + "/seeds/" + name)))
    }

    /// A file through the same intake as the daemon's.
    static func record(_ bytes: [UInt8], name: String, claim: UInt32, arrival: Double = 1_718_700_000) -> IngestionRecord {
        guard case .article(let article, let profile, let hash, let text, _) = ArticleIntake.evaluate(
            bytes, fileName: name, maximumSize: 10 << 20, analyzer: ArticleAnalyzer())
        else { fatalError("\(name) does not parse") }
        return .accepted(
            AcceptedFile(
                claimID: ClaimID(arrivalMilliseconds: Int64(arrival * 1000), tag: claim), originalName: name,
                size: Int64(bytes.count), contentHash: hash, text: text, arrivedAt: arrival, processedAt: arrival,
                archivePath: "/archive/" + name, article: article, profile: profile,
                sourceKey: SourceKey.of(article, fileName: name)))
    }

    func restoredEngine(_ store: Store) throws -> (DedupEngine, Store.Restoration) {
        try store.restore(configuration: DedupConfiguration(), analyzer: ArticleAnalyzer())
    }

    @Test func decisionsEventsSourcesAndPassagesAreCommittedWithTheArticles() throws {
        let store = try Store(path: path)
        let (engine, _) = try restoredEngine(store)
        let records = try Self.seedNames.enumerated().map { index, name in
            Self.record(try Self.seedBytes(name), name: name, claim: UInt32(index))
        }
        let batch = try store.record(records, engine: engine)
        #expect(batch.decisions.count == 5)
        let events = try store.allEvents()
        #expect(events.count == 1)
        let event = try #require(events.first)
        #expect(event.articleCount == 5)
        #expect(event.sourceCount == 5)
        #expect(try store.sources(ofEvent: event.id).map(\.source).contains("The National Times"))
        #expect(try store.articleIDs(inEvent: event.id) == [1, 2, 3, 4, 5])
        let decision = try #require(try store.decision(ofArticle: 5))
        #expect(decision.kind == .sameEvent)
        #expect(decision.sharedPassages.filter { $0.otherArticleID == 3 }.count >= 3)
        #expect(decision.evidenceJSON.contains("\"similarity\""))
        let article = try #require(try store.article(id: 2))
        #expect(article.eventID == event.id && article.decision == .sameEvent)
    }

    @Test func articlesAreFoundByEventThroughTheDigestIndexAlone() throws {
        let store = try Store(path: path)
        let (engine, _) = try restoredEngine(store)
        _ = try store.record(
            Array(try Self.seedNames.enumerated().map { Self.record(try Self.seedBytes($1), name: $1, claim: UInt32($0)) }),
            engine: engine)
        let (indexes, plan, articles) = try store.pool.read { db in
            (
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'article'"),
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT id FROM article WHERE event_id = 1").map { $0["detail"] as String }.joined(),
                try Int64.fetchAll(db, sql: "SELECT id FROM article WHERE event_id = 1 ORDER BY id")
            )
        }
        #expect(!indexes.contains("article_event"))
        #expect(indexes.contains("article_digest"))
        #expect(plan.contains("article_digest"))
        #expect(articles == [1, 2, 3, 4, 5])
    }

    @Test func aNewStoreHasTheForeignKeysOfTheShippedMigrations() throws {
        let store = try Store(path: path)
        let tables: [String] = ["ingested_file", "shared_passage", "article_body"]
        let keys = try store.pool.read { db in
            try tables.map { table in
                try Row.fetchAll(db, sql: "SELECT \"from\", \"table\" FROM pragma_foreign_key_list(?)", arguments: [table])
                    .map { "\(table).\($0["from"] as String) -> \($0["table"] as String)" }.sorted()
            }
        }
        #expect(keys[0] == ["ingested_file.article_id -> article", "ingested_file.duplicate_of_file_id -> ingested_file"])
        #expect(keys[1] == ["shared_passage.article_id -> article", "shared_passage.other_article_id -> article"])
        #expect(keys[2].isEmpty)
    }

    @Test func aReopenedStoreKnowsItsArticlesAndEvents() throws {
        do {
            let store = try Store(path: path)
            let (engine, _) = try restoredEngine(store)
            _ = try store.record(
                Array(try Self.seedNames.prefix(3).enumerated().map { Self.record(try Self.seedBytes($1), name: $1, claim: UInt32($0)) }),
                engine: engine)
            try store.saveStatistics(engine.statistics, watermark: try store.lastArticleID())
            try store.close()
        }
        let store = try Store(path: path)
        let (engine, restoration) = try restoredEngine(store)
        #expect(restoration.replayed == 3)
        #expect(restoration.counted == 0)
        #expect(engine.statistics.documents == 3)
        // The rest of the seeds join the event of the first three, as they would without the restart.
        let batch = try store.record(
            Array(try Self.seedNames.dropFirst(3).enumerated().map { Self.record(try Self.seedBytes($1), name: $1, claim: UInt32(10 + $0)) }),
            engine: engine)
        #expect(Set(batch.decisions.values.map(\.eventID)) == [1], "\(batch.decisions.values.map { ($0.articleID, $0.kind, $0.evidence.similarity?.combined) })")
        #expect(try store.event(id: 1)?.articleCount == 5)
        // A lightly edited copy of an article from before the restart is its near-duplicate.
        var copy = String(decoding: try Self.seedBytes(Self.seedNames[1]), as: UTF8.self)
        copy = copy.replacingOccurrences(of: "Präsident", with: "Staatschef")
        let recorded = try store.record([Self.record(Array(copy.utf8), name: "copy.txt", claim: 99)], engine: engine)
        let decision = try #require(recorded.decisions.values.first)
        #expect(decision.kind == .nearDuplicate)
        #expect(decision.nearDuplicateOf == 2)
    }

    static func craneBytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: repository + "/Tests/WirewatchCoreTests/Fixtures/crane-" + name + ".txt")))
    }

    /// A threshold that keeps the crane collapse and the rescue apart until the roundup links them.
    static var strictJoining: DedupConfiguration {
        var configuration = DedupConfiguration()
        configuration.eventSimilarity = 0.45
        return configuration
    }

    @Test func aMergedEventsArticlesSourcesAndAlertsMoveToTheEventThatTookItAndStayThereAfterARestart() throws {
        do {
            let store = try Store(path: path)
            let (engine, _) = try store.restore(configuration: Self.strictJoining, analyzer: ArticleAnalyzer())
            _ = try store.record(
                [Self.record(try Self.craneBytes("collapse"), name: "collapse.txt", claim: 1),
                 Self.record(try Self.craneBytes("rescue"), name: "rescue.txt", claim: 2)],
                engine: engine)
            #expect(try store.allEvents().map(\.id).sorted() == [1, 2])
            try store.pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO alert (rule, kind, reason, event_id, article_id, fired_at, priority, deferred, message,
                            payload, pending)
                        VALUES ('crane', 'terms', 'matched', 2, 2, 0, 0, 0, 'crane', '{}', 0)
                        """)
            }
            let batch = try store.record([Self.record(try Self.craneBytes("roundup"), name: "roundup.txt", claim: 3)], engine: engine)
            let decision = try #require(batch.decisions[3])
            #expect(decision.eventID == 1 && decision.mergedEvents == [2], "\(decision.kind) \(decision.eventID)")
            let events = try store.allEvents()
            #expect(events.map(\.id) == [1])
            #expect(events.first?.articleCount == 3 && events.first?.sourceCount == 3)
            #expect(try store.articleIDs(inEvent: 1) == [1, 2, 3])
            #expect(try store.articleIDs(inEvent: 2).isEmpty)
            #expect(try store.sources(ofEvent: 1).count == 3)
            #expect(try store.sources(ofEvent: 2).isEmpty)
            // The old id still finds the story.
            #expect(try store.event(id: 2)?.id == 1)
            let alertEvents = try store.pool.read { db in try Int64.fetchAll(db, sql: "SELECT event_id FROM alert") }
            #expect(alertEvents == [1])
            try store.saveStatistics(engine.statistics, watermark: try store.lastArticleID())
            try store.close()
        }
        let store = try Store(path: path)
        let (engine, _) = try store.restore(configuration: Self.strictJoining, analyzer: ArticleAnalyzer())
        #expect(engine.openEventCount == 1)
        // A later report like the rescue finds the event that took it.
        let batch = try store.record([Self.record(try Self.craneBytes("inquiry"), name: "inquiry.txt", claim: 4)], engine: engine)
        #expect(batch.decisions[4]?.kind == .sameEvent && batch.decisions[4]?.eventID == 1)
        #expect(try store.event(id: 1)?.articleCount == 4)
        // A new story after the restart gets an id never used: not the merged event's.
        let other = try store.record([Self.record(try Self.seedBytes(Self.seedNames[0]), name: "seed.txt", claim: 6)], engine: engine)
        #expect(other.decisions[5]?.kind == .newEvent && other.decisions[5]?.eventID == 3)
        #expect(try store.event(id: 3)?.id == 3)
        #expect(try store.event(id: 2)?.id == 1)
    }

    @Test func aMergeOfTwoEventsWithMoreSourcesThanMemoryHoldsCountsASourceTheyShareOnce() throws {
        let arrival = 1_718_700_000.0
        do {
            let store = try Store(path: path)
            let (engine, _) = try store.restore(configuration: Self.strictJoining, analyzer: ArticleAnalyzer())
            _ = try store.record(
                [Self.record(try Self.craneBytes("collapse"), name: "collapse.txt", claim: 1, arrival: arrival),
                 Self.record(try Self.craneBytes("rescue"), name: "rescue.txt", claim: 2, arrival: arrival)],
                engine: engine)
            // Each event has more sources than a restart takes back into memory, the last of them
            // shared: after the restart, memory holds neither event's copy of it.
            let extra = Store.sourcesRestored
            try store.pool.write { db in
                for event in [1, 2] {
                    for index in 0..<extra {
                        try db.execute(
                            sql: "INSERT INTO event_source (event_id, source, first_article_id, first_seen) VALUES (?, ?, ?, ?)",
                            arguments: [event, "e\(event)-\(index)", event, arrival + 1 + Double(index)])
                    }
                    try db.execute(
                        sql: "INSERT INTO event_source (event_id, source, first_article_id, first_seen) VALUES (?, 'shared', ?, ?)",
                        arguments: [event, event, arrival + 1 + Double(extra)])
                    try db.execute(sql: "UPDATE event SET source_count = ? WHERE id = ?", arguments: [extra + 2, event])
                }
            }
            try store.saveStatistics(engine.statistics, watermark: try store.lastArticleID())
            try store.close()
        }
        let store = try Store(path: path)
        let (engine, _) = try store.restore(configuration: Self.strictJoining, analyzer: ArticleAnalyzer())
        #expect(engine.openEventCount == 2)
        let batch = try store.record(
            [Self.record(try Self.craneBytes("roundup"), name: "roundup.txt", claim: 3, arrival: arrival + 60)], engine: engine)
        let decision = try #require(batch.decisions[3])
        #expect(decision.mergedEvents == [2])
        // The two reporters, both events' others, the shared one once, and the roundup's source.
        let distinct = 2 + 2 * Store.sourcesRestored + 1 + 1
        #expect(try store.sources(ofEvent: 1).count == distinct)
        #expect(decision.event.sourceCount == distinct)
        #expect(try store.event(id: 1)?.sourceCount == distinct)
        // Memory took the count: the next report from a known source leaves it as it is.
        let next = try store.record(
            [Self.record(try Self.craneBytes("inquiry"), name: "inquiry.txt", claim: 4, arrival: arrival + 120)], engine: engine)
        #expect(next.decisions[4]?.eventID == 1)
        #expect(try store.event(id: 1)?.sourceCount == distinct + (next.decisions[4]?.event.newSource == nil ? 0 : 1))
        #expect(try store.sources(ofEvent: 1).count == (try store.event(id: 1)?.sourceCount))
    }

    @Test func aCopyThatJoinsAClosedEventAddsToItsCountsInsteadOfStartingThemAgain() throws {
        var configuration = DedupConfiguration()
        configuration.window = 3600
        let store = try Store(path: path)
        let (engine, _) = try store.restore(configuration: configuration, analyzer: ArticleAnalyzer())
        _ = try store.record(
            try Self.seedNames.enumerated().map { index, name in
                Self.record(try Self.seedBytes(name), name: name, claim: UInt32(index), arrival: 1_718_700_000 + Double(index) * 60)
            },
            engine: engine)
        let before = try #require(try store.event(id: 1))
        #expect(before.articleCount == 5)
        // Two hours later the event has closed (memory no longer holds it); its articles are still
        // originals for copies.
        var copy = String(decoding: try Self.seedBytes(Self.seedNames[2]), as: UTF8.self)
        copy = copy.replacingOccurrences(of: "Nordkorea", with: "Nord-Korea")
        let batch = try store.record(
            [Self.record(Array(copy.utf8), name: "late-copy.txt", claim: 9, arrival: 1_718_700_000 + 7200)], engine: engine)
        let decision = try #require(batch.decisions.values.first)
        #expect(decision.kind == .nearDuplicate && decision.eventID == 1)
        let after = try #require(try store.event(id: 1))
        #expect(after.articleCount == 6)
        #expect(after.sourceCount == before.sourceCount + 1)  // a source of its own: its file name
        #expect(after.firstSeen == before.firstSeen)
        #expect(after.title == before.title)
    }

    @Test func articlesStoredBeforeDedupAreDecidedWhenTheEngineIsRestored() throws {
        let store = try Store(path: path)
        _ = try store.record(try Self.seedNames.enumerated().map { Self.record(try Self.seedBytes($1), name: $1, claim: UInt32($0)) })
        #expect(try store.allEvents().isEmpty)
        let (_, restoration) = try restoredEngine(store)
        #expect(restoration.decided == 5)
        #expect(try store.allEvents().count == 1)
        // Their bodies are findable by key from now on.
        #expect(try Self.bodyHashCount(store) == 5)
        #expect(try store.decision(ofArticle: 1)?.kind == .newEvent)
    }

    /// Rows in the table of body hashes.
    static func bodyHashCount(_ store: Store) throws -> Int? {
        try store.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM article_body") }
    }

    /// The body key stored for article 1.
    static func bodyKeyOfFirstArticle(_ store: Store) throws -> String {
        try #require(try store.pool.read { try String.fetchOne($0, sql: "SELECT body_key FROM article WHERE id = 1") })
    }

    /// Memory that forgets within an hour: an article a day old is only in the store.
    static var shortMemory: DedupConfiguration {
        var configuration = DedupConfiguration()
        configuration.window = 3600
        configuration.nearDuplicateHorizon = 3600
        return configuration
    }

    /// The first seed, then a day later another one: the first has left memory.
    static func recordFirstAndADayLater(_ store: Store, _ engine: DedupEngine) throws {
        _ = try store.record([record(try seedBytes(seedNames[0]), name: "first.txt", claim: 1, arrival: 1_000_000)], engine: engine)
        _ = try store.record([record(try seedBytes(seedNames[3]), name: "later.txt", claim: 2, arrival: 1_090_000)], engine: engine)
    }

    /// The first seed again, with other white space, after ``recordFirstAndADayLater(_:_:)``.
    static func recordCopyOfFirst(_ store: Store, _ engine: DedupEngine) throws -> DedupDecision {
        let copy = String(decoding: try seedBytes(seedNames[0]), as: UTF8.self).replacingOccurrences(of: "\n\n", with: "\n\n\n")
        let recorded = try store.record([record(Array(copy.utf8), name: "again.txt", claim: 3, arrival: 1_100_000)], engine: engine)
        return try #require(recorded.decisions.values.first)
    }

    /// The store reopened after ``recordFirstAndADayLater(_:_:)`` and `change` (a restart).
    func reopenedAfterFirstAndADayLater(_ change: (Store) throws -> Void = { _ in }) throws -> Store {
        do {
            let store = try Store(path: path)
            let (engine, _) = try store.restore(configuration: Self.shortMemory, analyzer: ArticleAnalyzer())
            try Self.recordFirstAndADayLater(store, engine)
            try change(store)
            try store.close()
        }
        return try Store(path: path)
    }

    @Test func anExactCopyOfAnArticleLongGoneFromMemoryIsFoundInTheStore() throws {
        let store = try Store(path: path)
        let (engine, _) = try store.restore(configuration: Self.shortMemory, analyzer: ArticleAnalyzer())
        try Self.recordFirstAndADayLater(store, engine)
        #expect(engine.recentArticleCount == 1)
        let decision = try Self.recordCopyOfFirst(store, engine)
        #expect(decision.kind == .exactDuplicate)
        #expect(decision.duplicateOf == 1)
        #expect(decision.eventID == 1)
    }

    @Test func anExactCopyIsFoundInTheStoreByARestartedEngineThatNeverHeldTheOriginal() throws {
        let store = try reopenedAfterFirstAndADayLater()
        let (engine, restoration) = try store.restore(configuration: Self.shortMemory, analyzer: ArticleAnalyzer())
        #expect(restoration.replayed == 1)  // only the later article is within the horizon
        let decision = try Self.recordCopyOfFirst(store, engine)
        #expect(decision.kind == .exactDuplicate)
        #expect(decision.duplicateOf == 1)
    }

    @Test func aStoreFromBeforeTheBodyHashIndexStillFindsItsOldBodiesAfterTheUpgrade() throws {
        let store = try reopenedAfterFirstAndADayLater { store in
            #expect(try Self.bodyHashCount(store) == 2)
            // Back to version 7: body keys in a text index, no table of hashes.
            try store.pool.write { db in
                try db.execute(
                    sql: """
                        DROP TABLE article_body;
                        CREATE INDEX article_body_key ON article(body_key);
                        DELETE FROM grdb_migrations WHERE identifier LIKE 'v8:%';
                        """)
            }
        }
        let (indexes, hashes) = try store.pool.read { db in
            (
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'article'"),
                try Int64.fetchAll(db, sql: "SELECT hash FROM article_body ORDER BY article_id")
            )
        }
        #expect(!indexes.contains("article_body_key"))
        #expect(hashes.count == 2)
        let (engine, restoration) = try store.restore(configuration: Self.shortMemory, analyzer: ArticleAnalyzer())
        #expect(restoration.replayed == 1)
        let decision = try Self.recordCopyOfFirst(store, engine)
        #expect(decision.kind == .exactDuplicate)
        #expect(decision.duplicateOf == 1)
    }

    @Test func decidedArticlesWithoutABodyHashAreIndexedAtStartUp() throws {
        let store = try reopenedAfterFirstAndADayLater { store in
            // As an older version, started after this one had migrated the store, leaves them.
            try store.pool.write { try $0.execute(sql: "DELETE FROM article_body") }
        }
        let (engine, _) = try store.restore(configuration: Self.shortMemory, analyzer: ArticleAnalyzer())
        #expect(try Self.bodyHashCount(store) == 2)
        let decision = try Self.recordCopyOfFirst(store, engine)
        #expect(decision.kind == .exactDuplicate)
        #expect(decision.duplicateOf == 1)
    }

    @Test func theEarliestOfManyCopiesIsFoundWithoutReadingTheOthers() throws {
        let store = try Store(path: path)
        let (engine, _) = try restoredEngine(store)
        _ = try store.record([Self.record(try Self.seedBytes(Self.seedNames[0]), name: "first.txt", claim: 1)], engine: engine)
        let key = try Self.bodyKeyOfFirstArticle(store)
        let plan = try store.pool.read { db in
            try Row.fetchAll(
                db, sql: "EXPLAIN QUERY PLAN " + Store.bodyKeyLookup, arguments: [Store.bodyHash(key), key]
            ).map { $0["detail"] as String }.joined(separator: "; ")
        }
        #expect(plan.contains("article_body USING PRIMARY KEY"))
        #expect(!plan.contains("TEMP B-TREE"), "\(plan)")
    }

    @Test func aBodyWhoseHashCollidesWithAnotherIsNotTakenForIt() throws {
        let store = try Store(path: path)
        let (engine, _) = try restoredEngine(store)
        _ = try store.record([Self.record(try Self.seedBytes(Self.seedNames[0]), name: "first.txt", claim: 1)], engine: engine)
        let key = try Self.bodyKeyOfFirstArticle(store)
        // Another key given the first one's hash: found by hash, refused by key.
        try store.pool.write { db in
            try db.execute(sql: "INSERT INTO article_body (hash, article_id) VALUES (?, 1)", arguments: [Store.bodyHash("other")])
        }
        let (found, other) = try store.pool.read { db in
            (try Store.articleWithBodyKey(key, in: db), try Store.articleWithBodyKey("other", in: db))
        }
        #expect(found?.articleID == 1)
        #expect(other == nil)
    }
}
