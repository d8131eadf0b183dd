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
        /// The beginning of its body (the lead and what follows, up to `leadCharacters`); empty
        /// for the articles a digest does not read (see ``DigestMaterial/read(_:)``).
        public var lead: String
    }

    public struct Passage: Sendable, Equatable {
        public var articleID: Int64
        public var otherArticleID: Int64
        public var text: String
    }

    /// Original articles of an event a digest reads for its summary and additions, at most.
    public static let articlesRead = 8

    /// The positions in `articles` (an event's, in arrival order) of those a digest reads: the
    /// first original article of each source, at most ``articlesRead`` (copies collapse into what
    /// they copy). Only these come with their lead.
    public static func read(_ articles: [Article]) -> [Int] {
        var positions: [Int] = []
        var readSources = Set<String>()
        for (index, article) in articles.enumerated() where article.copyOf == nil {
            guard readSources.insert((article.sourceKey ?? article.source ?? "").lowercased()).inserted else { continue }
            positions.append(index)
            if positions.count == articlesRead { break }
        }
        return positions
    }

    public var events: [EventSummary]
    /// Per event, its articles in arrival order.
    public var articles: [Int64: [Article]]
    /// Per event, its sources in the order they joined.
    public var sources: [Int64: [EventSource]]
    /// Per event, the passages its original articles share with earlier ones of the same event.
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

    /// Events with an article that arrived in `since...until`, with their material. Only the
    /// articles a digest reads (``DigestMaterial/read(_:)``) come with their lead, and only
    /// passages between two original reports (copies are listed as copies of their original).
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
                articles.reserveCapacity(events.count)
                // Columns by position: a name lookup per value would cost more than the read.
                let rows = try Row.fetchCursor(
                    db.cachedStatement(
                        sql: """
                            SELECT a.id, a.event_id, a.title, a.source, a.source_key, a.url, a.first_seen, a.decision,
                                   coalesce(a.duplicate_of, a.near_duplicate_of) AS copy_of,
                                   CASE WHEN a.source IS NULL THEN
                                       (SELECT original_name FROM ingested_file f WHERE f.article_id = a.id ORDER BY f.id LIMIT 1) END AS file
                            FROM article a INDEXED BY article_digest
                            WHERE a.event_id BETWEEN ? AND ? AND a.first_seen <= ? ORDER BY a.event_id, a.first_seen, a.id
                            """),
                    arguments: [first, last, until])
                while let row = try rows.next() {
                    let event: Int64 = row[1]
                    guard wanted.contains(event) else { continue }
                    articles[event, default: []].append(
                        DigestMaterial.Article(
                            id: row[0], eventID: event, title: row[2], source: row[3] ?? row[9], sourceKey: row[4], url: row[5],
                            firstSeen: row[6], decision: (row[7] as String?).flatMap(DedupDecision.Kind.init(rawValue:)),
                            copyOf: row[8], lead: ""))
                }
                // Leads of the articles a digest reads, by id (older articles without one: the
                // beginning of their body).
                var readers: [(event: Int64, index: Int)] = []
                var positions: [Int64: (event: Int64, index: Int)] = [:]
                for (event, list) in articles {
                    for index in DigestMaterial.read(list) {
                        readers.append((event, index))
                        positions[list[index].id] = (event, index)
                    }
                }
                let ids = readers.map { articles[$0.event]![$0.index].id }.sorted()
                var missing: [Int64] = []
                for chunk in stride(from: 0, to: ids.count, by: 500).map({ ids[$0..<min(ids.count, $0 + 500)] }) {
                    var found = Set<Int64>()
                    let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                    let leads = try Row.fetchCursor(
                        db, sql: "SELECT article_id, lead FROM article_lead WHERE article_id IN (\(marks))",
                        arguments: StatementArguments(Array(chunk)))
                    while let row = try leads.next() {
                        let id: Int64 = row[0]
                        guard let position = positions[id] else { continue }
                        articles[position.event]![position.index].lead = row[1]
                        found.insert(id)
                    }
                    missing += chunk.filter { !found.contains($0) }
                }
                for chunk in stride(from: 0, to: missing.count, by: 500).map({ missing[$0..<min(missing.count, $0 + 500)] }) {
                    let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                    for row in try Row.fetchAll(
                        db, sql: "SELECT id, substr(body, 1, ?) FROM article WHERE id IN (\(marks))",
                        arguments: StatementArguments([Self.leadCharacters] + Array(chunk)))
                    {
                        if let position = positions[row[0]] { articles[position.event]![position.index].lead = row[1] ?? "" }
                    }
                }
                var sources: [Int64: [EventSource]] = [:]
                let sourceRows = try Row.fetchCursor(
                    db,
                    sql: "SELECT event_id, source, first_article_id, first_seen FROM event_source WHERE event_id BETWEEN ? AND ? ORDER BY event_id, first_seen, first_article_id",
                    arguments: [first, last])
                while let row = try sourceRows.next() {
                    let event: Int64 = row[0]
                    guard wanted.contains(event) else { continue }
                    sources[event, default: []].append(EventSource(source: row[1], firstArticleID: row[2], firstSeen: row[3]))
                }
                // Passages between two original articles of the same event: the pairs are checked
                // here, from the articles already read (joining article rows would read their bodies).
                var eventOf: [Int64: Int64] = [:]
                var lowest = Int64.max
                var highest = Int64.min
                for (event, list) in articles {
                    for article in list where article.copyOf == nil {
                        eventOf[article.id] = event
                        lowest = min(lowest, article.id)
                        highest = max(highest, article.id)
                    }
                }
                var passages: [Int64: [DigestMaterial.Passage]] = [:]
                if lowest <= highest {
                    let passageRows = try Row.fetchCursor(
                        db,
                        sql: """
                            SELECT article_id, other_article_id, text FROM shared_passage INDEXED BY shared_passage_digest
                            WHERE from_original = 1 AND article_id BETWEEN ? AND ? ORDER BY rowid
                            """,
                        arguments: [lowest, highest])
                    while let row = try passageRows.next() {
                        let articleID: Int64 = row[0]
                        guard let event = eventOf[articleID] else { continue }
                        let otherID: Int64 = row[1]
                        guard eventOf[otherID] == event, passages[event, default: []].count < Self.passagesPerEvent else { continue }
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
