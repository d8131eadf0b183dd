import Foundation
import GRDB
import WirewatchCore

extension Store {
    /// The earliest decided article with this body key, and its event.
    static func articleWithBodyKey(_ key: String, in db: Database) throws -> (articleID: Int64, eventID: Int64)? {
        // The hash finds the candidates; the key itself (rarely read: it follows the body) decides.
        let row = try Row.fetchOne(db.cachedStatement(sql: bodyKeyLookup), arguments: [bodyHash(key), key])
        guard let row, let event: Int64 = row["event_id"] else { return nil }
        return (row["id"], event)
    }

    /// The earliest decided article with a body hash and key (the key itself, rarely read, follows
    /// the body): ordered by the hash table's own key, so the first match ends the search.
    static let bodyKeyLookup = """
        SELECT article.id, article.event_id FROM article_body JOIN article ON article.id = article_body.article_id
        WHERE article_body.hash = ? AND article.body_key = ? AND article.event_id IS NOT NULL
        ORDER BY article_body.article_id LIMIT 1
        """

    /// A body key's 64-bit hash as the store keeps it (the engine's, as a signed integer).
    static func bodyHash(_ key: String) -> Int64 {
        Int64(bitPattern: DedupEngine.bodyHash(key))
    }

    /// Makes a decided article's body findable by its key.
    static func indexBody(_ key: String, articleID: Int64, in db: Database) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO article_body (hash, article_id) VALUES (?, ?)")
            .execute(arguments: [bodyHash(key), articleID])
    }

    /// Writes a decision for an article stored without one: the article's row, its event, and the
    /// passages it shares.
    static func write(
        _ decision: DedupDecision, bodyKey: String, sourceKey: String?, engine: DedupEngine, in db: Database
    ) throws {
        try db.cachedStatement(
            sql: """
                UPDATE article SET body_key = ?, source_key = ?, event_id = ?, duplicate_of = ?, near_duplicate_of = ?,
                    decision = ?, evidence = ? WHERE id = ?
                """
        ).execute(arguments: [
            bodyKey, sourceKey, decision.eventID, decision.duplicateOf, decision.nearDuplicateOf,
            decision.kind.rawValue, EvidenceJSON.encode(decision.evidence), decision.articleID,
        ])
        try indexBody(bodyKey, articleID: decision.articleID, in: db)
        _ = try writeEvent(of: decision, engine: engine, in: db)
    }

    /// The decision's event, its new source, the passages the article shares and what
    /// consolidation changed. Returns the decision with its event as stored: after a merge, the
    /// store counts the event's sources (memory cannot tell whether two events' sources it no
    /// longer holds are the same), and the engine takes the count.
    static func writeEvent(of decision: DedupDecision, engine: DedupEngine, in db: Database) throws -> DedupDecision {
        var decision = decision
        for gone in decision.mergedEvents {
            try merge(gone, into: decision.eventID, by: decision.articleID, at: decision.event.lastSeen, in: db)
        }
        try write(decision.event, in: db)
        if let source = decision.event.newSource {
            try db.cachedStatement(
                sql: "INSERT OR IGNORE INTO event_source (event_id, source, first_article_id, first_seen) VALUES (?, ?, ?, ?)"
            ).execute(arguments: [decision.eventID, source, decision.articleID, decision.event.lastSeen])
        }
        if !decision.mergedEvents.isEmpty,
            let sources = try Int.fetchOne(
                db.cachedStatement(sql: "SELECT COUNT(*) FROM event_source WHERE event_id = ?"), arguments: [decision.eventID]),
            sources != decision.event.sourceCount
        {
            try db.cachedStatement(sql: "UPDATE event SET source_count = ? WHERE id = ?").execute(arguments: [sources, decision.eventID])
            engine.correctSourceCount(ofEvent: decision.eventID, to: sources)
            decision.event.sourceCount = sources
        }
        let passage = try db.cachedStatement(
            sql: "INSERT INTO shared_passage (article_id, other_article_id, text, from_original) VALUES (?, ?, ?, ?)")
        let original = decision.kind == .sameEvent || decision.kind == .newEvent
        for shared in decision.evidence.sharedPassages {
            try passage.execute(arguments: [decision.articleID, shared.otherArticleID, shared.text, original])
        }
        // Consolidation may have moved the article, or merged its event: the decision names the
        // event it is in now, as counted again.
        let regrouped = try apply(decision.consolidation, engine: engine, by: decision.articleID, at: decision.event.lastSeen, in: db)
        let now = DedupDecision.eventAfter(decision.consolidation, of: decision.articleID, joined: decision.eventID)
        if let event = regrouped.first(where: { $0.id == now }) {
            let newSource = now == decision.eventID ? decision.event.newSource : nil
            decision.eventID = now
            decision.event = event
            decision.event.newSource = newSource
        }
        return decision
    }

    /// Moves an event's articles, sources and alerts to the event it was merged into, and
    /// removes it, leaving where it went. Alerts that would repeat one the survivor already has
    /// stay with the old id (the survivor does not fire them again either way).
    static func merge(_ gone: Int64, into survivor: Int64, by articleID: Int64, at time: Double, in db: Database) throws {
        try db.cachedStatement(sql: "UPDATE article SET event_id = ? WHERE event_id = ?").execute(arguments: [survivor, gone])
        // A source both events have keeps its first article of either.
        try db.cachedStatement(
            sql: """
                INSERT INTO event_source (event_id, source, first_article_id, first_seen)
                SELECT ?, source, first_article_id, first_seen FROM event_source WHERE event_id = ?
                ON CONFLICT(event_id, source) DO UPDATE SET first_article_id = excluded.first_article_id,
                    first_seen = excluded.first_seen
                WHERE excluded.first_seen < event_source.first_seen
                """
        ).execute(arguments: [survivor, gone])
        try db.cachedStatement(sql: "DELETE FROM event_source WHERE event_id = ?").execute(arguments: [gone])
        try db.cachedStatement(sql: "UPDATE OR IGNORE alert SET event_id = ? WHERE event_id = ?").execute(arguments: [survivor, gone])
        try db.cachedStatement(sql: "DELETE FROM event WHERE id = ?").execute(arguments: [gone])
        try db.cachedStatement(sql: "UPDATE event_merge SET merged_into = ? WHERE merged_into = ?").execute(arguments: [survivor, gone])
        try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO event_merge (event_id, merged_into, article_id, merged_at) VALUES (?, ?, ?, ?)"
        ).execute(arguments: [gone, survivor, articleID, time])
    }

    /// Decides an article with the engine, which finds in `db` what its memory no longer holds: an
    /// older article with the same body, an event that has closed. A read that fails fails the
    /// decision (and so the commit), rather than passing for "not stored".
    static func decide(_ input: DedupEngine.Input, with engine: DedupEngine, in db: Database) throws -> DedupDecision {
        try engine.add(
            input, olderBodyKey: { key in try articleWithBodyKey(key, in: db) },
            storedEvent: { id in try storedEvent(id, in: db) })
    }

    /// An event as stored, with its sources (for the engine, when memory no longer holds it).
    static func storedEvent(_ id: Int64, in db: Database) throws -> (summary: EventSummary, sources: [String])? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM event WHERE id = ?"), arguments: [id]) else {
            return nil
        }
        return (eventSummary(row), try sources(ofEvent: id, limit: sourcesRestored, in: db).map(\.source))
    }

    static func write(_ event: EventSummary, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO event (id, title, first_seen, last_seen, published_start, published_end, article_count,
                    source_count, top_names)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET title = excluded.title, first_seen = excluded.first_seen,
                    last_seen = excluded.last_seen, published_start = excluded.published_start,
                    published_end = excluded.published_end, article_count = excluded.article_count,
                    source_count = excluded.source_count, top_names = excluded.top_names
                """
        ).execute(arguments: [
            event.id, event.title, event.firstSeen, event.lastSeen, event.published?.start, event.published?.end,
            event.articleCount, event.sourceCount, EvidenceJSON.encode(strings: event.topNames),
        ])
    }

    // MARK: Engine state

    /// Saves the term statistics, counted up to article `watermark`.
    public func saveStatistics(_ statistics: TermStatistics, watermark: Int64) throws(StoreError) {
        let bytes = statistics.snapshot()
        do {
            try pool.write { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO engine_state (name, watermark, data) VALUES ('term-statistics', ?, ?)",
                    arguments: [watermark, Data(bytes)])
            }
        } catch {
            throw StoreError(operation: "save the term statistics", path: path, underlying: error)
        }
    }

    /// The term statistics as of the last decided article, read-only: the saved snapshot plus the
    /// originals stored after it.
    public func termStatistics(analyzer: ArticleAnalyzer) throws(StoreError) -> TermStatistics {
        do {
            var (statistics, watermark) = try pool.read { db -> (TermStatistics, Int64) in
                if let row = try Row.fetchOne(db, sql: "SELECT watermark, data FROM engine_state WHERE name = 'term-statistics'"),
                    let data: Data = row["data"], let statistics = TermStatistics(snapshot: Array(data))
                {
                    return (statistics, row["watermark"])
                }
                return (TermStatistics(), 0)
            }
            try forEachStoredArticle(where: "id > ? AND decision IN ('same-event', 'new-event')", [watermark]) { stored in
                let profile = analyzer.profile(stored.article)
                statistics.add(distinct: profile.content.map(\.hash) + profile.names.map(\.hash) + profile.numbers.map(\.hash))
                watermark = stored.id
            }
            return statistics
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(operation: "read the term statistics", path: path, underlying: error)
        }
    }

    /// The highest article id (0 when there is none).
    public func lastArticleID() throws(StoreError) -> Int64 {
        do {
            return try pool.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM article") ?? 0 }
        } catch {
            throw StoreError(operation: "read the last article id", path: path, underlying: error)
        }
    }

    /// What ``restore(configuration:analyzer:)`` did.
    public struct Restoration: Sendable {
        /// Articles put back into memory.
        public var replayed: Int
        /// Originals counted into the term statistics after the saved snapshot.
        public var counted: Int
        /// Articles stored before dedup existed (or whose decision was lost), decided now.
        public var decided: Int
        public var seconds: Double
    }

    /// Builds a dedup engine from the store: the saved term statistics plus the originals stored
    /// after them, the articles within the near-duplicate horizon and the events still open, then
    /// decides any article the store holds without a decision. Calls `progress` now and then (to
    /// keep systemd patient).
    public func restore(
        configuration: DedupConfiguration, analyzer: ArticleAnalyzer, progress: (String) -> Void = { _ in }
    ) throws(StoreError) -> (DedupEngine, Restoration) {
        let started = Date()
        do {
            let (statistics, watermark) = try pool.read { db -> (TermStatistics, Int64) in
                if let row = try Row.fetchOne(db, sql: "SELECT watermark, data FROM engine_state WHERE name = 'term-statistics'"),
                    let data: Data = row["data"], let statistics = TermStatistics(snapshot: Array(data))
                {
                    return (statistics, row["watermark"])
                }
                return (TermStatistics(), 0)
            }
            // Ids of merged events are never given out again: their alerts and old links stay theirs.
            let lastEvent = try pool.read { db in
                try Int64.fetchOne(
                    db, sql: "SELECT MAX(COALESCE((SELECT MAX(id) FROM event), 0), COALESCE((SELECT MAX(event_id) FROM event_merge), 0))")
                    ?? 0
            }
            let engine = DedupEngine(configuration: configuration, statistics: statistics, nextEventID: lastEvent + 1)
            var restoration = Restoration(replayed: 0, counted: 0, decided: 0, seconds: 0)

            // Originals after the snapshot count towards the statistics.
            try forEachStoredArticle(where: "id > ? AND decision IN ('same-event', 'new-event')", [watermark]) { stored in
                engine.count(analyzer.profile(stored.article))
                restoration.counted += 1
                if restoration.counted % 10_000 == 0 { progress("counted \(restoration.counted) articles") }
            }
            // Memory: the decided articles within the horizon, oldest first.
            let horizon = max(configuration.window, configuration.nearDuplicateHorizon)
            let latest = try pool.read { db in
                try Double.fetchOne(db, sql: "SELECT MAX(first_seen) FROM article WHERE decision IS NOT NULL")
            }
            if let latest {
                let firstID = try pool.read { db in
                    try Int64.fetchOne(
                        db,
                        sql: """
                            SELECT MIN(id) FROM (SELECT id FROM article WHERE decision IS NOT NULL AND first_seen >= ?
                                ORDER BY id DESC LIMIT ?)
                            """, arguments: [latest - horizon, configuration.maximumRecentArticles]) ?? 0
                }
                try forEachStoredArticle(where: "decision IS NOT NULL AND id >= ? AND first_seen >= ?", [firstID, latest - horizon]) { stored in
                    guard let kind = stored.kind, let eventID = stored.eventID else { return }
                    engine.replay(stored.input(analyzer.profile(stored.article)), kind: kind, eventID: eventID, copyOf: stored.copyOf)
                    restoration.replayed += 1
                    if restoration.replayed % 10_000 == 0 { progress("replayed \(restoration.replayed) articles") }
                }
                for summary in try events(where: "last_seen >= ?", [latest - configuration.window]) where engine.event(summary.id) != nil {
                    engine.restore(summary, sources: try sources(ofEvent: summary.id, limit: Self.sourcesRestored).map(\.source))
                }
            }
            engine.reserveEventIDs(through: lastEvent)
            // The stored events are as consolidation left them.
            _ = engine.settle()
            // Every stored body, so exact duplicates of articles long gone from memory are found.
            // Decided articles newer than the last indexed one (written by an older version, after
            // a downgrade) are indexed now.
            try pool.write { db in
                var last: Int64 = 0
                let rows = try Row.fetchCursor(db, sql: "SELECT hash, article_id FROM article_body")
                while let row = try rows.next() {
                    engine.noteStoredBody(hash: UInt64(bitPattern: row[0]))
                    last = max(last, row[1])
                }
                let missing = try Row.fetchCursor(
                    db, sql: "SELECT id, body_key FROM article WHERE id > ? AND body_key IS NOT NULL AND event_id IS NOT NULL",
                    arguments: [last])
                while let row = try missing.next() {
                    let key: String = row["body_key"]
                    try Self.indexBody(key, articleID: row["id"], in: db)
                    engine.noteStoredBody(hash: DedupEngine.bodyHash(key))
                }
            }
            // Articles without a decision (stored before dedup, or by an older version).
            var pending: [(StoredRecord, ArticleProfile)] = []
            func flush() throws {
                guard !pending.isEmpty else { return }
                let batch = pending
                pending = []
                try pool.write { db in
                    for (stored, profile) in batch {
                        let decision = try Self.decide(stored.input(profile), with: engine, in: db)
                        try Self.write(decision, bodyKey: profile.bodyKey, sourceKey: stored.sourceKey, engine: engine, in: db)
                    }
                }
            }
            try forEachStoredArticle(where: "decision IS NULL AND body IS NOT NULL", []) { stored in
                pending.append((stored, analyzer.profile(stored.article)))
                restoration.decided += 1
                if pending.count == 500 {
                    try flush()
                    progress("decided \(restoration.decided) stored articles")
                }
            }
            try flush()
            restoration.seconds = Date().timeIntervalSince(started)
            return (engine, restoration)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(operation: "restore the dedup engine", path: path, underlying: error)
        }
    }

    /// An article as stored, rebuilt for the analyzer.
    struct StoredRecord {
        var id: Int64
        var article: Article
        var arrival: Double
        var sourceKey: String
        var kind: DedupDecision.Kind?
        var eventID: Int64?
        /// For a copy, the article it copies.
        var copyOf: Int64?

        func input(_ profile: ArticleProfile) -> DedupEngine.Input {
            DedupEngine.Input(
                articleID: id, profile: profile, arrival: arrival, source: sourceKey, title: article.title,
                segments: ArticleAnalyzer.segments(of: article))
        }
    }

    /// Reads matching articles in id order, in pages, calling `body` outside any transaction.
    func forEachStoredArticle(
        where condition: String, _ arguments: [any DatabaseValueConvertible], _ body: (StoredRecord) throws -> Void
    ) throws {
        var after: Int64 = -1
        while true {
            let page = try pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT article.id, title, source, published, language, url, format, encoding, sections, body, first_seen,
                            source_key, decision, event_id, duplicate_of, near_duplicate_of,
                            (SELECT original_name FROM ingested_file WHERE article_id = article.id ORDER BY id LIMIT 1) AS name
                        FROM article WHERE \(condition) AND id > ? ORDER BY id LIMIT 1000
                        """, arguments: StatementArguments(arguments + [after]))
            }
            guard !page.isEmpty else { return }
            for row in page {
                after = row["id"]
                guard let article = Self.article(from: row) else { continue }
                let name: String = row["name"] ?? "article \(after)"
                let kind = (row["decision"] as String?).flatMap(DedupDecision.Kind.init(rawValue:))
                try body(
                    StoredRecord(
                        id: after, article: article, arrival: row["first_seen"],
                        sourceKey: row["source_key"] ?? SourceKey.of(article, fileName: name), kind: kind,
                        eventID: row["event_id"], copyOf: row["duplicate_of"] ?? row["near_duplicate_of"]))
            }
        }
    }

    /// An ``Article`` from its stored fields: the body, cut into the sections' paragraphs by their
    /// lengths (rows written before schema v3 carry the paragraphs themselves).
    static func article(from row: Row) -> Article? {
        guard let json: String = row["sections"],
            let objects = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
        else { return nil }
        let body = Array(((row["body"] as String?) ?? "").utf8)
        var offset = 0
        var sections: [Article.Section] = []
        for object in objects {
            var paragraphs = object["paragraphs"] as? [String] ?? []
            if let lengths = object["lengths"] as? [Int] {
                for length in lengths {
                    if offset > 0 { offset += 2 }  // the blank line between paragraphs
                    guard length >= 0, offset + length <= body.count else { return nil }
                    paragraphs.append(String(decoding: body[offset..<(offset + length)], as: UTF8.self))
                    offset += length
                }
            }
            sections.append(
                Article.Section(heading: object["heading"] as? String, paragraphs: paragraphs, isLead: object["lead"] as? Bool ?? true))
        }
        let published = (row["published"] as String?).flatMap { DateParser.parse($0) }
        return Article(
            title: row["title"], sections: sections, source: row["source"], published: published,
            language: row["language"], url: row["url"],
            format: (row["format"] as String?).flatMap(Article.Format.init(rawValue:)) ?? .text,
            encoding: row["encoding"] ?? "utf-8")
    }

    // MARK: Events

    /// Events matching an SQL condition, newest activity first.
    func events(where condition: String, _ arguments: [any DatabaseValueConvertible], limit: Int = -1) throws -> [EventSummary] {
        try pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM event WHERE \(condition) ORDER BY last_seen DESC, id DESC LIMIT ?",
                arguments: StatementArguments(arguments + [limit])
            ).map(Self.eventSummary)
        }
    }

    static func eventSummary(_ row: Row) -> EventSummary {
        let start: Double? = row["published_start"]
        let end: Double? = row["published_end"]
        return EventSummary(
            id: row["id"], title: row["title"], firstSeen: row["first_seen"], lastSeen: row["last_seen"],
            published: start.map { TimeSpan(start: $0, end: end ?? $0) }, articleCount: row["article_count"],
            sourceCount: row["source_count"], topNames: EvidenceJSON.decodeStrings(row["top_names"]))
    }

    /// An event's distinct sources, in the order they joined, with the first article from each.
    public func sources(ofEvent id: Int64, limit: Int = -1) throws -> [EventSource] {
        try pool.read { db in try Self.sources(ofEvent: id, limit: limit, in: db) }
    }

    static func sources(ofEvent id: Int64, limit: Int, in db: Database) throws -> [EventSource] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT source, first_article_id, first_seen FROM event_source WHERE event_id = ? ORDER BY first_seen, first_article_id LIMIT ?"),
            arguments: [id, limit]
        ).map { EventSource(source: $0["source"], firstArticleID: $0["first_article_id"], firstSeen: $0["first_seen"]) }
    }

    /// Sources of an event the engine takes back into memory: enough to know which are new to it.
    static let sourcesRestored = 10_000

    /// One event, or nil. The id of an event merged into another finds that one.
    public func event(id: Int64) throws(StoreError) -> EventSummary? {
        do {
            return try events(
                where: "id = COALESCE((SELECT id FROM event WHERE id = ?), (SELECT merged_into FROM event_merge WHERE event_id = ?))",
                [id, id]
            ).first
        } catch {
            throw StoreError(operation: "read event \(id)", path: path, underlying: error)
        }
    }

    /// Every event, newest activity first (for tools and tests; pages come with the control interface).
    public func allEvents() throws(StoreError) -> [EventSummary] {
        do {
            return try events(where: "1", [])
        } catch {
            throw StoreError(operation: "list events", path: path, underlying: error)
        }
    }

    /// The dedup decision stored for an article.
    public func decision(ofArticle id: Int64) throws(StoreError) -> StoredDecision? {
        do {
            return try pool.read { db in
                guard
                    let row = try Row.fetchOne(
                        db, sql: "SELECT decision, event_id, duplicate_of, near_duplicate_of, evidence FROM article WHERE id = ?",
                        arguments: [id]),
                    let kind = (row["decision"] as String?).flatMap(DedupDecision.Kind.init(rawValue:))
                else { return nil }
                let passages = try Row.fetchAll(
                    db, sql: "SELECT other_article_id, text FROM shared_passage WHERE article_id = ? ORDER BY rowid",
                    arguments: [id]
                ).map { SharedPassage(text: $0["text"], otherArticleID: $0["other_article_id"]) }
                let eventID: Int64? = row["event_id"]
                let splitFrom = try eventID.flatMap {
                    try Int64.fetchOne(db, sql: "SELECT split_from FROM event_split WHERE event_id = ?", arguments: [$0])
                }
                return StoredDecision(
                    kind: kind, eventID: eventID, duplicateOf: row["duplicate_of"],
                    nearDuplicateOf: row["near_duplicate_of"], evidenceJSON: row["evidence"] ?? "{}",
                    sharedPassages: passages, splitFrom: splitFrom)
            }
        } catch {
            throw StoreError(operation: "read the decision of article \(id)", path: path, underlying: error)
        }
    }

    /// The stored article rebuilt as an ``Article`` (for explaining), with its first file's name.
    public func storedArticle(id: Int64) throws(StoreError) -> (article: Article, fileName: String, arrival: Double)? {
        do {
            var found: (Article, String, Double)?
            try forEachStoredArticle(where: "id = ?", [id]) { stored in
                found = (stored.article, try fileName(ofArticle: stored.id) ?? "article \(id)", stored.arrival)
            }
            return found
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(operation: "read article \(id)", path: path, underlying: error)
        }
    }

    /// The original name of the first file of an article.
    public func fileName(ofArticle id: Int64) throws(StoreError) -> String? {
        do {
            return try pool.read { db in
                try String.fetchOne(
                    db, sql: "SELECT original_name FROM ingested_file WHERE article_id = ? ORDER BY id LIMIT 1", arguments: [id])
            }
        } catch {
            throw StoreError(operation: "read the file of article \(id)", path: path, underlying: error)
        }
    }

    /// The article a file name (as given when it arrived) or a content hash belongs to.
    public func articleID(forFile name: String) throws(StoreError) -> Int64? {
        do {
            return try pool.read { db in
                try Int64.fetchOne(
                    db, sql: "SELECT article_id FROM ingested_file WHERE original_name = ? OR archive_path = ? ORDER BY id DESC LIMIT 1",
                    arguments: [name, name])
            }
        } catch {
            throw StoreError(operation: "find the article of \(name)", path: path, underlying: error)
        }
    }

    /// The article with these exact bytes, if stored.
    public func articleID(contentHash: ContentHash) throws(StoreError) -> Int64? {
        do {
            return try pool.read { db in
                try Int64.fetchOne(db, sql: "SELECT id FROM article WHERE content_hash = ?", arguments: [contentHash.hex])
            }
        } catch {
            throw StoreError(operation: "find an article by content", path: path, underlying: error)
        }
    }

    /// Articles of an event, oldest first.
    public func articleIDs(inEvent id: Int64) throws(StoreError) -> [Int64] {
        do {
            return try pool.read { db in
                try Int64.fetchAll(db, sql: "SELECT id FROM article WHERE event_id = ? ORDER BY id", arguments: [id])
            }
        } catch {
            throw StoreError(operation: "list the articles of event \(id)", path: path, underlying: error)
        }
    }
}

/// One distinct source of an event.
public struct EventSource: Sendable, Equatable {
    public var source: String
    public var firstArticleID: Int64
    public var firstSeen: Double
}

/// A decision as stored.
public struct StoredDecision: Sendable, Equatable {
    public var kind: DedupDecision.Kind
    public var eventID: Int64?
    public var duplicateOf: Int64?
    public var nearDuplicateOf: Int64?
    /// The evidence object as written (scores, shared terms, candidates).
    public var evidenceJSON: String
    public var sharedPassages: [SharedPassage]
    /// The event consolidation split the article's event off, if it did.
    public var splitFrom: Int64? = nil
}

/// Who published an article, as distinct sources are counted.
public enum SourceKey {
    /// The article's source, else its URL's host (without `www.`), else the feed folder the file
    /// came from (its first path component), else the file name.
    public static func of(_ article: Article, fileName: String) -> String {
        if let source = article.source?.trimmingCharacters(in: .whitespaces), !source.isEmpty { return source }
        if let url = article.url, let host = URLComponents(string: url)?.host, !host.isEmpty {
            return host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
        }
        let parts = fileName.split(separator: "/")
        if parts.count > 1 { return String(parts[0]) }
        return fileName
    }
}

/// Small, fast JSON for evidence and string lists (the hot path writes one per article).
enum EvidenceJSON {
    static func encode(_ evidence: Evidence) -> String {
        var fields: [String] = []
        func number(_ value: Double) -> String {
            value.isFinite ? FixedPoint.format(value, digits: 4) : "null"
        }
        if let jaccard = evidence.jaccard { fields.append("\"jaccard\":\(number(jaccard))") }
        if let containment = evidence.containment { fields.append("\"containment\":\(number(containment))") }
        if let scores = evidence.similarity {
            var parts = [
                "\"combined\":\(number(scores.combined))", "\"reported\":\(number(scores.reported))",
                "\"content\":\(number(scores.content))", "\"names\":\(number(scores.names))",
                "\"time_factor\":\(number(scores.timeFactor))",
            ]
            if let numbers = scores.numbers { parts.append("\"numbers\":\(number(numbers))") }
            if let distance = scores.timeDistance { parts.append("\"time_distance_hours\":\(number(distance / 3600))") }
            fields.append("\"similarity\":{\(parts.joined(separator: ","))}")
        }
        if let closest = evidence.closestEventID { fields.append("\"closest_event\":\(closest)") }
        fields.append("\"shared_terms\":\(encode(strings: evidence.sharedTerms))")
        fields.append("\"candidates\":\(evidence.candidatesConsidered)")
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func encode(strings: [String]) -> String {
        var bytes: [UInt8] = [0x5B]
        bytes.reserveCapacity(strings.reduce(2) { $0 + $1.utf8.count + 3 })
        for (index, string) in strings.enumerated() {
            if index > 0 { bytes.append(0x2C) }
            append(quoting: string, to: &bytes)
        }
        bytes.append(0x5D)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func quoted(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 8)
        append(quoting: text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    static let hex = Array("0123456789abcdef".utf8)

    static func append(quoting text: String, to bytes: inout [UInt8]) {
        bytes.append(0x22)
        for byte in text.utf8 {
            switch byte {
            case 0x22: bytes += [0x5C, 0x22]
            case 0x5C: bytes += [0x5C, 0x5C]
            case 0x0A: bytes += [0x5C, 0x6E]
            case 0x0D: bytes += [0x5C, 0x72]
            case 0x09: bytes += [0x5C, 0x74]
            case 0..<0x20: bytes += [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
    }

    static func decodeStrings(_ json: String?) -> [String] {
        guard let json, let list = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String] else { return [] }
        return list
    }
}
