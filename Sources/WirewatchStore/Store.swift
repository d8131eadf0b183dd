import Foundation
import GRDB
import WirewatchCore

/// An error from the store, with what was being done.
public struct StoreError: Error, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var underlying: any Error

    public var description: String { "store \(path): \(operation) failed: \(underlying)" }
}

/// Wirewatch's state in one SQLite database (WAL mode, versioned migrations).
///
/// Writes come from one pipeline; readers (CLI, status) may read concurrently.
public final class Store: Sendable {
    public let path: String
    let pool: DatabasePool

    /// Opens (creating if needed) the database at `path` and migrates it to the current schema.
    /// How the store trades durability and memory for speed.
    public enum Mode: Sendable {
        /// The daemon's: every commit is on disk before it returns (files are moved after it), and
        /// a small page cache keeps an idle daemon small.
        case durable
        /// Batch runs (`wirewatch analyze`) that move no files: commits reach the disk in the
        /// background (a power cut can lose the last ones, never corrupt the store), and a larger
        /// page cache.
        case batch
    }

    public init(path: String, mode: Mode = .durable) throws(StoreError) {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        // One writer and a few readers (status, CLI) are all the daemon needs.
        configuration.maximumReaderCount = 2
        configuration.prepareDatabase { db in
            switch mode {
            case .durable:
                // A commit is durable before the file leaves processing/: fsync the WAL at each commit.
                try db.execute(sql: "PRAGMA synchronous = FULL")
                // Rows are written once: a modest page cache keeps an idle daemon small.
                try db.execute(sql: "PRAGMA cache_size = -1024")
            case .batch:
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                try db.execute(sql: "PRAGMA cache_size = -32768")
                // Checkpoints every 16K pages (64 MB of WAL) instead of 1,000: index pages that many
                // articles touch (their keys are hashes, spread over the whole index) are written
                // back once per checkpoint, so fewer checkpoints write far less as the store grows.
                try db.execute(sql: "PRAGMA wal_autocheckpoint = 16384")
            }
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw StoreError(operation: "open and migrate", path: path, underlying: error)
        }
    }

    /// The schema, one migration per version; never edit a migration that has shipped.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: articles, ingested and failed files") { db in
            try db.execute(
                sql: """
                    CREATE TABLE article (
                        id INTEGER PRIMARY KEY,
                        content_hash TEXT NOT NULL UNIQUE,
                        size INTEGER NOT NULL,
                        encoding TEXT NOT NULL,
                        raw_text TEXT NOT NULL,
                        first_seen REAL NOT NULL
                    );
                    CREATE TABLE ingested_file (
                        id INTEGER PRIMARY KEY,
                        claim_id TEXT NOT NULL UNIQUE,
                        original_name TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        content_hash TEXT NOT NULL,
                        article_id INTEGER NOT NULL REFERENCES article(id),
                        duplicate_of_file_id INTEGER REFERENCES ingested_file(id),
                        arrived_at REAL NOT NULL,
                        processed_at REAL NOT NULL,
                        archive_path TEXT NOT NULL
                    );
                    CREATE INDEX ingested_file_article ON ingested_file(article_id);
                    CREATE TABLE failed_file (
                        id INTEGER PRIMARY KEY,
                        claim_id TEXT NOT NULL UNIQUE,
                        original_name TEXT NOT NULL,
                        size INTEGER,
                        reason_code TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        arrived_at REAL NOT NULL,
                        failed_at REAL NOT NULL,
                        failed_path TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v2: parsed articles") { db in
            try db.execute(
                sql: """
                    ALTER TABLE article ADD COLUMN title TEXT;
                    ALTER TABLE article ADD COLUMN source TEXT;
                    ALTER TABLE article ADD COLUMN published TEXT;
                    ALTER TABLE article ADD COLUMN published_at REAL;
                    ALTER TABLE article ADD COLUMN language TEXT;
                    ALTER TABLE article ADD COLUMN author TEXT;
                    ALTER TABLE article ADD COLUMN url TEXT;
                    ALTER TABLE article ADD COLUMN format TEXT;
                    ALTER TABLE article ADD COLUMN body TEXT;
                    ALTER TABLE article ADD COLUMN sections TEXT;
                    ALTER TABLE article ADD COLUMN rules TEXT;
                    CREATE INDEX article_published_at ON article(published_at);
                    """)
        }
        migrator.registerMigration("v3: dedup decisions, events, shared passages, engine state") { db in
            try db.execute(
                sql: """
                    ALTER TABLE article ADD COLUMN body_key TEXT;
                    ALTER TABLE article ADD COLUMN source_key TEXT;
                    ALTER TABLE article ADD COLUMN event_id INTEGER;
                    ALTER TABLE article ADD COLUMN duplicate_of INTEGER;
                    ALTER TABLE article ADD COLUMN near_duplicate_of INTEGER;
                    ALTER TABLE article ADD COLUMN decision TEXT;
                    ALTER TABLE article ADD COLUMN evidence TEXT;
                    CREATE INDEX article_body_key ON article(body_key);
                    CREATE INDEX article_event ON article(event_id);
                    CREATE INDEX article_first_seen ON article(first_seen);
                    CREATE TABLE event (
                        id INTEGER PRIMARY KEY,
                        title TEXT,
                        first_seen REAL NOT NULL,
                        last_seen REAL NOT NULL,
                        published_start REAL,
                        published_end REAL,
                        article_count INTEGER NOT NULL,
                        source_count INTEGER NOT NULL,
                        top_names TEXT NOT NULL
                    );
                    CREATE INDEX event_last_seen ON event(last_seen);
                    CREATE TABLE event_source (
                        event_id INTEGER NOT NULL REFERENCES event(id),
                        source TEXT NOT NULL,
                        first_article_id INTEGER NOT NULL REFERENCES article(id),
                        first_seen REAL NOT NULL,
                        PRIMARY KEY (event_id, source)
                    ) WITHOUT ROWID;
                    CREATE TABLE shared_passage (
                        article_id INTEGER NOT NULL REFERENCES article(id),
                        other_article_id INTEGER NOT NULL REFERENCES article(id),
                        text TEXT NOT NULL
                    );
                    CREATE INDEX shared_passage_article ON shared_passage(article_id);
                    CREATE INDEX shared_passage_other ON shared_passage(other_article_id);
                    CREATE TABLE engine_state (
                        name TEXT PRIMARY KEY,
                        watermark INTEGER NOT NULL,
                        data BLOB NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v4: article leads and a digest index") { db in
            // A digest reads, for every article of its window, a few columns and the beginning of
            // its body. The body sits in overflow pages before the columns added later, so rows
            // are not read at all: the columns come from a covering index, the lead from a small
            // table of its own. Older articles fall back to their body.
            try db.execute(
                sql: """
                    CREATE TABLE article_lead (article_id INTEGER PRIMARY KEY REFERENCES article(id), lead TEXT NOT NULL);
                    CREATE INDEX article_digest ON article(event_id, first_seen, id, decision, duplicate_of,
                        near_duplicate_of, title, source, source_key, url);
                    """)
        }
        migrator.registerMigration("v5: alerts") { db in
            // One row per alert; the unique key makes a rule fire at most once per event and reason,
            // also across restarts. `pending` holds the sinks that have not taken it yet (bits of
            // `AlertSinks`), `digested_at` when a digest listed an alert held by quiet hours.
            try db.execute(
                sql: """
                    CREATE TABLE alert (
                        id INTEGER PRIMARY KEY,
                        rule TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        event_id INTEGER NOT NULL,
                        article_id INTEGER,
                        fired_at REAL NOT NULL,
                        priority INTEGER NOT NULL,
                        deferred INTEGER NOT NULL,
                        message TEXT NOT NULL,
                        payload TEXT NOT NULL,
                        pending INTEGER NOT NULL,
                        digested_at REAL,
                        UNIQUE (rule, event_id, reason)
                    );
                    CREATE INDEX alert_rule_event ON alert(rule, event_id, fired_at);
                    CREATE INDEX alert_fired ON alert(fired_at);
                    CREATE INDEX alert_pending ON alert(pending) WHERE pending != 0;
                    CREATE TABLE alert_state (rule TEXT PRIMARY KEY, data TEXT NOT NULL);
                    """)
        }
        migrator.registerMigration("v6: passages of original reports indexed for digests") { db in
            // Most shared passages are a copy repeating its original; a digest shows those shared
            // by original reports, which a partial covering index finds without reading the rest.
            try db.execute(
                sql: """
                    ALTER TABLE shared_passage ADD COLUMN from_original INTEGER NOT NULL DEFAULT 0;
                    UPDATE shared_passage SET from_original = 1 WHERE article_id IN (
                        SELECT id FROM article INDEXED BY article_digest WHERE decision IN ('same-event', 'new-event'));
                    CREATE INDEX shared_passage_digest ON shared_passage(article_id, other_article_id, text) WHERE from_original = 1;
                    """)
        }
        migrator.registerMigration("v7: one index on article.event_id") { db in
            // The digest index starts with event_id and serves every lookup by event: a second
            // index on the same column only cost every insert a random write.
            try db.execute(sql: "DROP INDEX IF EXISTS article_event")
        }
        migrator.registerMigration("v8: body keys indexed by their 64-bit hash") { db in
            // Exact duplicates are looked up by body key. Keys are random, so every insert wrote a
            // random page of an index of 32-character keys that outgrew the page cache; the same
            // lookup by the key's 64-bit hash needs an index less than half the size. The rows are
            // added in hash order (appending, not inserting at random) before the old index goes.
            // No foreign key: articles are never deleted, and checking one would read the article
            // table at random once per row when the migration commits (18 s instead of 4 s for
            // 400,000 articles).
            try db.execute(
                sql: """
                    CREATE TABLE article_body (
                        hash INTEGER NOT NULL,
                        article_id INTEGER NOT NULL,
                        PRIMARY KEY (hash, article_id)
                    ) WITHOUT ROWID;
                    """)
            var entries: [(hash: Int64, articleID: Int64)] = []
            // The old index holds every key: read it, not the rows (their keys follow the bodies).
            let hasIndex = try db.indexes(on: "article").contains { $0.name == "article_body_key" }
            let rows = try Row.fetchCursor(
                db,
                sql: "SELECT id, body_key FROM article \(hasIndex ? "INDEXED BY article_body_key" : "") WHERE body_key IS NOT NULL")
            while let row = try rows.next() {
                entries.append((Self.bodyHash(row["body_key"]), row["id"]))
            }
            entries.sort { $0.hash != $1.hash ? $0.hash < $1.hash : $0.articleID < $1.articleID }
            let insert = try db.makeStatement(sql: "INSERT INTO article_body (hash, article_id) VALUES (?, ?)")
            for entry in entries { try insert.execute(arguments: [entry.hash, entry.articleID]) }
            try db.execute(sql: "DROP INDEX IF EXISTS article_body_key")
        }
        migrator.registerMigration("v9: merged events") { db in
            // An event merged into another is gone from `event`; its id still finds the event that
            // took its articles (`merged_into` always names an event that exists) and is never
            // given to a new event.
            try db.execute(
                sql: """
                    CREATE TABLE event_merge (
                        event_id INTEGER PRIMARY KEY,
                        merged_into INTEGER NOT NULL,
                        article_id INTEGER NOT NULL,
                        merged_at REAL NOT NULL
                    );
                    CREATE INDEX event_merge_into ON event_merge(merged_into);
                    """)
        }
        migrator.registerMigration("v10: events split off by consolidation") { db in
            // Consolidation moves reports that turn out to be another event's to a new event:
            // where each such event came from, and the article whose decision did it (none when
            // it ran while input paused).
            try db.execute(
                sql: """
                    CREATE TABLE event_split (
                        event_id INTEGER PRIMARY KEY,
                        split_from INTEGER NOT NULL,
                        article_id INTEGER,
                        split_at REAL NOT NULL
                    );
                    """)
        }
        return migrator
    }

    /// The first `Store.leadCharacters` bytes of a body, cut where a character begins.
    static func lead(of body: String) -> String {
        let utf8 = Array(body.utf8)
        guard utf8.count > Self.leadCharacters else { return body }
        var end = Self.leadCharacters
        while end > 0 && utf8[end] & 0xC0 == 0x80 { end -= 1 }
        return String(decoding: utf8[..<end], as: UTF8.self)
    }

    /// Sections as JSON, without repeating the body's text: `[{"heading": ..., "lead": true,
    /// "lengths": [...]}]`, the UTF-8 length of each paragraph in the body (where paragraphs are
    /// separated by a blank line). Written directly: one per article on the hot path.
    static func sectionsJSON(_ sections: [Article.Section]) -> String {
        var json = "["
        for (index, section) in sections.enumerated() {
            if index > 0 { json += "," }
            json += "{\"heading\":" + (section.heading.map(EvidenceJSON.quoted) ?? "null")
            json += ",\"lead\":" + (section.isLead ? "true" : "false")
            json += ",\"lengths\":[" + section.paragraphs.map { String($0.utf8.count) }.joined(separator: ",") + "]}"
        }
        return json + "]"
    }

    static func rulesJSON(_ rules: [String: String]) -> String {
        "{" + rules.keys.sorted().map { EvidenceJSON.quoted($0) + ":" + EvidenceJSON.quoted(rules[$0]!) }.joined(separator: ",") + "}"
    }

    /// Commits a batch of outcomes in one transaction. Claims already in the store are reported as
    /// ``IngestionResult/alreadyRecorded(_:)`` and not written again, which makes a replay after a
    /// crash harmless.
    public func record(_ batch: [IngestionRecord]) throws(StoreError) -> [IngestionResult] {
        try record(batch, engine: nil).results
    }

    /// A committed batch: each record's result, and the dedup decision of each new article.
    public struct RecordedBatch: Sendable {
        public var results: [IngestionResult]
        /// By article id.
        public var decisions: [Int64: DedupDecision]
        /// The alerts the batch fired, as recorded (with their ids, JSON and pending sinks).
        public var alerts: [StoredAlert] = []
    }

    /// Commits a batch of outcomes in one transaction, deciding each new article with `engine`
    /// (exact or near duplicate, event) in the same transaction, so the store and the engine agree
    /// on every committed article. If the commit fails, the engine has seen articles the store has
    /// not: rebuild it with ``restore(configuration:analyzer:progress:)``.
    public func record(
        _ batch: [IngestionRecord], engine: DedupEngine?, alerts: AlertJudge? = nil
    ) throws(StoreError) -> RecordedBatch {
        do {
            return try pool.write { db in
                var decisions: [Int64: DedupDecision] = [:]
                var fired: [StoredAlert] = []
                let results = try batch.map { record in
                    try Self.record(record, in: db, engine: engine) { decision in
                        decisions[decision.articleID] = decision
                        if let alerts, case .accepted(let file) = record {
                            fired += try Self.judge(decision, of: file, with: alerts, in: db)
                        }
                    }
                }
                if let alerts { try Self.saveSpikes(alerts.engine.takeChangedSpikes(), in: db) }
                return RecordedBatch(results: results, decisions: decisions, alerts: fired)
            }
        } catch {
            throw StoreError(operation: "commit \(batch.count) files", path: path, underlying: error)
        }
    }

    private static func record(
        _ record: IngestionRecord, in db: Database, engine: DedupEngine?, decided: (DedupDecision) throws -> Void
    ) throws -> IngestionResult {
        if let disposition = try disposition(of: record.claimID, in: db) {
            return .alreadyRecorded(disposition)
        }
        switch record {
        case .accepted(let file):
            let existing = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT article.id AS article_id, MIN(ingested_file.id) AS first_file_id
                        FROM article LEFT JOIN ingested_file ON ingested_file.article_id = article.id
                        WHERE article.content_hash = ? GROUP BY article.id
                        """),
                arguments: [file.contentHash.hex])
            let articleID: Int64
            if let existing {
                articleID = existing["article_id"]
            } else {
                // The id is known before the insert so that the decision is written with the row.
                articleID = (try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(id) FROM article")) ?? 0) + 1
                let article = file.article
                var decision: DedupDecision?
                if let engine, let profile = file.profile, let article {
                    decision = try Self.decide(
                        DedupEngine.Input(
                            articleID: articleID, profile: profile, arrival: file.arrivedAt,
                            source: file.sourceKey ?? file.originalName, title: article.title,
                            segments: ArticleAnalyzer.segments(of: article)),
                        with: engine, in: db)
                }
                // A parsed article is kept as parsed; its file stays in the archive. Raw text is kept
                // only for what could not be parsed into one.
                try db.cachedStatement(
                    sql: """
                        INSERT INTO article (id, content_hash, size, encoding, raw_text, first_seen, title, source,
                            published, published_at, language, author, url, format, body, sections, rules, body_key,
                            source_key, event_id, duplicate_of, near_duplicate_of, decision, evidence)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [
                    articleID, file.contentHash.hex, file.size, article?.encoding ?? file.text.encoding.rawValue,
                    article == nil ? file.text.text : "", file.arrivedAt, article?.title, article?.source,
                    article?.published?.description, article?.published?.secondsSince1970, article?.language,
                    article?.author, article?.url, article?.format.rawValue, file.columns?.body,
                    file.columns?.sections, file.columns?.rules, file.profile?.bodyKey, file.sourceKey, decision?.eventID, decision?.duplicateOf,
                    decision?.nearDuplicateOf, decision?.kind.rawValue, decision.map { EvidenceJSON.encode($0.evidence) },
                ])
                if let columns = file.columns {
                    try db.cachedStatement(sql: "INSERT INTO article_lead (article_id, lead) VALUES (?, ?)")
                        .execute(arguments: [articleID, Self.lead(of: columns.body)])
                }
                if let decision, let engine {
                    if let bodyKey = file.profile?.bodyKey { try Self.indexBody(bodyKey, articleID: articleID, in: db) }
                    try decided(try Self.writeEvent(of: decision, engine: engine, in: db))
                }
            }
            let duplicateOf: Int64? = existing?["first_file_id"]
            try db.cachedStatement(
                sql: """
                    INSERT INTO ingested_file (claim_id, original_name, size, content_hash, article_id,
                        duplicate_of_file_id, arrived_at, processed_at, archive_path)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(
                arguments: [
                    file.claimID.rawValue, file.originalName, file.size, file.contentHash.hex, articleID,
                    duplicateOf, file.arrivedAt, file.processedAt, file.archivePath,
                ])
            let fileID = db.lastInsertedRowID
            if let duplicateOf {
                return .exactDuplicate(fileID: fileID, articleID: articleID, duplicateOfFileID: duplicateOf)
            }
            return .stored(fileID: fileID, articleID: articleID)
        case .rejected(let file):
            try db.execute(
                sql: """
                    INSERT INTO failed_file (claim_id, original_name, size, reason_code, reason, arrived_at,
                        failed_at, failed_path)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    file.claimID.rawValue, file.originalName, file.size, file.reasonCode, file.reason,
                    file.arrivedAt, file.failedAt, file.failedPath,
                ])
            return .failed(failureID: db.lastInsertedRowID)
        }
    }

    /// Where already committed claims belong; claims the store has never seen are absent.
    public func dispositions(of claims: [ClaimID]) throws(StoreError) -> [ClaimID: ClaimDisposition] {
        do {
            return try pool.read { db in
                var result: [ClaimID: ClaimDisposition] = [:]
                for claim in claims {
                    if let disposition = try Self.disposition(of: claim, in: db) {
                        result[claim] = disposition
                    }
                }
                return result
            }
        } catch {
            throw StoreError(operation: "look up \(claims.count) claims", path: path, underlying: error)
        }
    }

    private static func disposition(of claim: ClaimID, in db: Database) throws -> ClaimDisposition? {
        if let archivePath = try String.fetchOne(
            db.cachedStatement(sql: "SELECT archive_path FROM ingested_file WHERE claim_id = ?"), arguments: [claim.rawValue])
        {
            return .archived(path: archivePath)
        }
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM failed_file WHERE claim_id = ?"), arguments: [claim.rawValue])
        else { return nil }
        return .failed(
            RejectedFile(
                claimID: claim, originalName: row["original_name"], size: row["size"],
                reasonCode: row["reason_code"], reason: row["reason"], arrivedAt: row["arrived_at"],
                failedAt: row["failed_at"], failedPath: row["failed_path"]))
    }

    /// Totals of articles, files, exact duplicates and failures.
    public func counts() throws(StoreError) -> StoreCounts {
        do {
            return try pool.read { db in
                StoreCounts(
                    articles: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM article") ?? 0,
                    files: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ingested_file") ?? 0,
                    exactDuplicates: try Int.fetchOne(
                        db, sql: "SELECT COUNT(*) FROM ingested_file WHERE duplicate_of_file_id IS NOT NULL") ?? 0,
                    failed: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM failed_file") ?? 0)
            }
        } catch {
            throw StoreError(operation: "count", path: path, underlying: error)
        }
    }

    /// Every committed file, oldest first (for tests and tools; not for large stores).
    public func allFiles() throws(StoreError) -> [StoredFile] {
        do {
            return try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM ingested_file ORDER BY id").map { row in
                    StoredFile(
                        id: row["id"], claimID: row["claim_id"], originalName: row["original_name"],
                        size: row["size"], contentHash: row["content_hash"], articleID: row["article_id"],
                        duplicateOfFileID: row["duplicate_of_file_id"], arrivedAt: row["arrived_at"],
                        processedAt: row["processed_at"], archivePath: row["archive_path"])
                }
            }
        } catch {
            throw StoreError(operation: "list files", path: path, underlying: error)
        }
    }

    /// Every failed file, oldest first.
    public func allFailures() throws(StoreError) -> [RejectedFile] {
        do {
            return try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM failed_file ORDER BY id").compactMap { row in
                    guard let claim = ClaimID(rawValue: row["claim_id"]) else { return nil }
                    return RejectedFile(
                        claimID: claim, originalName: row["original_name"], size: row["size"],
                        reasonCode: row["reason_code"], reason: row["reason"], arrivedAt: row["arrived_at"],
                        failedAt: row["failed_at"], failedPath: row["failed_path"])
                }
            }
        } catch {
            throw StoreError(operation: "list failures", path: path, underlying: error)
        }
    }

    /// A stored article's parsed fields.
    public func article(id: Int64) throws(StoreError) -> StoredArticle? {
        do {
            return try pool.read { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM article WHERE id = ?", arguments: [id]) else {
                    return nil
                }
                let sections = (row["sections"] as String?).flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [Any] }
                return StoredArticle(
                    id: row["id"], title: row["title"], source: row["source"], published: row["published"],
                    language: row["language"], author: row["author"], url: row["url"], format: row["format"],
                    body: row["body"], sectionCount: sections?.count ?? 0,
                    decision: (row["decision"] as String?).flatMap(DedupDecision.Kind.init(rawValue:)),
                    eventID: row["event_id"], duplicateOf: row["duplicate_of"], nearDuplicateOf: row["near_duplicate_of"],
                    firstSeen: row["first_seen"])
            }
        } catch {
            throw StoreError(operation: "read article \(id)", path: path, underlying: error)
        }
    }

    /// The raw text of an article that could not be parsed (a parsed one keeps its parsed fields;
    /// its file is in the archive).
    public func articleText(id: Int64) throws(StoreError) -> String? {
        do {
            return try pool.read { db in
                try String.fetchOne(db, sql: "SELECT raw_text FROM article WHERE id = ?", arguments: [id])
            }
        } catch {
            throw StoreError(operation: "read article \(id)", path: path, underlying: error)
        }
    }

    /// Checkpoints the WAL and closes the database.
    public func close() throws(StoreError) {
        do {
            _ = try pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
            try pool.close()
        } catch {
            throw StoreError(operation: "close", path: path, underlying: error)
        }
    }
}
