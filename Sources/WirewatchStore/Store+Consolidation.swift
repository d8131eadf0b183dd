import GRDB
import WirewatchCore

extension Store {
    /// Consolidates the events that changed since the last time (``DedupEngine/consolidateAll()``)
    /// and commits what it changed in one transaction: articles moved to new events, events
    /// merged. Returns the changes with the events as they stand after them. If the commit fails,
    /// the engine has changed and the store has not: rebuild the engine with
    /// ``restore(configuration:analyzer:progress:)``.
    public func consolidate(engine: DedupEngine, at time: Double) throws(StoreError) -> ConsolidatedEvents {
        guard engine.hasUnsettledEvents else { return ConsolidatedEvents(changes: [], events: []) }
        do {
            return try pool.write { db in
                let changes = engine.consolidateAll()
                let events = try Self.apply(changes, engine: engine, by: nil, at: time, in: db)
                return ConsolidatedEvents(changes: changes, events: events)
            }
        } catch {
            throw StoreError(operation: "commit consolidated events", path: path, underlying: error)
        }
    }

    /// What a consolidation changed, and the events it left, as stored.
    public struct ConsolidatedEvents: Sendable {
        public var changes: [EventChange]
        public var events: [EventSummary]
    }

    /// Writes consolidation's changes: articles moved to a new event (with their copies), events
    /// merged; then the counts, sources and title of every event they touched, counted from the
    /// articles, which memory takes back. Returns those events.
    static func apply(
        _ changes: [EventChange], engine: DedupEngine, by articleID: Int64?, at time: Double, in db: Database
    ) throws -> [EventSummary] {
        guard !changes.isEmpty else { return [] }
        var touched = Set<Int64>()
        for change in changes {
            switch change {
            case .split(let event, let into, let articles):
                try split(event, into: into, articles: articles, by: articleID, at: time, in: db)
                touched.formUnion([event, into])
            case .merge(let gone, let survivor):
                let last = try Int64.fetchOne(
                    db.cachedStatement(sql: "SELECT MAX(id) FROM article WHERE event_id IN (?, ?)"), arguments: [gone, survivor])
                try merge(gone, into: survivor, by: articleID ?? last ?? 0, at: time, in: db)
                touched.remove(gone)
                touched.insert(survivor)
            }
        }
        var summaries: [EventSummary] = []
        for id in touched.sorted() {
            if let summary = try recount(id, engine: engine, in: db) { summaries.append(summary) }
        }
        return summaries
    }

    /// Moves original articles from `event` to the new event `into`, with the copies of them
    /// (a copy names its original; a copy of a copy names that copy).
    static func split(_ event: Int64, into: Int64, articles: [Int64], by articleID: Int64?, at time: Double, in db: Database) throws {
        var moved = Set(articles)
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: "SELECT id, duplicate_of, near_duplicate_of FROM article INDEXED BY article_digest WHERE event_id = ? ORDER BY id"),
            arguments: [event])
        var copies: [Int64] = []
        while let row = try rows.next() {
            let id: Int64 = row["id"]
            guard !moved.contains(id), let original = (row["duplicate_of"] as Int64?) ?? (row["near_duplicate_of"] as Int64?),
                moved.contains(original)
            else { continue }
            moved.insert(id)
            copies.append(id)
        }
        // The new event's row first: its articles refer to it.
        try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO event (id, first_seen, last_seen, article_count, source_count, top_names)
                VALUES (?, ?, ?, 0, 0, '[]')
                """
        ).execute(arguments: [into, time, time])
        let update = try db.cachedStatement(sql: "UPDATE article SET event_id = ? WHERE id = ? AND event_id = ?")
        for id in (articles + copies).sorted() { try update.execute(arguments: [into, id, event]) }
        try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO event_split (event_id, split_from, article_id, split_at) VALUES (?, ?, ?, ?)"
        ).execute(arguments: [into, event, articleID, time])
    }

    /// Counts an event's articles, first and last arrival and sources from its articles, keeps its
    /// title if one of its articles still has it (else takes its first original's), writes the row
    /// and hands the counts to the engine.
    static func recount(_ id: Int64, engine: DedupEngine, in db: Database) throws -> EventSummary? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM event WHERE id = ?"), arguments: [id]),
            let counts = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT COUNT(*) AS n, MIN(first_seen) AS first, MAX(first_seen) AS last FROM article WHERE event_id = ?"),
                arguments: [id]),
            (counts["n"] as Int) > 0
        else { return nil }
        try db.cachedStatement(sql: "DELETE FROM event_source WHERE event_id = ?").execute(arguments: [id])
        // One row per source, folded to lowercase as the engine counts them, with its first article.
        try db.cachedStatement(
            sql: """
                INSERT INTO event_source (event_id, source, first_article_id, first_seen)
                SELECT ?, COALESCE(source_key, 'article ' || id), MIN(id), MIN(first_seen) FROM article
                WHERE event_id = ? GROUP BY lower(COALESCE(source_key, 'article ' || id))
                """
        ).execute(arguments: [id, id])
        var summary = eventSummary(row)
        let memory = engine.event(id)
        summary.articleCount = counts["n"]
        summary.firstSeen = counts["first"]
        summary.lastSeen = counts["last"]
        summary.sourceCount = try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM event_source WHERE event_id = ?"), arguments: [id]) ?? 0
        let keepsTitle = try summary.title.map {
            try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM article WHERE event_id = ? AND title = ? LIMIT 1"), arguments: [id, $0])
                ?? false
        } ?? false
        if !keepsTitle {
            summary.title = try String.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT title FROM article WHERE event_id = ? AND title IS NOT NULL
                        ORDER BY decision NOT IN ('same-event', 'new-event'), id LIMIT 1
                        """),
                arguments: [id])
        }
        if let memory {
            summary.published = memory.published
            summary.topNames = memory.topNames
        }
        try write(summary, in: db)
        engine.restore(summary, sources: try sources(ofEvent: id, limit: sourcesRestored, in: db).map(\.source), replacingSources: true)
        return summary
    }
}

extension Store {
    /// Each article's event as stored now (after merges and consolidation), by article id.
    public func events(ofArticles ids: [Int64]) throws(StoreError) -> [Int64: Int64] {
        do {
            return try pool.read { db in
                var events: [Int64: Int64] = [:]
                try Self.forEachRow(of: ids, in: db, { "SELECT id, event_id FROM article WHERE id IN (\($0))" }) { row in
                    if let event: Int64 = row["event_id"] { events[row["id"]] = event }
                }
                return events
            }
        } catch {
            throw StoreError(operation: "read the events of \(ids.count) articles", path: path, underlying: error)
        }
    }
}
