import CLinux
import Foundation
import Logging
import ServiceLifecycle
import WirewatchStore

/// An error that stops the daemon from starting, with what to do about it.
public struct StartupError: Error, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// The inbox service: a watcher thread and a pipeline thread around one store.
///
/// Both block in system calls (`poll`, `rename`, `fsync`, SQLite), so they run on threads of their
/// own rather than on Swift's cooperative pool. `run()` returns after a graceful shutdown once the
/// batch in flight is committed and moved; files still waiting stay in the inbox.
public final class InboxService: Service, @unchecked Sendable {
    public let configuration: DaemonConfiguration
    private let logger: Logger
    private let store: Store
    private let queue = ClaimQueue()
    private let watcher: InboxWatcher
    private let ingestor: Ingestor
    public let statistics = IngestStatistics()
    private let startedAt = Date()

    /// Prepares folders, opens the store, recovers nothing yet.
    public init(configuration: DaemonConfiguration, logger: Logger, faults: FaultSwitches = .fromEnvironment()) throws {
        self.configuration = configuration
        self.logger = logger
        let paths = configuration.paths
        do {
            for folder in [paths.inbox, paths.processing, paths.archive, paths.failed] {
                try FileSystem.createDirectory(folder)
            }
            try FileSystem.createDirectory(FileSystem.parentDirectory(of: paths.database))
            let inboxDevice = try FileSystem.device(of: paths.inbox)
            for (key, folder) in [("processing", paths.processing), ("archive", paths.archive), ("failed", paths.failed)]
            where try FileSystem.device(of: folder) != inboxDevice {
                throw StartupError(
                    "paths.\(key) (\(folder)) is on another file system than the inbox (\(paths.inbox)); files are moved by rename, so they must share one")
            }
        } catch let error as SystemError {
            throw StartupError("cannot prepare folders: \(error)")
        }
        store = try Store(path: paths.database)
        if faults.anyActive {
            logger.warning("test fault switches are active; this is not a production set-up", metadata: ["faults": "\(faults)"])
        }
        watcher = try InboxWatcher(
            root: paths.inbox, settings: configuration.inbox, queue: queue, logger: logger, faults: faults)
        ingestor = Ingestor(
            paths: paths, settings: configuration.inbox, store: store, logger: logger, statistics: statistics)
    }

    public func run() async throws {
        try watcher.start()
        let pipeline = ThreadRunner(name: "wirewatch-pipeline") { [queue, ingestor, configuration] in
            ingestor.recover()
            var busySinceTrim = true
            while let batch = queue.popBatch(limit: configuration.inbox.batchSize, timeout: 1) {
                ingestor.retryStranded()
                if !batch.isEmpty {
                    ingestor.process(batch)
                    busySinceTrim = true
                } else if busySinceTrim {
                    // Idle after work: hand the memory a burst needed back to the system.
                    malloc_trim(0)
                    busySinceTrim = false
                }
            }
        }
        let watching = ThreadRunner(name: "wirewatch-watcher") { [watcher] in watcher.run() }
        logger.info(
            "watching \(configuration.paths.inbox): drop or rename files in there",
            metadata: ["inbox": "\(configuration.paths.inbox)", "database": "\(configuration.paths.database)"])
        await withGracefulShutdownHandler {
            await pipeline.finished()
        } onGracefulShutdown: { [watcher, queue, logger] in
            logger.info("stopping: no new claims; finishing the batch in flight")
            watcher.stop()
            queue.close()
        }
        await watching.finished()
        do {
            try store.close()
        } catch {
            logger.error("closing the store failed", metadata: ["error": "\(error)"])
        }
        logger.info(
            "stopped",
            metadata: ["stored": "\(statistics.stored.current)", "failed": "\(statistics.failed.current)"])
    }

    /// A one-line summary of the store and the queue.
    public func statusLine() -> String {
        let counts = (try? store.counts()) ?? StoreCounts(articles: 0, files: 0, exactDuplicates: 0, failed: 0)
        return "watching \(configuration.paths.inbox): \(counts.articles) articles, \(counts.failed) failed, \(queue.count) queued"
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
