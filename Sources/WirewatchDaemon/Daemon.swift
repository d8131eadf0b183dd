import CLinux
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals
import WirewatchControl
import WirewatchStore

#if canImport(Glibc)
import Glibc
#endif

/// An error that stops the daemon from starting, with what to do about it.
public struct StartupError: Error, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// What the daemon is doing, as `GetStatus` reports it.
public enum DaemonState: String, Sendable {
    case starting, running, paused, reloading, stopping
}

/// The result of a reload.
public enum ReloadOutcome: Sendable {
    /// Applied; warnings name settings that need a restart.
    case applied(source: String, warnings: [String])
    /// Refused; the running configuration stays.
    case rejected(ConfigurationError)
}

/// Wirewatch's daemon: the inbox watcher, the ingestion pipeline and the control server around
/// one store, with the service manager kept informed.
///
/// The watcher, the pipeline and the control server block in system calls (`poll`, `rename`,
/// `fsync`, SQLite), so each runs on a thread of its own rather than on Swift's cooperative pool.
/// `run()` returns after a graceful shutdown, once the batch in flight is committed and moved;
/// files still waiting stay in the inbox for the next start.
public final class Daemon: Service, @unchecked Sendable {
    private let source: ConfigurationSource
    private let initialConfiguration: DaemonConfiguration
    private let current: Mutex<DaemonConfiguration>
    private let state = Mutex<DaemonState>(.starting)
    private let reloadLock = NSLock()
    private let logger: Logger
    private let logLevel: SharedLogLevel
    private let notifier: SystemdNotifier
    private let faults: FaultSwitches
    private let liveSettings: LiveSettings
    private let queue = ClaimQueue()
    private let startedAt = Clock.monotonicNanoseconds()
    public let statistics = IngestStatistics()
    /// Set once the store and threads exist (inside `run`).
    private let parts = Mutex<Parts?>(nil)

    private struct Parts: @unchecked Sendable {
        var store: Store
        var watcher: InboxWatcher
        var baseline: StoreCounts
        var digests: DigestService?
        var alerts: AlertDispatcher?
    }

    public init(
        source: ConfigurationSource, configuration: DaemonConfiguration, logger: Logger, logLevel: SharedLogLevel,
        notifier: SystemdNotifier, faults: FaultSwitches = .fromEnvironment()
    ) {
        self.source = source
        self.initialConfiguration = configuration
        self.current = Mutex(configuration)
        self.logger = logger
        self.logLevel = logLevel
        self.notifier = notifier
        self.faults = faults
        self.liveSettings = LiveSettings(configuration.inbox)
    }

    public var configuration: DaemonConfiguration { current.withLock { $0 } }

    public func run() async throws {
        let paths = initialConfiguration.paths
        // Migrations and recovery can take a while on a big store: keep systemd patient.
        let startup = StartupExtender(notifier: notifier)
        defer { startup.finish() }
        try prepareFolders(paths)
        let store = try Store(path: paths.database)
        let baseline = try store.counts()
        if faults.anyActive {
            logger.warning("test fault switches are active; this is not a production set-up", metadata: ["faults": "\(faults)"])
        }
        let watcher = try InboxWatcher(root: paths.inbox, settings: liveSettings, queue: queue, logger: logger, faults: faults)
        let ingestor = Ingestor(
            paths: paths, settings: liveSettings, dedup: { [self] in configuration.dedup }, store: store,
            logger: logger, statistics: statistics)
        do {
            try ingestor.restoreEngine { [notifier] progress in notifier.status("starting: \(progress)") }
        } catch {
            throw StartupError("cannot restore the dedup state from \(paths.database): \(error)")
        }
        let dispatcher = AlertDispatcher(
            store: store, alertsPath: paths.alerts, settings: { [self] in configuration.alerts }, logger: logger)
        ingestor.alerts = dispatcher
        ingestor.liveAlerts = { [self] in configuration.alerts }
        let digests = DigestService(store: store, folder: paths.digests, settings: { [self] in configuration.digest }, logger: logger)
        parts.withLock { $0 = Parts(store: store, watcher: watcher, baseline: baseline, digests: digests, alerts: dispatcher) }
        let listener: Int32
        if let activated = SocketActivation.listeningSocket(named: "control") {
            listener = activated
            logger.debug("control socket passed by systemd")
        } else {
            let control = initialConfiguration.control
            listener = try ControlServer.bind(
                path: paths.controlSocket, group: control.group.isEmpty ? nil : ControlAccess.groupID(control.group))
        }
        let feed = ControlFeed()
        ingestor.feed = feed
        let control = try ControlServer(listener: listener, handler: DaemonControlHandler(daemon: self), logger: logger, feed: feed)

        try watcher.start()  // the watch is in place and the start-up scan queued
        let controlThread = ThreadRunner(name: "wirewatch-control") { control.run() }
        let watcherThread = ThreadRunner(name: "wirewatch-watcher") { watcher.run() }
        let digestThread = ThreadRunner(name: "wirewatch-digests") { digests.run() }
        let alertThreads = dispatcher.start()
        let pipelineThread = ThreadRunner(name: "wirewatch-pipeline") { [self] in
            runPipeline(ingestor, watcher: watcher)
        }
        state.withLock { $0 = .running }
        startup.finish()
        notifier.ready(status: statusLine())
        logger.info(
            "watching \(paths.inbox): drop or rename files in there",
            metadata: [
                "inbox": "\(paths.inbox)", "database": "\(paths.database)", "socket": "\(paths.controlSocket)",
                "event": "daemon-ready",
            ])
        await withGracefulShutdownHandler {
            await pipelineThread.finished()
            ingestor.saveEngineState()
        } onGracefulShutdown: { [self] in
            state.withLock { $0 = .stopping }
            notifier.stopping(status: "stopping: finishing the batch in flight")
            logger.info("stopping: no new claims; finishing the batch in flight", metadata: ["event": "daemon-stopping"])
            watcher.stop()
            queue.close()
        }
        await watcherThread.finished()
        digests.stop()
        await digestThread.finished()
        dispatcher.stop()
        for thread in alertThreads { await thread.finished() }
        control.stop()
        await controlThread.finished()
        do {
            try store.close()
        } catch {
            logger.error("closing the store failed", metadata: ["error": "\(error)"])
        }
        logger.info("stopped", metadata: ["stored": "\(statistics.stored.current)", "failed": "\(statistics.failed.current)"])
    }

    private func prepareFolders(_ paths: DaemonConfiguration.Paths) throws {
        do {
            for folder in [paths.inbox, paths.processing, paths.archive, paths.failed] {
                try FileSystem.createDirectory(folder)
            }
            try FileSystem.createDirectory(FileSystem.parentDirectory(of: paths.database))
            let inboxDevice = try FileSystem.device(of: paths.inbox)
            for (key, folder) in [("processing", paths.processing), ("archive", paths.archive), ("failed", paths.failed)]
            where try FileSystem.device(of: folder) != inboxDevice {
                throw StartupError(
                    "paths.\(key) (\(folder)) is on another file system than the inbox (\(paths.inbox)); files are moved by rename, so they must share one"
                )
            }
        } catch let error as SystemError {
            throw StartupError("cannot prepare folders: \(error)")
        }
    }

    /// The working loop: batches from the queue, watchdog pings, status updates, memory trims.
    private func runPipeline(_ ingestor: Ingestor, watcher: InboxWatcher) {
        ingestor.recover()
        var watchdog = SystemdNotifier.watchdogInterval().map {
            WatchdogSchedule(interval: $0, now: Clock.monotonicNanoseconds())
        }
        let wait = watchdog.map { min(1.0, Double($0.pollInterval.nanoseconds) / 1e9) } ?? 1.0
        var busySinceTrim = true
        var lastStatus = ""
        var lastStatusAt: UInt64 = 0
        var lastConsolidation = Clock.monotonicNanoseconds()
        while let batch = queue.popBatch(limit: liveSettings.current.batchSize, timeout: wait) {
            faults.hangPipelineIfRequested()
            ingestor.retryStranded()
            if !batch.isEmpty {
                ingestor.process(batch)
                busySinceTrim = true
                // Under a steady load that never pauses, events are consolidated now and then too.
                if Clock.monotonicNanoseconds() &- lastConsolidation >= Ingestor.consolidationInterval {
                    ingestor.consolidateEvents()
                    lastConsolidation = Clock.monotonicNanoseconds()
                }
            } else if busySinceTrim {
                lastConsolidation = Clock.monotonicNanoseconds()
                // Idle after work: a second look at the events that changed, then hand the memory a
                // burst needed back to the system.
                ingestor.consolidateEvents()
                malloc_trim(0)
                busySinceTrim = false
            }
            let now = Clock.monotonicNanoseconds()
            if var schedule = watchdog {
                if schedule.shouldPing(now: now, watcherHeartbeat: UInt64(watcher.heartbeat.current)) {
                    notifier.watchdog()
                }
                watchdog = schedule
            }
            if now &- lastStatusAt >= 1_000_000_000 {
                let line = statusLine()
                if line != lastStatus {
                    notifier.status(line)
                    lastStatus = line
                }
                lastStatusAt = now
            }
        }
    }

    // MARK: Status

    /// Counts for `GetStatus`, kept in memory so status calls never wait on the database.
    public struct Counts: Sendable, Equatable {
        public var articles: Int
        public var files: Int
        public var exactDuplicates: Int
        public var failed: Int
        public var queued: Int
        public var overflows: Int
        public var rescans: Int
    }

    public func counts() -> Counts {
        let (baseline, watcher) = parts.withLock { ($0?.baseline, $0?.watcher) }
        let base = baseline ?? StoreCounts(articles: 0, files: 0, exactDuplicates: 0, failed: 0)
        return Counts(
            articles: base.articles + statistics.stored.current,
            files: base.files + statistics.stored.current + statistics.duplicates.current,
            exactDuplicates: base.exactDuplicates + statistics.duplicates.current,
            failed: base.failed + statistics.failed.current,
            queued: queue.count,
            overflows: watcher?.overflows.current ?? 0,
            rescans: watcher?.rescans.current ?? 0)
    }

    /// Alert deliveries waiting for their sinks (retries included).
    public var alertsPending: Int { parts.withLock { $0?.alerts }?.backlog ?? 0 }

    public var currentState: DaemonState {
        let current = state.withLock { $0 }
        return current == .running && queue.isPaused ? .paused : current
    }

    // MARK: Pause, resume, rescan

    /// Stops claiming files: what is claimed is finished, new files wait in the inbox.
    public func pause() {
        guard !queue.isPaused else { return }
        queue.isPaused = true
        logger.notice("paused: files wait in the inbox until resumed", metadata: ["event": "daemon-paused"])
    }

    /// Claims files again, after a scan of the inbox.
    public func resume() {
        guard queue.isPaused else { return }
        queue.isPaused = false
        parts.withLock { $0?.watcher }?.requestRescan()
        logger.notice("resumed", metadata: ["event": "daemon-resumed"])
    }

    /// Scans the inbox for files the watcher has not reported; returns what is queued now.
    public func rescan() -> Int {
        parts.withLock { $0?.watcher }?.requestRescan()
        return queue.count
    }

    /// Why a failed file could not be retried.
    public enum RetryError: Error, Sendable {
        case notFound(String)
        case invalid(String)
        case failed(SystemError)
    }

    /// Moves a file from the failed folder back into the inbox (its report goes; the store keeps
    /// the failure), where it is ingested again. `name` is its name in the failed folder, or its
    /// path there. Returns its path in the inbox.
    public func retry(_ name: String) throws(RetryError) -> String {
        let paths = configuration.paths
        var base = name
        if name.hasPrefix(paths.failed + "/") { base = String(name.dropFirst(paths.failed.count + 1)) }
        guard !base.isEmpty, !base.contains("/"), base != ".", base != "..", !base.hasSuffix(".error.json") else {
            throw .invalid("give the name of a file in \(paths.failed), not '\(name)'")
        }
        let source = paths.failed + "/" + base
        let found: FileObservation?
        do { found = try FileSystem.observe(source) } catch { throw .failed(error) }
        guard found != nil else { throw .notFound(base) }
        var target = paths.inbox + "/" + base
        if FileSystem.exists(target) { target = paths.inbox + "/retry-\(Int(Clock.wallSeconds()))-" + base }
        do {
            try FileSystem.rename(source, to: target)
            try FileSystem.syncDirectory(paths.inbox)
        } catch {
            throw .failed(error)
        }
        unlink(source + ".error.json")
        try? FileSystem.syncDirectory(paths.failed)
        logger.notice(
            "retrying a failed file", metadata: ["file": "\(base)", "inbox_path": "\(target)", "event": "file-retried"])
        return target
    }

    /// Writes a digest now (`BuildDigest`); by default since the previous one, until now.
    func buildDigest(since: Double?, until: Double?) throws -> DigestService.Written {
        guard let service = parts.withLock({ $0?.digests }) else { throw StartupError("the daemon is still starting") }
        return try service.build(since: since, until: until, reason: "request")
    }

    /// The store, for the control interface's read methods (nil before start-up has opened it).
    var store: Store? { parts.withLock { $0?.store } }

    public var uptimeSeconds: Int { Int((Clock.monotonicNanoseconds() &- startedAt) / 1_000_000_000) }

    public var lastError: String? { statistics.lastError.current }

    /// The line systemd shows in `systemctl status` (`STATUS=`).
    public func statusLine() -> String {
        let counts = counts()
        return "watching \(initialConfiguration.paths.inbox): \(counts.articles) articles, \(counts.failed) failed, \(counts.queued) queued"
    }

    // MARK: Reload

    /// Re-reads the configuration and applies what can change while running; an invalid file is
    /// refused and the running configuration stays. Serialised: one reload at a time.
    public func reload() -> ReloadOutcome {
        reloadLock.lock()
        defer { reloadLock.unlock() }
        let previousState = state.withLock { state in
            let previous = state
            state = .reloading
            return previous
        }
        defer { state.withLock { $0 = previousState == .reloading ? .running : previousState } }
        notifier.reloading(monotonicMicroseconds: Clock.monotonicNanoseconds() / 1000)
        defer { notifier.ready(status: statusLine()) }
        let new: DaemonConfiguration
        do {
            new = try source.load()
        } catch {
            logger.error(
                "configuration rejected; the running configuration stays",
                metadata: [
                    "source": "\(error.source)", "error": "\(error.description)", "event": "config-rejected",
                ])
            return .rejected(error)
        }
        var warnings: [String] = []
        let old = current.withLock { $0 }
        for (key, before, after) in Self.pathChanges(old.paths, new.paths) {
            warnings.append("paths.\(key) changed from \(before) to \(after): takes effect at the next restart")
        }
        if new.control.group != old.control.group {
            warnings.append("control.group changed: callers are checked against it now; the socket file keeps its group until the next restart")
        }
        liveSettings.update(new.inbox)
        logLevel.set(new.logLevel)
        current.withLock { configuration in
            configuration.inbox = new.inbox
            configuration.dedup = new.dedup
            configuration.digest = new.digest
            configuration.alerts = new.alerts
            configuration.control = new.control
            configuration.logLevel = new.logLevel
        }
        for warning in warnings { logger.warning("\(warning)") }
        logger.notice("configuration reloaded", metadata: ["source": "\(source)", "event": "config-reloaded"])
        return .applied(source: source.description, warnings: warnings)
    }

    static func pathChanges(_ old: DaemonConfiguration.Paths, _ new: DaemonConfiguration.Paths) -> [(String, String, String)] {
        [
            ("inbox", old.inbox, new.inbox), ("processing", old.processing, new.processing),
            ("archive", old.archive, new.archive), ("failed", old.failed, new.failed),
            ("database", old.database, new.database), ("digests", old.digests, new.digests),
            ("alerts", old.alerts, new.alerts), ("control_socket", old.controlSocket, new.controlSocket),
        ].filter { $0.1 != $0.2 }
    }
}

/// Sends `EXTEND_TIMEOUT_USEC=` every few seconds until start-up is done.
final class StartupExtender: @unchecked Sendable {
    private let done = AtomicFlag()

    init(notifier: SystemdNotifier) {
        guard notifier.isActive else { return }
        notifier.extendTimeout(microseconds: 20_000_000)
        let thread = Thread { [done] in
            while !done.isSet {
                usleep(100_000)
                var waited = 0
                while !done.isSet && waited < 50 {
                    usleep(100_000)
                    waited += 1
                }
                if !done.isSet { notifier.extendTimeout(microseconds: 20_000_000) }
            }
        }
        thread.name = "wirewatch-startup"
        thread.start()
    }

    func finish() {
        done.set()
    }
}

/// Re-reads the configuration on SIGHUP.
public struct ReloadOnHangup: Service {
    let daemon: Daemon

    public init(daemon: Daemon) {
        self.daemon = daemon
    }

    public func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            _ = daemon.reload()
        }
    }
}

/// Runs a closure on a dedicated thread and lets async code wait for its end.
final class ThreadRunner: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            body()
            lock.lock()
            done = true
            let waiting = waiters
            waiters = []
            lock.unlock()
            for waiter in waiting { waiter.resume() }
        }
        thread.name = name
        thread.start()
    }

    func finished() async {
        await withCheckedContinuation { continuation in
            lock.lock()
            if done {
                lock.unlock()
                continuation.resume()
            } else {
                waiters.append(continuation)
                lock.unlock()
            }
        }
    }
}
