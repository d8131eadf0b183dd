import Foundation
import WirewatchControl
import WirewatchCore
import WirewatchStore

/// The read methods of `io.wirewatch` over the store: parameters checked (a bad one is an
/// `InvalidParameter` error naming it), results as the interface's types.
struct ControlQueries {
    let store: Store

    /// A typed Varlink error to answer with.
    struct Failure: Error {
        var reply: VarlinkReply

        static func invalid(_ parameter: String, _ reason: String) -> Failure {
            Failure(
                reply: .failure(
                    WirewatchInterface.Error.invalidParameter,
                    .object(["parameter": .string(parameter), "reason": .string(reason)])))
        }

        static func notFound(_ kind: String, _ id: String) -> Failure {
            Failure(reply: .failure(WirewatchInterface.Error.notFound, .object(["kind": .string(kind), "id": .string(id)])))
        }

        static func store(_ error: any Error) -> Failure {
            Failure(reply: .failure(WirewatchInterface.Error.internalError, .object(["reason": .string("\(error)")])))
        }
    }

    static let defaultLimit = 50
    static let maximumLimit = 1000

    func listEvents(_ parameters: JSONValue) throws(Failure) -> VarlinkReply {
        let window = try Window(parameters)
        var query = EventQuery(since: window.since, until: window.until, limit: window.limit, offset: window.offset)
        query.text = try Self.text(parameters, "query")
        query.minimumSources = try Self.integer(parameters, "min_sources", minimum: 0) ?? 0
        let page: Page<EventSummary>
        do { page = try store.events(matching: query) } catch { throw .store(error) }
        return VarlinkReply(parameters: .object(["events": .array(page.items.map(Self.event)), "total": .number(Double(page.total))]))
    }

    func getEvent(_ parameters: JSONValue) throws(Failure) -> VarlinkReply {
        guard let id = try Self.integer(parameters, "id", minimum: 1) else { throw .invalid("id", "an event id is required") }
        return try reading {
            guard let event = try store.event(id: Int64(id)) else { throw Failure.notFound("event", String(id)) }
            let sources = try store.sources(ofEvent: event.id)
            let articles = try store.articles(matching: ArticleQuery(eventID: event.id, limit: Self.maximumLimit))
            return VarlinkReply(
                parameters: .object([
                    "event": Self.event(event),
                    "sources": .array(
                        sources.map {
                            .object([
                                "source": .string($0.source), "first_seen": .string(Clock.iso8601($0.firstSeen)),
                                "article_id": .number(Double($0.firstArticleID)),
                            ])
                        }),
                    // Oldest first, as an event's story unfolds.
                    "articles": .array(articles.items.reversed().map(Self.article)),
                ]))
        }
    }

    func listArticles(_ parameters: JSONValue) throws(Failure) -> VarlinkReply {
        let window = try Window(parameters)
        var query = ArticleQuery(since: window.since, until: window.until, limit: window.limit, offset: window.offset)
        query.text = try Self.text(parameters, "query")
        query.eventID = try Self.integer(parameters, "event_id", minimum: 1).map(Int64.init)
        let page: Page<ArticleListing>
        do { page = try store.articles(matching: query) } catch { throw .store(error) }
        return VarlinkReply(parameters: .object(["articles": .array(page.items.map(Self.article)), "total": .number(Double(page.total))]))
    }

    func listAlerts(_ parameters: JSONValue) throws(Failure) -> VarlinkReply {
        let window = try Window(parameters)
        var query = AlertQuery(since: window.since, until: window.until, limit: window.limit, offset: window.offset)
        query.rule = try Self.text(parameters, "rule")
        query.eventID = try Self.integer(parameters, "event_id", minimum: 1).map(Int64.init)
        let page: Page<StoredAlert>
        do { page = try store.alerts(matching: query) } catch { throw .store(error) }
        return VarlinkReply(parameters: .object(["alerts": .array(page.items.map(Self.alert)), "total": .number(Double(page.total))]))
    }

    func getArticle(_ parameters: JSONValue) throws(Failure) -> VarlinkReply {
        guard let id = try Self.integer(parameters, "id", minimum: 1) else { throw .invalid("id", "an article id is required") }
        return try reading {
            guard let stored = try store.article(id: Int64(id)) else { throw Failure.notFound("article", String(id)) }
            let decision = try store.decision(ofArticle: Int64(id))
            let fileName = try store.fileName(ofArticle: Int64(id))
            let listing = ArticleListing(
                id: stored.id, title: stored.title, source: stored.source, published: stored.published,
                language: stored.language, firstSeen: stored.firstSeen, decision: stored.decision, eventID: stored.eventID,
                duplicateOf: stored.duplicateOf, nearDuplicateOf: stored.nearDuplicateOf, fileName: fileName)
            var body = stored.body
            if body == nil { body = try store.articleText(id: Int64(id)) }
            return VarlinkReply(
                parameters: .object([
                    "article": .object([
                        "article": Self.article(listing),
                        "author": Self.optional(stored.author), "url": Self.optional(stored.url),
                        "format": Self.optional(stored.format), "body": Self.optional(body),
                        "shared_passages": .array(
                            (decision?.sharedPassages ?? []).map {
                                .object(["text": .string($0.text), "article_id": .number(Double($0.otherArticleID))])
                            }),
                        "evidence": Self.optional(decision?.evidenceJSON),
                    ])
                ]))
        }
    }

    func explain(_ parameters: JSONValue, configuration: DedupConfiguration) throws(Failure) -> VarlinkReply {
        var sides: [Explanation.Resolved] = []
        for name in ["a", "b"] {
            guard let id = try Self.integer(parameters, name, minimum: 1) else { throw .invalid(name, "an article id is required") }
            let stored: (article: Article, fileName: String, arrival: Double)?
            do { stored = try store.storedArticle(id: Int64(id)) } catch { throw .store(error) }
            guard let stored else { throw .notFound("article", String(id)) }
            sides.append(Explanation.Resolved(label: stored.fileName, id: Int64(id), article: stored.article))
        }
        do {
            let explanation = try Explanation(sides[0], sides[1], store: store, configuration: configuration, analyzer: ArticleAnalyzer())
            return VarlinkReply(parameters: .object(["explanation": explanation.json]))
        } catch {
            throw .store(error)
        }
    }

    /// Runs store reads: a ``Failure`` thrown inside stays as it is, any other error becomes an
    /// `InternalError`.
    private func reading(_ body: () throws -> VarlinkReply) throws(Failure) -> VarlinkReply {
        do {
            return try body()
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .store(error)
        }
    }

    // MARK: Encoding

    static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    static func optional(_ number: Int64?) -> JSONValue { number.map { .number(Double($0)) } ?? .null }

    static func event(_ event: EventSummary) -> JSONValue {
        var published: JSONValue = .null
        if let span = event.published {
            let start = Clock.utcDate(span.start)
            let end = Clock.utcDate(span.end)
            published = .string(start == end ? start : "\(start)/\(end)")
        }
        return .object([
            "id": .number(Double(event.id)), "title": optional(event.title),
            "first_seen": .string(Clock.iso8601(event.firstSeen)), "last_seen": .string(Clock.iso8601(event.lastSeen)),
            "published": published, "articles": .number(Double(event.articleCount)),
            "sources": .number(Double(event.sourceCount)), "top_names": .array(event.topNames.map(JSONValue.string)),
        ])
    }

    static func article(_ article: ArticleListing) -> JSONValue {
        .object([
            "id": .number(Double(article.id)), "title": optional(article.title), "source": optional(article.source),
            "published": optional(article.published), "language": optional(article.language),
            "first_seen": .string(Clock.iso8601(article.firstSeen)), "decision": optional(article.decision?.rawValue),
            "event_id": optional(article.eventID), "duplicate_of": optional(article.duplicateOf),
            "near_duplicate_of": optional(article.nearDuplicateOf), "file": optional(article.fileName),
        ])
    }

    static func alert(_ alert: StoredAlert) -> JSONValue {
        .object([
            "id": .number(Double(alert.id)), "rule": .string(alert.rule), "kind": .string(alert.kind),
            "reason": .string(alert.reason), "event_id": alert.eventID == 0 ? .null : .number(Double(alert.eventID)),
            "article_id": optional(alert.articleID), "fired_at": .string(Clock.iso8601(alert.firedAt)),
            "priority": .number(Double(alert.priority)), "held": .bool(alert.deferred), "message": .string(alert.message),
            "pending": .array(AlertSinks.all.filter { alert.pending.contains($0) }.map { .string($0.name) }),
            "payload": .string(alert.payload),
        ])
    }

    // MARK: Parameters

    /// The time span and page every list method takes: `since`, `until`, `limit`, `offset`.
    struct Window {
        var since: Double?
        var until: Double?
        var limit: Int
        var offset: Int

        init(_ parameters: JSONValue) throws(Failure) {
            since = try ControlQueries.time(parameters, "since")
            until = try ControlQueries.time(parameters, "until")
            limit = try ControlQueries.integer(parameters, "limit", minimum: 1, maximum: ControlQueries.maximumLimit) ?? ControlQueries.defaultLimit
            offset = try ControlQueries.integer(parameters, "offset", minimum: 0) ?? 0
        }
    }

    static func integer(_ parameters: JSONValue, _ name: String, minimum: Int, maximum: Int = Int.max) throws(Failure) -> Int? {
        guard let value = parameters[name], value != .null else { return nil }
        guard let number = value.intValue else { throw .invalid(name, "must be an integer") }
        guard number >= minimum, number <= maximum else {
            throw .invalid(name, maximum == Int.max ? "must be at least \(minimum)" : "must be between \(minimum) and \(maximum)")
        }
        return number
    }

    static func text(_ parameters: JSONValue, _ name: String) throws(Failure) -> String? {
        guard let value = parameters[name], value != .null else { return nil }
        guard let text = value.stringValue else { throw .invalid(name, "must be a string") }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count <= 500 else { throw .invalid(name, "is longer than 500 bytes") }
        return trimmed.isEmpty ? nil : trimmed
    }

    static func time(_ parameters: JSONValue, _ name: String) throws(Failure) -> Double? {
        guard let text = try text(parameters, name) else { return nil }
        guard let seconds = parseTime(text) else {
            throw .invalid(name, "must be an ISO 8601 time such as 2024-06-18 or 2024-06-18T12:00:00Z, not '\(text)'")
        }
        return seconds
    }

    /// An ISO 8601 date (midnight UTC) or date and time (UTC unless it carries an offset).
    static func parseTime(_ text: String) -> Double? {
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        let dateOnly = ISO8601DateFormatter()
        dateOnly.formatOptions = [.withFullDate]
        for formatter in [plain, withFraction, dateOnly] {
            if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        }
        // A time without a zone is UTC.
        if !text.hasSuffix("Z"), text.contains("T"), !text.dropFirst(10).contains("+"), !text.dropFirst(10).contains("-") {
            return parseTime(text + "Z")
        }
        return nil
    }
}
