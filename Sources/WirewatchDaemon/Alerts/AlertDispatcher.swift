#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import WirewatchStore

/// Takes recorded alerts to their sinks, each sink on a thread of its own so that a slow hook or
/// webhook never holds up the others or ingestion (which only appends to a queue).
///
/// Every alert is in the store before it reaches a sink, with a bit per sink that has not taken
/// it; a delivered alert clears its bit. Whatever was not delivered when the daemon stopped is sent
/// at the next start, so an alert reaches each sink at least once.
final class AlertDispatcher: @unchecked Sendable {
    private let store: Store
    private let alertsPath: String
    private let settings: @Sendable () -> DaemonConfiguration.AlertSettings
    private let logger: Logger
    private var workers: [AlertSinks: SinkWorker] = [:]
    /// Whether journald listens; without it the journal sink writes to the log instead.
    private let journalAvailable: Bool

    init(
        store: Store, alertsPath: String, settings: @escaping @Sendable () -> DaemonConfiguration.AlertSettings, logger: Logger,
        journalAvailable: Bool = FileSystem.exists("/run/systemd/journal/socket")
    ) {
        self.store = store
        self.alertsPath = alertsPath
        self.settings = settings
        self.logger = logger
        self.journalAvailable = journalAvailable
        for sink in AlertSinks.all {
            // The file and the journal take what is queued at once (one fsync for many alerts).
            let batch = sink == .jsonl || sink == .journal ? 256 : 1
            workers[sink] = SinkWorker(sink: sink, logger: logger, store: store, batchLimit: batch) { [self] alerts throws(SinkFailure) in
                try deliver(alerts, to: sink)
            } retries: { [settings] in
                let current = settings()
                return switch sink {
                case .exec: current.exec?.retries ?? 0
                case .webhook: current.webhook?.retries ?? 0
                default: Int.max  // the file and the journal: until they work again
                }
            }
        }
    }

    /// The sinks an alert recorded now goes to.
    static func sinks(_ settings: DaemonConfiguration.AlertSettings) -> AlertSinks {
        var sinks: AlertSinks = []
        if settings.jsonl { sinks.insert(.jsonl) }
        if settings.journal { sinks.insert(.journal) }
        if settings.exec != nil { sinks.insert(.exec) }
        if settings.webhook != nil { sinks.insert(.webhook) }
        return sinks
    }

    /// Starts the sink threads with what the store still has to deliver.
    func start() -> [ThreadRunner] {
        if let webhook = settings().webhook, let problem = Self.networkProblem() {
            logger.error(
                "alerts.webhook cannot reach \(webhook.url): \(problem). The shipped wirewatch.service denies network access; allow it with a drop-in (see README, Alerts)",
                metadata: ["event": "webhook-no-network"])
        }
        do {
            let pending = try store.pendingAlerts(limit: 100_000)
            if !pending.isEmpty {
                logger.info("delivering alerts left over from the last run", metadata: ["count": "\(pending.count)"])
            }
            submit(pending)
        } catch {
            logger.error("cannot read the alerts waiting for delivery; they are sent at the next start", metadata: ["error": "\(error)"])
        }
        return workers.map { sink, worker in ThreadRunner(name: "wirewatch-alerts-\(sink.name)") { worker.run() } }
    }

    /// Queues alerts for the sinks they are pending for. Never blocks.
    func submit(_ alerts: [StoredAlert]) {
        for alert in alerts {
            for sink in AlertSinks.all where alert.pending.contains(sink) {
                workers[sink]?.enqueue(alert)
            }
        }
    }

    func stop() {
        for worker in workers.values { worker.stop() }
    }

    /// Deliveries waiting, by sink (for status).
    var backlog: Int { workers.values.reduce(0) { $0 + $1.count } }

    private func deliver(_ alerts: [StoredAlert], to sink: AlertSinks) throws(SinkFailure) {
        let current = settings()
        switch sink {
        case .jsonl:
            try JSONLinesSink(path: alertsPath).deliver(alerts)
        case .journal:
            for alert in alerts {
                if journalAvailable {
                    try JournalSink().deliver(alert)
                } else {
                    logger.notice(
                        "alert: \(alert.message)",
                        metadata: ["rule": "\(alert.rule)", "alert": "\(alert.id)", "event_id": "\(alert.eventID)", "event": "alert"])
                }
            }
        case .exec:
            guard let hook = current.exec else { throw SinkFailure.removed }
            for alert in alerts { try ExecSink(command: hook.command, timeout: hook.timeout.inSeconds).deliver(alert) }
        case .webhook:
            guard let webhook = current.webhook else { throw SinkFailure.removed }
            for alert in alerts {
                try WebhookSink(url: webhook.url, headers: webhook.headers, timeout: webhook.timeout.inSeconds).deliver(alert)
            }
        default:
            return
        }
    }

    /// Why this process cannot open an internet socket (a sandbox without network), or nil.
    static func networkProblem() -> String? {
        for family in [AF_INET, AF_INET6] {
            let descriptor = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if descriptor >= 0 {
                close(descriptor)
                return nil
            }
        }
        return "no IPv4 or IPv6 socket can be opened (\(String(cString: strerror(errno))))"
    }
}

extension SinkFailure {
    /// The sink was taken out of the configuration (by a reload) before the alert reached it.
    static let removed = SinkFailure("the sink is no longer configured")
}

/// One sink's queue and thread: delivers the earliest due alerts (up to `batchLimit` at once),
/// retries failures with a doubling delay (1 s up to 5 min), gives up after the configured
/// retries, and notes each outcome in the store.
final class SinkWorker: @unchecked Sendable {
    private struct Item {
        var alert: StoredAlert
        var attempt: Int
        var due: Double
    }

    let sink: AlertSinks
    private let logger: Logger
    private let store: Store
    private let deliver: ([StoredAlert]) throws(SinkFailure) -> Void
    private let retries: () -> Int
    private let batchLimit: Int
    private let condition = NSCondition()
    private var items: [Item] = []
    private var stopping = false
    /// Injectable for tests.
    var now: () -> Double = { Clock.wallSeconds() }
    static let maximumDelay = 300.0

    init(
        sink: AlertSinks, logger: Logger, store: Store, batchLimit: Int = 1,
        deliver: @escaping ([StoredAlert]) throws(SinkFailure) -> Void,
        retries: @escaping () -> Int
    ) {
        self.sink = sink
        self.batchLimit = max(1, batchLimit)
        self.logger = logger
        self.store = store
        self.deliver = deliver
        self.retries = retries
    }

    var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return items.count
    }

    func enqueue(_ alert: StoredAlert) {
        condition.lock()
        items.append(Item(alert: alert, attempt: 0, due: now()))
        condition.signal()
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    func run() {
        while let batch = next() {
            do throws(SinkFailure) {
                try deliver(batch.map(\.alert))
                finish(batch.map(\.alert), outcome: "delivered")
            } catch {
                if error.description == SinkFailure.removed.description {
                    finish(batch.map(\.alert), outcome: "dropped: \(error)")
                    continue
                }
                let limit = retries()
                var requeued: [Item] = []
                for item in batch {
                    let attempt = item.attempt + 1
                    var metadata: Logger.Metadata = [
                        "sink": "\(sink.name)", "alert": "\(item.alert.id)", "rule": "\(item.alert.rule)", "error": "\(error)",
                        "attempt": "\(attempt)",
                    ]
                    if attempt > limit {
                        metadata["event"] = "alert-undelivered"
                        logger.error("giving up on an alert after \(attempt) attempts; it stays in the store and alerts.jsonl", metadata: metadata)
                        finish([item.alert], outcome: nil)
                        continue
                    }
                    let delay = min(Self.maximumDelay, pow(2, Double(min(attempt - 1, 20))))
                    metadata["retry_in"] = "\(Int(delay))s"
                    metadata["event"] = "alert-retry"
                    logger.warning("alert delivery failed; retrying", metadata: metadata)
                    requeued.append(Item(alert: item.alert, attempt: attempt, due: now() + delay))
                }
                condition.lock()
                items += requeued
                condition.unlock()
            }
        }
    }

    /// The earliest due items (at most `batchLimit`), waiting for one; nil once stopping.
    private func next() -> [Item]? {
        condition.lock()
        defer { condition.unlock() }
        while !stopping {
            let current = now()
            // Earliest due first.
            items.sort { $0.due < $1.due }
            if let first = items.first {
                let wait = first.due - current
                if wait <= 0 {
                    let taken = min(batchLimit, items.prefix { $0.due <= current }.count)
                    defer { items.removeFirst(taken) }
                    return Array(items.prefix(taken))
                }
                _ = condition.wait(until: Date(timeIntervalSinceNow: min(wait, 1)))
            } else {
                condition.wait()
            }
        }
        return nil
    }

    private func finish(_ alerts: [StoredAlert], outcome: String?) {
        if let outcome {
            for alert in alerts { logger.debug("alert \(outcome)", metadata: ["sink": "\(sink.name)", "alert": "\(alert.id)"]) }
        }
        do {
            try store.markDelivered(alerts.map(\.id), to: sink)
        } catch {
            logger.warning("cannot note an alert's delivery; it may be sent again after a restart", metadata: ["error": "\(error)"])
        }
    }
}
