import Foundation
import GRDB
import WirewatchCore

/// The sinks an alert goes to, as bits of the `pending` column (a delivered sink clears its bit).
public struct AlertSinks: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let jsonl = AlertSinks(rawValue: 1)
    public static let journal = AlertSinks(rawValue: 2)
    public static let exec = AlertSinks(rawValue: 4)
    public static let webhook = AlertSinks(rawValue: 8)
    public static let all: [AlertSinks] = [.jsonl, .journal, .exec, .webhook]

    public var name: String {
        switch self {
        case .jsonl: "jsonl"
        case .journal: "journal"
        case .exec: "exec"
        case .webhook: "webhook"
        default: "sinks(\(rawValue))"
        }
    }
}

/// The alert engine and the sinks configured when a batch is recorded.
public struct AlertJudge {
    public var engine: AlertEngine
    public var sinks: AlertSinks

    public init(engine: AlertEngine, sinks: AlertSinks) {
        self.engine = engine
        self.sinks = sinks
    }
}

/// An alert as the store keeps it.
public struct StoredAlert: Sendable, Equatable {
    public var id: Int64
    public var rule: String
    public var kind: String
    public var reason: String
    /// 0 for none.
    public var eventID: Int64
    public var articleID: Int64?
    public var firedAt: Double
    public var priority: Int
    public var deferred: Bool
    public var message: String
    /// The alert as JSON (schema `wirewatch-alert/1`).
    public var payload: String
    /// Sinks that have not taken it yet.
    public var pending: AlertSinks
    /// When a digest listed it (alerts held by quiet hours).
    public var digestedAt: Double?

    /// An alert just recorded, going to `pending`.
    public init(_ alert: Alert, pending: AlertSinks) {
        self.init(
            id: alert.id, rule: alert.rule, kind: alert.kind, reason: alert.reason, eventID: alert.eventID, articleID: alert.articleID,
            firedAt: alert.firedAt, priority: alert.priority, deferred: alert.deferred, message: alert.message, payload: alert.json,
            pending: pending, digestedAt: nil)
    }

    public init(
        id: Int64, rule: String, kind: String, reason: String, eventID: Int64, articleID: Int64?, firedAt: Double, priority: Int,
        deferred: Bool, message: String, payload: String, pending: AlertSinks, digestedAt: Double?
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
        self.message = message
        self.payload = payload
        self.pending = pending
        self.digestedAt = digestedAt
    }
}

/// Filters and a page for listing alerts.
public struct AlertQuery: Sendable, Equatable {
    public var since: Double?
    public var until: Double?
    public var rule: String?
    public var eventID: Int64?
    public var limit: Int
    public var offset: Int

    public init(since: Double? = nil, until: Double? = nil, rule: String? = nil, eventID: Int64? = nil, limit: Int = 50, offset: Int = 0) {
        self.since = since
        self.until = until
        self.rule = rule
        self.eventID = eventID
        self.limit = limit
        self.offset = offset
    }
}

/// What fired before, read inside the transaction that records a batch.
private struct DatabaseAlertHistory: AlertHistory {
    let db: Database

    func lastFired(rule: String, eventID: Int64) -> Double? {
        try? Double.fetchOne(
            db.cachedStatement(sql: "SELECT MAX(fired_at) FROM alert WHERE rule = ? AND event_id = ?"), arguments: [rule, eventID])
    }

    func hasFired(rule: String, eventID: Int64, reason: String) -> Bool {
        ((try? Int.fetchOne(
            db.cachedStatement(sql: "SELECT 1 FROM alert WHERE rule = ? AND event_id = ? AND reason = ?"),
            arguments: [rule, eventID, reason])) ?? nil) != nil
    }

    func hasFired(anyOf rules: [String], eventID: Int64) -> Bool {
        rules.contains { rule in
            ((try? Int.fetchOne(
                db.cachedStatement(sql: "SELECT 1 FROM alert WHERE rule = ? AND event_id = ? LIMIT 1"), arguments: [rule, eventID]))
                ?? nil) != nil
        }
    }
}

extension Store {
    /// Runs the alert rules on one decided article and records what fires (in the batch's transaction).
    static func judge(_ decision: DedupDecision, of file: AcceptedFile, with judge: AlertJudge, in db: Database) throws -> [StoredAlert] {
        let article = file.article
        var observation = AlertObservation(
            decision: decision, title: article?.title, source: article?.source, url: article?.url,
            language: article?.language, text: file.alertText == nil ? article.map(AlertObservation.text(of:)) ?? "" : "",
            time: file.arrivedAt, decidedAt: file.processedAt)
        observation.prepared = file.alertText
        var recorded: [StoredAlert] = []
        for var alert in judge.engine.judge(observation, history: DatabaseAlertHistory(db: db)) {
            // Held alerts go to no sink: the next digest lists them.
            let pending: AlertSinks = alert.deferred ? [] : judge.sinks
            try db.cachedStatement(
                sql: """
                    INSERT OR IGNORE INTO alert (rule, kind, reason, event_id, article_id, fired_at, priority, deferred,
                        message, payload, pending)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?)
                    """
            ).execute(arguments: [
                alert.rule, alert.kind, alert.reason, alert.eventID, alert.articleID, alert.firedAt, alert.priority,
                alert.deferred, alert.message, pending.rawValue,
            ])
            guard db.changesCount > 0 else { continue }
            alert.id = db.lastInsertedRowID
            let stored = StoredAlert(alert, pending: pending)
            try db.cachedStatement(sql: "UPDATE alert SET payload = ? WHERE id = ?").execute(arguments: [stored.payload, alert.id])
            recorded.append(stored)
        }
        return recorded
    }

    static func saveSpikes(_ spikes: [String: SpikeCounter], in db: Database) throws {
        let encoder = JSONEncoder()
        for (rule, counter) in spikes {
            let data = String(decoding: try encoder.encode(counter), as: UTF8.self)
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO alert_state (rule, data) VALUES (?, ?)").execute(arguments: [rule, data])
        }
    }

    /// The saved spike counters, by rule (unreadable ones are left out and start again).
    public func spikeCounters() throws(StoreError) -> [String: SpikeCounter] {
        do {
            return try pool.read { db in
                let decoder = JSONDecoder()
                var counters: [String: SpikeCounter] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT rule, data FROM alert_state") {
                    let data: String = row["data"]
                    if let counter = try? decoder.decode(SpikeCounter.self, from: Data(data.utf8)) { counters[row["rule"]] = counter }
                }
                return counters
            }
        } catch {
            throw StoreError(operation: "read the spike counters", path: path, underlying: error)
        }
    }

    /// Alerts some sink has not taken yet, oldest first.
    public func pendingAlerts(limit: Int = 1000) throws(StoreError) -> [StoredAlert] {
        do {
            return try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM alert WHERE pending != 0 ORDER BY id LIMIT ?", arguments: [limit])
                    .map(Self.storedAlert)
            }
        } catch {
            throw StoreError(operation: "read the alerts waiting for delivery", path: path, underlying: error)
        }
    }

    /// Notes that `sink` took these alerts (or gave up on them), in one transaction.
    public func markDelivered(_ ids: [Int64], to sink: AlertSinks) throws(StoreError) {
        guard !ids.isEmpty else { return }
        do {
            try pool.write { db in
                let statement = try db.cachedStatement(sql: "UPDATE alert SET pending = pending & ~? WHERE id = ?")
                for id in ids { try statement.execute(arguments: [sink.rawValue, id]) }
            }
        } catch {
            throw StoreError(operation: "note the delivery of \(ids.count) alerts", path: path, underlying: error)
        }
    }

    /// Alerts matching the query, newest first.
    public func alerts(matching query: AlertQuery) throws(StoreError) -> Page<StoredAlert> {
        var filter = Filter()
        filter.add("fired_at >= ?", ifPresent: query.since)
        filter.add("fired_at <= ?", ifPresent: query.until)
        filter.add("rule = ?", ifPresent: query.rule)
        filter.add("event_id = ?", ifPresent: query.eventID)
        let (condition, arguments) = (filter.sql, filter.arguments)
        do {
            return try pool.read { db in
                let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM alert WHERE \(condition)", arguments: StatementArguments(arguments)) ?? 0
                let items = try Row.fetchAll(
                    db, sql: "SELECT * FROM alert WHERE \(condition) ORDER BY fired_at DESC, id DESC LIMIT ? OFFSET ?",
                    arguments: StatementArguments(arguments + [query.limit, query.offset])
                ).map(Self.storedAlert)
                return Page(items: items, total: total)
            }
        } catch {
            throw StoreError(operation: "list alerts", path: path, underlying: error)
        }
    }

    /// Alerts held by quiet hours that no digest has listed yet, fired before `until`, oldest first.
    public func heldAlerts(until: Double) throws(StoreError) -> [StoredAlert] {
        do {
            return try pool.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT * FROM alert WHERE deferred = 1 AND digested_at IS NULL AND fired_at <= ? ORDER BY fired_at, id",
                    arguments: [until]
                ).map(Self.storedAlert)
            }
        } catch {
            throw StoreError(operation: "read the alerts held for the digest", path: path, underlying: error)
        }
    }

    /// Notes that a digest written at `time` listed these held alerts.
    public func markDigested(_ ids: [Int64], at time: Double) throws(StoreError) {
        guard !ids.isEmpty else { return }
        do {
            try pool.write { db in
                for id in ids {
                    try db.execute(sql: "UPDATE alert SET digested_at = ? WHERE id = ?", arguments: [time, id])
                }
            }
        } catch {
            throw StoreError(operation: "note the held alerts a digest listed", path: path, underlying: error)
        }
    }

    static func storedAlert(_ row: Row) -> StoredAlert {
        StoredAlert(
            id: row["id"], rule: row["rule"], kind: row["kind"], reason: row["reason"], eventID: row["event_id"],
            articleID: row["article_id"], firedAt: row["fired_at"], priority: row["priority"], deferred: row["deferred"],
            message: row["message"], payload: row["payload"], pending: AlertSinks(rawValue: row["pending"]),
            digestedAt: row["digested_at"])
    }
}
