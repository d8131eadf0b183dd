import CSystemd

/// Tells the service manager what the daemon is doing (`sd_notify`). Without `NOTIFY_SOCKET`
/// (not started by systemd) every call is a no-op.
public struct SystemdNotifier: Sendable {
    /// Whether a service manager listens.
    public let isActive: Bool

    public init(environment: [String: String]) {
        isActive = environment["NOTIFY_SOCKET"] != nil
    }

    /// Sends `KEY=VALUE` lines; returns whether they were delivered.
    @discardableResult
    public func send(_ assignments: [String]) -> Bool {
        guard isActive else { return false }
        return sd_notify(0, assignments.joined(separator: "\n")) > 0
    }

    /// The daemon serves: watch active, start-up scan queued, control socket accepting.
    public func ready(status: String) {
        send(["READY=1", "STATUS=" + status.replacingNewlines()])
    }

    public func status(_ line: String) {
        send(["STATUS=" + line.replacingNewlines()])
    }

    /// Start-up or shut-down needs more time: extend the timeout by this much from now.
    public func extendTimeout(microseconds: UInt64) {
        send(["EXTEND_TIMEOUT_USEC=\(microseconds)"])
    }

    /// A reload starts (`MONOTONIC_USEC` lets systemd match it to the request).
    public func reloading(monotonicMicroseconds: UInt64) {
        send(["RELOADING=1", "MONOTONIC_USEC=\(monotonicMicroseconds)"])
    }

    public func stopping(status: String) {
        send(["STOPPING=1", "STATUS=" + status.replacingNewlines()])
    }

    public func watchdog() {
        send(["WATCHDOG=1"])
    }

    /// The watchdog interval systemd set (`WatchdogSec=`), if any.
    public static func watchdogInterval() -> Duration? {
        var microseconds: UInt64 = 0
        guard sd_watchdog_enabled(0, &microseconds) > 0, microseconds > 0 else { return nil }
        return .microseconds(Int64(microseconds))
    }
}

extension String {
    fileprivate func replacingNewlines() -> String {
        String(map { $0.isNewline ? " " : $0 })
    }
}

/// When the working loop must send `WATCHDOG=1`: every half interval, and only while the watcher
/// thread shows signs of life too (so a stuck watcher is caught as well as a stuck pipeline).
public struct WatchdogSchedule: Sendable {
    public let interval: UInt64
    private var lastPing: UInt64

    public init(interval: Duration, now: UInt64) {
        self.interval = UInt64(max(1, interval.nanoseconds))
        self.lastPing = now
    }

    /// How long the working loop may sleep between checks.
    public var pollInterval: Duration { .nanoseconds(Int64(interval / 4)) }

    /// Whether to ping now; `watcherHeartbeat` is the watcher loop's last iteration.
    public mutating func shouldPing(now: UInt64, watcherHeartbeat: UInt64) -> Bool {
        guard now &- lastPing >= interval / 2 else { return false }
        guard now &- watcherHeartbeat < interval / 2 || watcherHeartbeat > now else { return false }
        lastPing = now
        return true
    }
}
