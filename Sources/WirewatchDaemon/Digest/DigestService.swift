import Foundation
import Logging
import WirewatchDigest
import WirewatchStore

/// Writes digests on the configured schedule and on demand, one at a time, on a thread of its
/// own (building one reads the store, which never holds up ingestion in WAL mode). Each digest
/// covers the time since the previous one (kept in the store, so across restarts).
final class DigestService: @unchecked Sendable {
    private let store: Store
    private let folder: String
    private let settings: @Sendable () -> DaemonConfiguration.DigestSettings
    private let logger: Logger
    private let lock = NSLock()
    private let stopRequested = AtomicFlag()
    private let wake = NSCondition()
    /// A digest's window when there was none before: the last day.
    static let firstWindow = 86_400.0

    struct Written: Sendable {
        var paths: [String]
        var events: Int
        var since: Double
        var until: Double
    }

    init(store: Store, folder: String, settings: @escaping @Sendable () -> DaemonConfiguration.DigestSettings, logger: Logger) {
        self.store = store
        self.folder = folder
        self.settings = settings
        self.logger = logger
    }

    /// Builds and writes a digest for `since...until` (by default: since the previous digest,
    /// until now) and records its end as the previous digest's.
    func build(since: Double? = nil, until: Double? = nil, now: Double = Date().timeIntervalSince1970, reason: String) throws -> Written {
        lock.lock()
        defer { lock.unlock() }
        // Kept to the millisecond, as the store keeps it for the next digest's start.
        let end = ((until ?? now) * 1000).rounded(.down) / 1000
        let previous = try store.lastDigestTime()
        let start = since ?? previous ?? (end - Self.firstWindow)
        let material = try store.digestMaterial(since: start, until: end)
        var digest = DigestBuilder().build(material, since: start, until: end, now: now)
        let held = try store.heldAlerts(until: end)
        digest.heldAlerts = held.map {
            Digest.HeldAlert(id: $0.id, rule: $0.rule, message: $0.message, firedAt: $0.firedAt, eventID: $0.eventID)
        }
        let current = settings()
        let writer = DigestWriter(
            folder: folder, formats: current.formats.compactMap(DigestWriter.Format.init(rawValue:)), keep: current.keep,
            maximumAge: current.maximumAge.inSeconds)
        let paths = try writer.write(digest, now: now)
        if end >= (previous ?? -Double.infinity) { try store.setLastDigestTime(end) }
        try store.markDigested(held.map(\.id), at: now)
        logger.notice(
            "digest written",
            metadata: [
                "events": "\(digest.events.count)", "since": "\(Clock.iso8601(start))", "until": "\(Clock.iso8601(end))",
                "paths": "\(paths.joined(separator: ", "))", "reason": "\(reason)", "event": "digest-written",
            ])
        return Written(paths: paths, events: digest.events.count, since: start, until: end)
    }

    /// The scheduled loop: sleeps until the next due time (rechecking the settings, which a
    /// reload may change, every few seconds), then writes a digest.
    func run() {
        while !stopRequested.isSet {
            let now = Date().timeIntervalSince1970
            var wait = 5.0
            if let schedule = DigestSchedule.parse(settings().schedule, timeZone: settings().timeZone) {
                do {
                    let previous = try store.lastDigestTime() ?? now
                    if let due = schedule.next(after: previous) {
                        if due <= now {
                            // One digest since the previous, however many were missed while stopped.
                            _ = try build(now: now, reason: "schedule")
                            continue
                        }
                        wait = min(wait, due - now)
                    }
                } catch {
                    logger.error("scheduled digest failed; trying again in a minute", metadata: ["error": "\(error)"])
                    wait = 60
                }
            }
            wake.lock()
            if !stopRequested.isSet { _ = wake.wait(until: Date().addingTimeInterval(max(0.05, wait))) }
            wake.unlock()
        }
    }

    func stop() {
        stopRequested.set()
        wake.lock()
        wake.broadcast()
        wake.unlock()
    }
}
