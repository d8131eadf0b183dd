import Foundation
import GRDB
import WirewatchCore

/// Filters and a page for listing events.
public struct EventQuery: Sendable, Equatable {
    /// Events active at or after this time (last seen), seconds since 1970.
    public var since: Double?
    /// Events that began at or before this time (first seen).
    public var until: Double?
    /// Words that the title or the top names contain, each (case-insensitive).
    public var text: String?
    /// At least this many distinct sources.
    public var minimumSources: Int
    public var limit: Int
    public var offset: Int

    public init(since: Double? = nil, until: Double? = nil, text: String? = nil, minimumSources: Int = 0, limit: Int = 50, offset: Int = 0) {
        self.since = since
        self.until = until
        self.text = text
        self.minimumSources = minimumSources
        self.limit = limit
        self.offset = offset
    }
}

/// Filters and a page for listing articles.
public struct ArticleQuery: Sendable, Equatable {
    /// Articles that arrived at or after this time, seconds since 1970.
    public var since: Double?
    /// ... and at or before this time.
    public var until: Double?
    /// Words the title contains, each (case-insensitive).
    public var text: String?
    /// Articles of this event only.
    public var eventID: Int64?
    public var limit: Int
    public var offset: Int

    public init(since: Double? = nil, until: Double? = nil, text: String? = nil, eventID: Int64? = nil, limit: Int = 50, offset: Int = 0) {
        self.since = since
        self.until = until
        self.text = text
        self.eventID = eventID
        self.limit = limit
        self.offset = offset
    }
}

/// One page of a listing, and how many items match in all.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int
}

/// An article as listed: what a table row shows.
public struct ArticleListing: Sendable, Equatable {
    public var id: Int64
    public var title: String?
    public var source: String?
    public var published: String?
    public var language: String?
    public var firstSeen: Double
    public var decision: DedupDecision.Kind?
    public var eventID: Int64?
    public var duplicateOf: Int64?
    public var nearDuplicateOf: Int64?
    /// The name of the first file with this article.
    public var fileName: String?

    public init(
        id: Int64, title: String?, source: String?, published: String?, language: String?, firstSeen: Double,
        decision: DedupDecision.Kind?, eventID: Int64?, duplicateOf: Int64?, nearDuplicateOf: Int64?, fileName: String?
    ) {
        self.id = id
        self.title = title
        self.source = source
        self.published = published
        self.language = language
        self.firstSeen = firstSeen
        self.decision = decision
        self.eventID = eventID
        self.duplicateOf = duplicateOf
        self.nearDuplicateOf = nearDuplicateOf
        self.fileName = fileName
    }
}

extension Store {
    /// Events matching the query, most recently active first.
    public func events(matching query: EventQuery) throws(StoreError) -> Page<EventSummary> {
        var filter = Filter()
        filter.add("last_seen >= ?", ifPresent: query.since)
        filter.add("first_seen <= ?", ifPresent: query.until)
        filter.add("source_count >= ?", ifPresent: query.minimumSources > 0 ? query.minimumSources : nil)
        for word in Self.words(query.text) { filter.add("(title LIKE ? ESCAPE '\\' OR top_names LIKE ? ESCAPE '\\')", word, word) }
        let (condition, arguments) = (filter.sql, filter.arguments)
        do {
            return try pool.read { db in
                let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM event WHERE \(condition)", arguments: StatementArguments(arguments)) ?? 0
                let items = try Row.fetchAll(
                    db, sql: "SELECT * FROM event WHERE \(condition) ORDER BY last_seen DESC, id DESC LIMIT ? OFFSET ?",
                    arguments: StatementArguments(arguments + [query.limit, query.offset])
                ).map(Self.eventSummary)
                return Page(items: items, total: total)
            }
        } catch {
            throw StoreError(operation: "list events", path: path, underlying: error)
        }
    }

    /// Articles matching the query, newest first.
    public func articles(matching query: ArticleQuery) throws(StoreError) -> Page<ArticleListing> {
        var filter = Filter()
        filter.add("a.first_seen >= ?", ifPresent: query.since)
        filter.add("a.first_seen <= ?", ifPresent: query.until)
        filter.add("a.event_id = ?", ifPresent: query.eventID)
        for word in Self.words(query.text) { filter.add("a.title LIKE ? ESCAPE '\\'", word) }
        let (condition, arguments) = (filter.sql, filter.arguments)
        do {
            return try pool.read { db in
                let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM article a WHERE \(condition)", arguments: StatementArguments(arguments)) ?? 0
                let items = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT a.id, a.title, a.source, a.published, a.language, a.first_seen, a.decision, a.event_id,
                               a.duplicate_of, a.near_duplicate_of,
                               (SELECT original_name FROM ingested_file f WHERE f.article_id = a.id ORDER BY f.id LIMIT 1) AS file_name
                        FROM article a WHERE \(condition) ORDER BY a.first_seen DESC, a.id DESC LIMIT ? OFFSET ?
                        """,
                    arguments: StatementArguments(arguments + [query.limit, query.offset])
                ).map { row in
                    ArticleListing(
                        id: row["id"], title: row["title"], source: row["source"], published: row["published"],
                        language: row["language"], firstSeen: row["first_seen"],
                        decision: (row["decision"] as String?).flatMap(DedupDecision.Kind.init(rawValue:)),
                        eventID: row["event_id"], duplicateOf: row["duplicate_of"], nearDuplicateOf: row["near_duplicate_of"],
                        fileName: row["file_name"])
                }
                return Page(items: items, total: total)
            }
        } catch {
            throw StoreError(operation: "list articles", path: path, underlying: error)
        }
    }

    /// A `WHERE` clause built from optional conditions, each with its arguments.
    struct Filter {
        private var conditions: [String] = []
        private(set) var arguments: [any DatabaseValueConvertible] = []

        /// Adds `condition` when `value` is there.
        mutating func add(_ condition: String, ifPresent value: (any DatabaseValueConvertible)?) {
            guard let value else { return }
            add(condition, value)
        }

        mutating func add(_ condition: String, _ values: any DatabaseValueConvertible...) {
            conditions.append(condition)
            arguments += values
        }

        var sql: String { conditions.isEmpty ? "1" : conditions.joined(separator: " AND ") }
    }

    /// The `LIKE` patterns of a free-text query: one per word, `%` and `_` taken literally.
    static func words(_ text: String?) -> [String] {
        guard let text else { return [] }
        return text.split(whereSeparator: \.isWhitespace).prefix(8).map { word in
            var escaped = ""
            for character in word {
                if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
                escaped.append(character)
            }
            return "%" + escaped + "%"
        }
    }
}
