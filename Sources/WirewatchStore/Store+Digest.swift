import Foundation
import GRDB
import WirewatchCore

/// What a digest is made from, read from the store in a few bulk queries: the events active in
/// a window, their articles (with the beginning of their text), their sources and the passages
/// their articles share.
public struct DigestMaterial: Sendable {
    public struct Article: Sendable, Equatable {
        public var id: Int64
        public var eventID: Int64
        public var title: String?
        /// The source as the article gives it (or its file's name when it gives none).
        public var source: String?
        public var sourceKey: String?
        public var url: String?
        public var firstSeen: Double
        public var decision: DedupDecision.Kind?
        /// The article this one copies (exactly or with edits), if any.
        public var copyOf: Int64?
        /// The beginning of its body (the lead and what follows, up to `leadCharacters`).
        public var lead: String
    }

    public struct Passage: Sendable, Equatable {
        public var articleID: Int64
        public var otherArticleID: Int64
        public var text: String
    }

    public var events: [EventSummary]
    /// Per event, its articles in arrival order.
    public var articles: [Int64: [Article]]
    /// Per event, its sources in the order they joined.
    public var sources: [Int64: [EventSource]]
    /// Per event, the passages its articles share with earlier articles of the same event.
    public var passages: [Int64: [Passage]]

    public init(events: [EventSummary], articles: [Int64: [Article]], sources: [Int64: [EventSource]], passages: [Int64: [Passage]]) {
        self.events = events
        self.articles = articles
        self.sources = sources
        self.passages = passages
    }
}

extension Store {
    /// Passages read per event for a digest, at most (it shows ten).
    public static let passagesPerEvent = 60

    /// Bytes of each article's body kept as its lead and read for a digest.
    public static let leadCharacters = 700

    /// Events with an article that arrived in `since...until`, with their material.
    public func digestMaterial(since: Double, until: Double) throws(StoreError) -> DigestMaterial {
        do {
            return try pool.read { db in
                let events = try Row.fetchAll(
                    db, sql: "SELECT * FROM event WHERE last_seen >= ? AND first_seen <= ? ORDER BY id",
                    arguments: [since, until]
                ).map(Self.eventSummary)
                guard let first = events.first?.id, let last = events.last?.id else {
                    return DigestMaterial(events: [], articles: [:], sources: [:], passages: [:])
                }
                let wanted = Set(events.map(\.id))
                var articles: [Int64: [DigestMaterial.Article]] = [:]
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT a.id, a.event_id, a.title, a.source, a.source_key, a.url, a.first_seen, a.decision,
                               coalesce(a.duplicate_of, a.near_duplicate_of) AS copy_of, l.lead AS lead,
                               CASE WHEN a.source IS NULL THEN
                                   (SELECT original_name FROM ingested_file f WHERE f.article_id = a.id ORDER BY f.id LIMIT 1) END AS file
                        FROM article a INDEXED BY article_digest LEFT JOIN article_lead l ON l.article_id = a.id
                        WHERE a.event_id BETWEEN ? AND ? AND a.first_seen <= ? ORDER BY a.event_id, a.first_seen, a.id
                        """,
                    arguments: [first, last, until])
                var missingLeads: [Int64] = []
                while let row = try rows.next() {
                    let event: Int64 = row["event_id"]
                    guard wanted.contains(event) else { continue }
                    if (row["lead"] as String?) == nil { missingLeads.append(row["id"]) }
                    articles[event, default: []].append(
                        DigestMaterial.Article(
                            id: row["id"], eventID: event, title: row["title"],
                            source: row["source"] ?? row["file"], sourceKey: row["source_key"], url: row["url"],
                            firstSeen: row["first_seen"],
                            decision: (row["decision"] as String?).flatMap(DedupDecision.Kind.init(rawValue:)),
                            copyOf: row["copy_of"], lead: row["lead"] ?? ""))
                }
                // Articles stored before leads were kept: the beginning of their body.
                if !missingLeads.isEmpty {
                    var leads: [Int64: String] = [:]
                    for chunk in stride(from: 0, to: missingLeads.count, by: 500).map({ missingLeads[$0..<min(missingLeads.count, $0 + 500)] }) {
                        let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                        for row in try Row.fetchAll(
                            db, sql: "SELECT id, substr(body, 1, ?) AS lead FROM article WHERE id IN (\(marks))",
                            arguments: StatementArguments([Self.leadCharacters] + Array(chunk)))
                        {
                            leads[row["id"]] = row["lead"]
                        }
                    }
                    for (event, list) in articles {
                        articles[event] = list.map { article in
                            var article = article
                            if article.lead.isEmpty, let lead = leads[article.id] { article.lead = lead }
                            return article
                        }
                    }
                }
                var sources: [Int64: [EventSource]] = [:]
                let sourceRows = try Row.fetchCursor(
                    db,
                    sql: "SELECT event_id, source, first_article_id, first_seen FROM event_source WHERE event_id BETWEEN ? AND ? ORDER BY event_id, first_seen, first_article_id",
                    arguments: [first, last])
                while let row = try sourceRows.next() {
                    let event: Int64 = row["event_id"]
                    guard wanted.contains(event) else { continue }
                    sources[event, default: []].append(
                        EventSource(source: row["source"], firstArticleID: row["first_article_id"], firstSeen: row["first_seen"]))
                }
                // Passages between two articles of the same event: the pairs are checked here, from
                // the articles already read (joining article rows would read their bodies).
                var eventOf: [Int64: Int64] = [:]
                var lowest = Int64.max
                var highest = Int64.min
                for (event, list) in articles {
                    for article in list {
                        eventOf[article.id] = event
                        lowest = min(lowest, article.id)
                        highest = max(highest, article.id)
                    }
                }
                var passages: [Int64: [DigestMaterial.Passage]] = [:]
                if lowest <= highest {
                    let passageRows = try Row.fetchCursor(
                        db,
                        sql: "SELECT article_id, other_article_id, text FROM shared_passage WHERE article_id BETWEEN ? AND ? ORDER BY rowid",
                        arguments: [lowest, highest])
                    while let row = try passageRows.next() {
                        let articleID: Int64 = row[0]
                        let otherID: Int64 = row[1]
                        guard let event = eventOf[articleID], eventOf[otherID] == event,
                            passages[event, default: []].count < Self.passagesPerEvent
                        else { continue }
                        passages[event, default: []].append(DigestMaterial.Passage(articleID: articleID, otherArticleID: otherID, text: row[2]))
                    }
                }
                return DigestMaterial(events: events, articles: articles, sources: sources, passages: passages)
            }
        } catch {
            throw StoreError(operation: "read the material of a digest", path: path, underlying: error)
        }
    }
}

extension Store {
    /// When the last digest ended (its `until`), or nil before the first.
    public func lastDigestTime() throws(StoreError) -> Double? {
        do {
            return try pool.read { db in
                try Int64.fetchOne(db, sql: "SELECT watermark FROM engine_state WHERE name = 'last-digest'").map { Double($0) / 1000 }
            }
        } catch {
            throw StoreError(operation: "read the time of the last digest", path: path, underlying: error)
        }
    }

    /// Notes the end of the digest just written (kept to the millisecond).
    public func setLastDigestTime(_ seconds: Double) throws(StoreError) {
        do {
            try pool.write { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO engine_state (name, watermark, data) VALUES ('last-digest', ?, x'')",
                    arguments: [Int64((seconds * 1000).rounded())])
            }
        } catch {
            throw StoreError(operation: "save the time of the last digest", path: path, underlying: error)
        }
    }
}
