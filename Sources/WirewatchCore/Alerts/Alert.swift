import Foundation

/// One alert: which rule fired, for which event, why, and what to tell people.
public struct Alert: Sendable, Equatable {
    /// Set by the store when the alert is recorded.
    public var id: Int64
    public var rule: String
    /// The rule's kind (`watchlist`, `new`, `breaking`, `growth`, `spike`).
    public var kind: String
    /// What about the event fired the rule; a rule fires at most once per event and reason
    /// (`match`, `new`, `breaking`, `source:dpa`, `spike:<window>`).
    public var reason: String
    /// 0 for alerts about no single event (a spike).
    public var eventID: Int64
    /// The article that set it off.
    public var articleID: Int64?
    public var firedAt: Double
    /// syslog priority, 0 (emerg) to 7 (debug).
    public var priority: Int
    /// Held by quiet hours for the next digest instead of being sent.
    public var deferred: Bool
    /// The configured terms the article matched.
    public var matched: [String]
    /// One line for people.
    public var message: String
    /// The event as it stood when the rule fired.
    public var event: EventSummary?
    public var articleTitle: String?
    public var articleSource: String?
    public var articleURL: String?

    public init(
        id: Int64 = 0, rule: String, kind: String, reason: String, eventID: Int64, articleID: Int64?, firedAt: Double,
        priority: Int, deferred: Bool, matched: [String], message: String, event: EventSummary?,
        articleTitle: String? = nil, articleSource: String? = nil, articleURL: String? = nil
    ) {
        self.id = id
        self.rule = rule
        self.kind = kind
        self.reason = reason
        self.eventID = eventID
        self.articleID = articleID
        self.firedAt = firedAt
        self.priority = priority
        self.deferred = deferred
        self.matched = matched
        self.message = message
        self.event = event
        self.articleTitle = articleTitle
        self.articleSource = articleSource
        self.articleURL = articleURL
    }

    /// The alert as one line of JSON (schema `wirewatch-alert/1`), as written to `alerts.jsonl`,
    /// given to exec hooks and posted to webhooks.
    public var json: String {
        let payload = Payload(
            schema: "wirewatch-alert/1", id: id, rule: rule, kind: kind, reason: reason, priority: priority,
            firedAt: UTCTime.iso8601(firedAt), held: deferred, message: message, matched: matched,
            event: event.map { event in
                Payload.Event(
                    id: event.id, title: event.title, firstSeen: UTCTime.iso8601(event.firstSeen),
                    lastSeen: UTCTime.iso8601(event.lastSeen), articles: event.articleCount, sources: event.sourceCount,
                    names: event.topNames)
            },
            article: articleID.map { Payload.Article(id: $0, title: articleTitle, source: articleSource, url: articleURL) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(payload) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    private struct Payload: Encodable {
        struct Event: Encodable {
            var id: Int64
            var title: String?
            var firstSeen: String
            var lastSeen: String
            var articles: Int
            var sources: Int
            var names: [String]

            enum CodingKeys: String, CodingKey {
                case id, title, articles, sources, names
                case firstSeen = "first_seen"
                case lastSeen = "last_seen"
            }
        }

        struct Article: Encodable {
            var id: Int64
            var title: String?
            var source: String?
            var url: String?
        }

        var schema: String
        var id: Int64
        var rule: String
        var kind: String
        var reason: String
        var priority: Int
        var firedAt: String
        var held: Bool
        var message: String
        var matched: [String]
        var event: Event?
        var article: Article?

        enum CodingKeys: String, CodingKey {
            case schema, id, rule, kind, reason, priority, held, message, matched, event, article
            case firedAt = "fired_at"
        }
    }
}

/// What an article brought, as the alert engine sees it.
public struct AlertObservation: Sendable {
    public var decision: DedupDecision
    public var title: String?
    /// The source as the store keys it (distinct sources are counted on this).
    public var source: String?
    public var url: String?
    public var language: String?
    /// Title and body.
    public var text: String
    /// Arrival time (seconds since 1970): what breaking news and spikes are counted on.
    public var time: Double
    /// When the article was decided (the wall clock): when an alert fires, what cool-downs and
    /// quiet hours go by. Later than `time` for files processed after a pause or a restart.
    public var decidedAt: Double
    /// The text already prepared for the rules' terms (on a parsing thread), if it was.
    public var prepared: TermMatcher.Text?

    /// What alert terms are matched in: the title, then the body.
    public static func text(of article: Article) -> String {
        (article.title ?? "") + "\n\n" + article.body
    }

    public init(
        decision: DedupDecision, title: String?, source: String?, url: String?, language: String?, text: String, time: Double,
        decidedAt: Double? = nil
    ) {
        self.decision = decision
        self.title = title
        self.source = source
        self.url = url
        self.language = language
        self.text = text
        self.time = time
        self.decidedAt = decidedAt ?? time
    }
}

/// What has fired before, as the store remembers it (across restarts).
public protocol AlertHistory {
    /// When `rule` last fired for `eventID` (0: for no single event), or nil.
    func lastFired(rule: String, eventID: Int64) -> Double?
    /// Whether `rule` fired for `eventID` with `reason`.
    func hasFired(rule: String, eventID: Int64, reason: String) -> Bool
    /// Whether any of `rules` fired for `eventID`.
    func hasFired(anyOf rules: [String], eventID: Int64) -> Bool
}
