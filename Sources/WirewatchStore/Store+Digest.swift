import Foundation
import GRDB
import WirewatchCore

/// What a digest is made from, read from the store in a few bulk queries: the events active in
/// a window, their articles (with the beginning of their text), their sources and the passages
/// their articles share.
public struct DigestMaterial: Sendable {
    /// An article of an event. Title, source and link are there for the articles a digest reads
    /// or lists as the first of their source; the lead only for those it reads.
    public struct Article: Sendable, Equatable {
        public var id: Int64
        public var eventID: Int64
        public var title: String?
        /// The source as the article gives it (or its source key when it gives none: the link's
        /// host, the feed folder or the file name).
        public var source: String?
        public var sourceKey: String?
        public var url: String?
        public var firstSeen: Double
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
    /// they copy). Only these come with their lead, title and link.
    public static func read(_ articles: [Article]) -> [Int] {
        var selection = Selection()
        return articles.indices.filter { selection.reads(articles[$0]) }
    }

    /// Picks the articles a digest reads from an event's articles in arrival order, one by one.
    public struct Selection {
        private var sources = Set<String>()
        private var event: Int64?

        public init() {}

        /// Whether `article` (the next of its event, or the first of the next event) is read.
        public mutating func reads(_ article: Article) -> Bool {
            if article.eventID != event {
                event = article.eventID
                sources.removeAll(keepingCapacity: true)
            }
            guard article.copyOf == nil, sources.count < DigestMaterial.articlesRead else { return false }
            return sources.insert((article.sourceKey ?? article.source ?? "").lowercased()).inserted
        }
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
    ///
    /// Large windows are read in two halves (by event id) on two connections at once; each half
    /// reads its events and their material in one transaction, so each event is consistent.
    public func digestMaterial(since: Double, until: Double) throws(StoreError) -> DigestMaterial {
        let window = "last_seen >= ? AND first_seen <= ?"
        do {
            let ids = try pool.read { db in
                try Int64.fetchAll(db, sql: "SELECT id FROM event WHERE \(window) ORDER BY id", arguments: [since, until])
            }
            let parts = ids.count >= 1000 ? 2 : 1
            let size = max(1, (ids.count + parts - 1) / parts)
            let ranges = stride(from: 0, to: ids.count, by: size).map { ids[$0]...ids[min(ids.count, $0 + size) - 1] }
            let results = ParallelSlots<Result<DigestMaterial, any Error>?>(count: ranges.count, empty: nil)
            DispatchQueue.concurrentPerform(iterations: ranges.count) { index in
                results.set(
                    index,
                    Result {
                        try pool.read { db in
                            let events = try Row.fetchAll(
                                db, sql: "SELECT * FROM event WHERE id BETWEEN ? AND ? AND \(window) ORDER BY id",
                                arguments: [ranges[index].lowerBound, ranges[index].upperBound, since, until]
                            ).map(Self.eventSummary)
                            return try Self.material(of: events, until: until, in: db)
                        }
                    })
            }
            var material = DigestMaterial(events: [], articles: [:], sources: [:], passages: [:])
            for part in try results.values.map({ try $0!.get() }) {
                material.events += part.events
                material.articles.merge(part.articles) { first, _ in first }
                material.sources.merge(part.sources) { first, _ in first }
                material.passages.merge(part.passages) { first, _ in first }
            }
            return material
        } catch {
            throw StoreError(operation: "read the material of a digest", path: path, underlying: error)
        }
    }

    /// The material of `events` (ordered by id), read in one transaction.
    static func material(of events: [EventSummary], until: Double, in db: Database) throws -> DigestMaterial {
        guard let first = events.first?.id, let last = events.last?.id else {
            return DigestMaterial(events: [], articles: [:], sources: [:], passages: [:])
        }
        let wanted = Set(events.map(\.id))
        var sources: [Int64: [EventSource]] = [:]
        var firstOfSource = Set<Int64>()
        let sourceRows = try Row.fetchCursor(
            db,
            sql: "SELECT event_id, source, first_article_id, first_seen FROM event_source WHERE event_id BETWEEN ? AND ? ORDER BY event_id, first_seen, first_article_id",
            arguments: [first, last])
        while let row = try sourceRows.next() {
            let event: Int64 = row[0]
            guard wanted.contains(event) else { continue }
            let source = EventSource(source: row[1], firstArticleID: row[2], firstSeen: row[3])
            sources[event, default: []].append(source)
            firstOfSource.insert(source.firstArticleID)
        }
        // Every article's times and copy link; titles, sources and links only of those a
        // digest reads or lists (each value decoded costs more than reading the row).
        var articles: [Int64: [DigestMaterial.Article]] = [:]
        articles.reserveCapacity(events.count)
        var reads: [Int64: (event: Int64, index: Int)] = [:]
        var selection = DigestMaterial.Selection()
        // Shown articles without a source are named by their source key (the link's host,
        // the feed folder or the file name); the oldest have none and their file's name.
        var unnamed: [Int64: (event: Int64, index: Int)] = [:]
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT a.id, a.event_id, a.first_seen, coalesce(a.duplicate_of, a.near_duplicate_of) AS copy_of,
                           a.source_key, a.title, a.source, a.url
                    FROM article a INDEXED BY article_digest
                    WHERE a.event_id BETWEEN ? AND ? AND a.first_seen <= ? ORDER BY a.event_id, a.first_seen, a.id
                    """),
            arguments: [first, last, until])
        while let row = try rows.next() {
            let event: Int64 = row[1]
            guard wanted.contains(event) else { continue }
            let id: Int64 = row[0]
            var article = DigestMaterial.Article(
                id: id, eventID: event, title: nil, source: nil, sourceKey: nil, url: nil, firstSeen: row[2], copyOf: row[3],
                lead: "")
            var isRead = false
            if article.copyOf == nil {
                article.sourceKey = row[4]
                isRead = selection.reads(article)
            }
            let position = (event, articles[event]?.count ?? 0)
            if isRead || firstOfSource.contains(id) {
                article.title = row[5]
                article.source = row[6] ?? article.sourceKey ?? row[4]
                article.url = row[7]
                if article.source == nil { unnamed[id] = position }
            }
            if isRead { reads[id] = position }
            articles[event, default: []].append(article)
        }
        for (id, name) in try Self.firstFileNames(of: unnamed.keys.sorted(), in: db) {
            if let position = unnamed[id] { articles[position.event]![position.index].source = name }
        }
        // Leads of the articles a digest reads, by id (older articles without one: the
        // beginning of their body).
        let ids = reads.keys.sorted()
        var found = Set<Int64>()
        try forEachRow(of: ids, in: db, { "SELECT article_id, lead FROM article_lead WHERE article_id IN (\($0))" }) { row in
            let id: Int64 = row[0]
            guard let position = reads[id] else { return }
            articles[position.event]![position.index].lead = row[1]
            found.insert(id)
        }
        let missing = ids.filter { !found.contains($0) }
        try forEachRow(
            of: missing, in: db, { "SELECT id, substr(body, 1, ?) FROM article WHERE id IN (\($0))" }, leading: [Self.leadCharacters]
        ) { row in
            if let position = reads[row[0]] { articles[position.event]![position.index].lead = row[1] ?? "" }
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
}

extension Store {
    /// The name of each article's first file, in chunks of ids.
    static func firstFileNames(of ids: [Int64], in db: Database) throws -> [Int64: String] {
        var names: [Int64: String] = [:]
        try forEachRow(of: ids, in: db, { "SELECT article_id, original_name FROM ingested_file WHERE article_id IN (\($0)) ORDER BY id" }) {
            row in
            let id: Int64 = row[0]
            if names[id] == nil { names[id] = row[1] }
        }
        return names
    }

    /// Calls `body` with each row of the query `sql` makes of a list of `?` marks, for `ids` in
    /// chunks of 500 (after the `leading` arguments).
    static func forEachRow(
        of ids: [Int64], in db: Database, _ sql: (String) -> String, leading: [any DatabaseValueConvertible] = [],
        _ body: (Row) throws -> Void
    ) throws {
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = ids[start..<min(ids.count, start + 500)]
            let rows = try Row.fetchCursor(
                db, sql: sql(Array(repeating: "?", count: chunk.count).joined(separator: ",")),
                arguments: StatementArguments(leading + chunk.map { $0 as any DatabaseValueConvertible }))
            while let row = try rows.next() { try body(row) }
        }
    }

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
