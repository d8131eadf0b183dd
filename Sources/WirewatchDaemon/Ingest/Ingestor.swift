#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import WirewatchCore
import WirewatchControl
import WirewatchStore

/// The pipeline: claims ready files by renaming them into `processing/`, reads and screens them,
/// commits the outcomes in one transaction, then moves each file to `archive/` or `failed/`.
///
/// The store decides: a claim that is committed is finished by moving the file where the store
/// says; a claim that is not is processed (again). That makes a restart after a crash at any point
/// process every file exactly once.
final class Ingestor: @unchecked Sendable {
    private let paths: DaemonConfiguration.Paths
    private let liveSettings: LiveSettings
    /// The settings of the batch being worked on (a reload applies from the next batch).
    private var settings: DaemonConfiguration.Inbox
    private let store: Store
    private let logger: Logger
    private var random = SystemRandomNumberGenerator()
    /// Claimed files whose commit failed even after retries; tried again with the next batch.
    private var stranded: [Claimed] = []
    let statistics: IngestStatistics
    private let analyzer = ArticleAnalyzer()
    private let analyzers = AnalyzerPool()
    /// Decides duplicates and events; rebuilt from the store when a commit failed after it decided.
    private var engine: DedupEngine?
    private var dedupConfiguration: DedupConfiguration
    private var engineNeedsRestore = false
    /// Original articles decided since the term statistics were last saved.
    private var originalsSinceSnapshot = 0
    static let snapshotEvery = 10_000
    /// Events are consolidated when input pauses, and at least this often (nanoseconds) while it
    /// does not.
    static let consolidationInterval: UInt64 = 60_000_000_000

    /// The dedup settings in force (a reload may change them).
    private let liveDedup: @Sendable () -> DedupConfiguration
    /// Where new articles and event changes go for clients that follow.
    var feed: ControlFeed?
    /// Where fired alerts go.
    var alerts: AlertDispatcher?
    /// The alert settings in force (a reload may change them).
    var liveAlerts: @Sendable () -> DaemonConfiguration.AlertSettings = { .default }
    private var alertSettings: DaemonConfiguration.AlertSettings?
    private var alertJudge: AlertJudge?

    init(
        paths: DaemonConfiguration.Paths, settings: LiveSettings, dedup: @escaping @Sendable () -> DedupConfiguration,
        store: Store, logger: Logger, statistics: IngestStatistics
    ) {
        self.paths = paths
        self.liveSettings = settings
        self.settings = settings.current
        self.liveDedup = dedup
        self.dedupConfiguration = dedup()
        self.store = store
        self.logger = logger
        self.statistics = statistics
    }

    // MARK: Dedup engine

    /// Builds the dedup engine from the store (term statistics, recent articles, open events) and
    /// decides articles stored without a decision. Throws when the store cannot be read.
    func restoreEngine(progress: (String) -> Void = { _ in }) throws(StoreError) {
        let (engine, restoration) = try store.restore(configuration: dedupConfiguration, analyzer: analyzer, progress: progress)
        self.engine = engine
        engineNeedsRestore = false
        logger.info(
            "dedup engine ready",
            metadata: [
                "replayed": "\(restoration.replayed)", "counted": "\(restoration.counted)",
                "decided": "\(restoration.decided)", "seconds": "\(String(format: "%.2f", restoration.seconds))",
                "events_open": "\(engine.openEventCount)",
            ])
    }

    /// Alert rules and sinks (after a reload) apply from the next batch; spike counters carry over.
    private func applyAlertSettings() {
        let current = liveAlerts()
        guard current != alertSettings else { return }
        var spikes = alertJudge?.engine.spikes
        if spikes == nil {
            do {
                spikes = try store.spikeCounters()
            } catch {
                logger.warning("cannot read the spike counters; spike rules start counting again", metadata: ["error": "\(error)"])
            }
        }
        alertSettings = current
        alertJudge =
            current.rules.isEmpty
            ? nil
            : AlertJudge(
                engine: AlertEngine(rules: current.rules, quietHours: current.quietHours, spikes: spikes ?? [:]),
                sinks: AlertDispatcher.sinks(current))
    }

    /// New thresholds (after a reload) apply from the next batch.
    private func applyDedupSettings() {
        let current = liveDedup()
        guard current != dedupConfiguration else { return }
        dedupConfiguration = current
        engine?.configuration = current
    }

    /// Saves the term statistics so the next start replays little (at shutdown, and every
    /// ``snapshotEvery`` originals).
    func saveEngineState() {
        guard let engine, !engineNeedsRestore else { return }
        do {
            try store.saveStatistics(engine.statistics, watermark: try store.lastArticleID())
            originalsSinceSnapshot = 0
        } catch {
            logger.warning("cannot save the term statistics; the next start replays more", metadata: ["error": "\(error)"])
        }
    }

    private func restoreEngineIfNeeded() -> Bool {
        guard engineNeedsRestore || engine == nil else { return true }
        do {
            try restoreEngine()
            return true
        } catch {
            statistics.lastError.set("\(error)")
            logger.error("cannot rebuild the dedup engine; files wait in processing", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// A claimed file on its way through the pipeline.
    struct Claimed {
        var name: ClaimedName
        var arrivedAt: Double
        var claimedAt: UInt64
        var processingPath: String
    }

    // MARK: Recovery

    /// Finishes or reprocesses everything left in `processing/` by a previous run.
    func recover() {
        settings = liveSettings.current
        let names: [String]
        do {
            names = try FileSystem.list(paths.processing).filter { !$0.hasPrefix(".") }.sorted()
        } catch {
            logger.error("cannot list the processing folder", metadata: ["error": "\(error)"])
            return
        }
        guard !names.isEmpty else { return }
        logger.info("recovering files left in processing", metadata: ["count": "\(names.count)"])
        var claimed: [Claimed] = []
        for name in names {
            if let parsed = ClaimedName(fileName: name) {
                claimed.append(
                    Claimed(
                        name: parsed, arrivedAt: Double(parsed.claimID.arrivalMilliseconds) / 1000,
                        claimedAt: Clock.monotonicNanoseconds(), processingPath: paths.processing + "/" + name))
            } else if let renamed = claim(from: paths.processing + "/" + name, originalName: name, arrivedAt: Clock.wallSeconds()) {
                // Not one of ours (put there by hand): give it a claim of its own.
                claimed.append(renamed)
            }
        }
        for start in stride(from: 0, to: claimed.count, by: settings.batchSize) {
            finish(Array(claimed[start..<min(claimed.count, start + settings.batchSize)]))
        }
    }

    // MARK: Batches

    /// Files waiting in `processing/` for the store to work again.
    var strandedCount: Int { stranded.count }

    /// Tries the files whose commit failed before once more.
    func retryStranded() {
        guard !stranded.isEmpty else { return }
        let waiting = stranded
        stranded = []
        finish(waiting)
    }

    /// Claims and processes a batch of ready files.
    func process(_ requests: [ClaimRequest]) {
        settings = liveSettings.current
        var claimed: [Claimed] = []
        for request in requests {
            if let file = claim(
                from: paths.inbox + "/" + request.relativePath, originalName: request.relativePath,
                arrivedAt: request.arrivedAt)
            {
                claimed.append(file)
            }
        }
        guard !claimed.isEmpty else { return }
        // The claims must survive a power loss before their outcome is committed, or a file could
        // reappear in the inbox after its row was written and be stored twice.
        do {
            try FileSystem.syncDirectory(paths.processing)
        } catch {
            logger.warning("cannot sync the processing folder", metadata: ["error": "\(error)"])
        }
        finish(claimed)
    }

    private func claim(from source: String, originalName: String, arrivedAt: Double) -> Claimed? {
        let claimID = ClaimID(arrivalMilliseconds: Int64(arrivedAt * 1000), tag: random.next())
        let name = ClaimedName(claimID: claimID, originalName: originalName)
        let destination = paths.processing + "/" + name.fileName
        do {
            try FileSystem.rename(source, to: destination)
        } catch {
            if error.errno == ENOENT {
                // Taken by an earlier claim of the same file, or removed by its producer.
                logger.debug("file vanished before it was claimed", metadata: ["file": "\(originalName)"])
            } else {
                statistics.claimErrors.increment()
                logger.error(
                    "cannot claim file; it stays in the inbox",
                    metadata: ["file": "\(originalName)", "error": "\(error)", "event": "claim-failed"])
            }
            return nil
        }
        return Claimed(name: name, arrivedAt: arrivedAt, claimedAt: Clock.monotonicNanoseconds(), processingPath: destination)
    }

    /// Decides, commits and moves a batch of claimed files.
    private func finish(_ batch: [Claimed]) {
        applyDedupSettings()
        applyAlertSettings()
        guard restoreEngineIfNeeded() else {
            stranded.append(contentsOf: batch)
            return
        }
        let known: [ClaimID: ClaimDisposition]
        do {
            known = try withStoreRetry { () throws(StoreError) in try store.dispositions(of: batch.map(\.name.claimID)) }
        } catch {
            stranded.append(contentsOf: batch)
            return
        }
        var pendingFiles: [Claimed] = []
        for file in batch {
            if let disposition = known[file.name.claimID] {
                move(file, to: disposition, outcome: .alreadyRecorded(disposition))
                continue
            }
            pendingFiles.append(file)
        }
        guard !pendingFiles.isEmpty else { return }
        let limit = settings.maxFileSize
        // Alert terms are matched here, on every core, rather than in the commit.
        let needs = alertJudge?.engine.needs
        let evaluations = ArticleIntake.concurrently(
            pendingFiles.map { ($0.processingPath, FileSystem.baseName(of: $0.name.originalName)) }, analyzers: analyzers
        ) { file, analyzer in
            Self.evaluate(file.0, fileName: file.1, maximumSize: limit, analyzer: analyzer, alertNeeds: needs)
        }
        var reserved: Set<String> = []
        var records: [IngestionRecord] = []
        for (file, evaluation) in zip(pendingFiles, evaluations) {
            records.append(record(for: file, evaluation, reserved: &reserved))
        }
        let recorded: Store.RecordedBatch
        do {
            recorded = try withStoreRetry { () throws(StoreError) in
                // A failed attempt may have left decisions in the engine that the store rolled back.
                if engineNeedsRestore { try restoreEngine() }
                engineNeedsRestore = true
                // The alert engine's spike counters go back too when the commit fails.
                let spikes = alertJudge?.engine.spikes
                do throws(StoreError) {
                    let recorded = try store.record(records, engine: engine, alerts: alertJudge)
                    engineNeedsRestore = false
                    return recorded
                } catch {
                    if let spikes { alertJudge?.engine.restore(spikes: spikes) }
                    throw error
                }
            }
        } catch {
            stranded.append(contentsOf: pendingFiles)
            return
        }
        for (index, result) in recorded.results.enumerated() {
            let file = pendingFiles[index]
            switch (records[index], result) {
            case (.accepted(let accepted), .stored(_, let articleID)):
                let decision = recorded.decisions[articleID]
                if decision?.kind == .sameEvent || decision?.kind == .newEvent { originalsSinceSnapshot += 1 }
                move(
                    file, to: .archived(path: accepted.archivePath), outcome: result, article: accepted.article,
                    decision: decision)
            case (.accepted(let accepted), _):
                move(file, to: .archived(path: accepted.archivePath), outcome: result, article: accepted.article)
            case (.rejected(let rejected), _):
                move(file, to: .failed(rejected), outcome: result)
            }
        }
        if originalsSinceSnapshot >= Self.snapshotEvery { saveEngineState() }
        if !recorded.alerts.isEmpty { announce(recorded.alerts) }
    }

    /// Consolidates the events that changed since the last time (when input pauses): reports that
    /// turn out to be another event's move to a new event, events that turn out to be one merge.
    func consolidateEvents() {
        guard let engine, !engineNeedsRestore, engine.hasUnsettledEvents else { return }
        let started = Clock.monotonicNanoseconds()
        let consolidated: Store.ConsolidatedEvents
        do {
            consolidated = try store.consolidate(engine: engine, at: Clock.wallSeconds())
        } catch {
            // The engine changed and the store did not: rebuild it before the next batch.
            engineNeedsRestore = true
            statistics.lastError.set("\(error)")
            logger.error("cannot commit consolidated events; the dedup engine is rebuilt from the store", metadata: ["error": "\(error)"])
            return
        }
        guard !consolidated.changes.isEmpty else { return }
        logConsolidation(consolidated.changes)
        logger.info(
            "events consolidated",
            metadata: [
                "changes": "\(consolidated.changes.count)", "events": "\(consolidated.events.count)",
                "ms": "\(FixedPoint.format(Double(Clock.monotonicNanoseconds() &- started) / 1e6, digits: 1))",
                "event": "events-consolidated",
            ])
        if let feed, feed.isFollowed {
            for event in consolidated.events { feed.post(.object(["change": .object(["kind": "event", "event": ControlQueries.event(event)])])) }
        }
    }

    /// One log line per consolidation change.
    private func logConsolidation(_ changes: [EventChange]) {
        for change in changes {
            switch change {
            case .split(let event, let into, let articles):
                logger.info(
                    "reports moved to a new event",
                    metadata: [
                        "event_id": "\(into)", "split_from": "\(event)", "articles": "\(articles.map(String.init).joined(separator: ","))",
                        "event": "event-split",
                    ])
            case .merge(let gone, let survivor):
                logger.info("events merged", metadata: ["event_id": "\(survivor)", "merged_events": "\(gone)", "event": "events-merged"])
            }
        }
    }

    /// Hands fired alerts to the sinks and to followers; held ones wait for the digest.
    private func announce(_ stored: [StoredAlert]) {
        for alert in stored where alert.deferred {
            logger.info(
                "alert held for the next digest (quiet hours)",
                metadata: ["rule": "\(alert.rule)", "alert": "\(alert.id)", "event_id": "\(alert.eventID)", "event": "alert-held"])
        }
        alerts?.submit(stored)
        if let feed, feed.isFollowed {
            for alert in stored { feed.post(.object(["change": .object(["kind": "alert", "alert": ControlQueries.alert(alert)])])) }
        }
    }

    /// Retries a store operation with backoff while the daemon runs; files wait in `processing/`.
    private func withStoreRetry<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        var delay: UInt32 = 100_000
        var attempt = 0
        while true {
            do {
                return try body()
            } catch {
                attempt += 1
                statistics.lastError.set("\(error)")
                logger.error(
                    "store operation failed; files wait in processing", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
                if attempt >= 4 { throw error }
                usleep(delay)
                delay = min(delay * 2, 5_000_000)
            }
        }
    }

    /// What reading, screening, parsing and analysing one claimed file gave (done in parallel).
    enum Evaluation: Sendable {
        case article(
            Article, ArticleProfile, size: Int64, contentHash: ContentHash, text: DecodedText, columns: ArticleColumns,
            alertText: TermMatcher.Text?)
        case rejected(code: String, reason: String, size: Int64?)
    }

    /// Reads one claimed file without following links or blocking, then takes it in.
    static func evaluate(
        _ path: String, fileName: String, maximumSize: Int64, analyzer: ArticleAnalyzer, alertNeeds: TermMatcher.Needs? = nil
    ) -> Evaluation {
        let outcome: FileSystem.ReadOutcome
        do {
            outcome = try FileSystem.read(path, limit: maximumSize)
        } catch {
            return .rejected(code: "unreadable", reason: "the file cannot be read: \(String(cString: strerror(error.errno)))", size: nil)
        }
        switch outcome {
        case .notRegular(let kind):
            let code = kind == .symlink ? "symlink" : "not-regular"
            let what = kind == .symlink ? "a symbolic link (never followed)" : "a \(kind.description), not a regular file"
            return .rejected(code: code, reason: "the inbox entry is \(what)", size: nil)
        case .tooLarge(let size):
            let rejection = ContentRejection.tooLarge(size: size, limit: maximumSize)
            return .rejected(code: rejection.code, reason: rejection.description, size: size)
        case .bytes(let bytes):
            switch ArticleIntake.evaluate(bytes, fileName: fileName, maximumSize: maximumSize, analyzer: analyzer) {
            case .article(let article, let profile, let hash, let text, let columns):
                return .article(
                    article, profile, size: Int64(bytes.count), contentHash: hash, text: text, columns: columns,
                    alertText: alertNeeds.map { analyzer.alertText(of: article, needs: $0) })
            case .rejected(let code, let reason):
                return .rejected(code: code, reason: reason, size: Int64(bytes.count))
            }
        }
    }

    /// The record of one evaluated file, with its archive or failed path reserved.
    private func record(for file: Claimed, _ evaluation: Evaluation, reserved: inout Set<String>) -> IngestionRecord {
        let now = Clock.wallSeconds()
        switch evaluation {
        case .rejected(let code, let reason, let size):
            return .rejected(
                RejectedFile(
                    claimID: file.name.claimID, originalName: file.name.originalName, size: size, reasonCode: code,
                    reason: reason, arrivedAt: file.arrivedAt, failedAt: now,
                    failedPath: destination(in: paths.failed, for: file, reserved: &reserved, suffix: ".error.json")))
        case .article(let article, let profile, let size, let hash, let text, let columns, let alertText):
            let dated = paths.archive + "/" + Clock.utcDate(now)
            var accepted =
                AcceptedFile(
                    claimID: file.name.claimID, originalName: file.name.originalName, size: size, contentHash: hash,
                    text: text, arrivedAt: file.arrivedAt, processedAt: now,
                    archivePath: destination(in: dated, for: file, reserved: &reserved, suffix: ""), article: article,
                    profile: profile, sourceKey: SourceKey.of(article, fileName: file.name.originalName),
                    columns: columns)
            accepted.alertText = alertText
            return .accepted(accepted)
        }
    }

    /// `FOLDER/NAME`, or `FOLDER/CLAIMID-NAME` when that is taken (names repeat across feeds).
    private func destination(in folder: String, for file: Claimed, reserved: inout Set<String>, suffix: String) -> String {
        var name = FileSystem.baseName(of: file.name.originalName)
        if name.isEmpty || name.hasPrefix(".") { name = "_" + name }
        var path = folder + "/" + name
        if reserved.contains(path) || FileSystem.exists(path) || (!suffix.isEmpty && FileSystem.exists(path + suffix)) {
            path = folder + "/" + file.name.claimID.rawValue + "-" + name
        }
        reserved.insert(path)
        return path
    }

    /// Moves a committed file where it belongs and logs the outcome (one line per file).
    private func move(
        _ file: Claimed, to disposition: ClaimDisposition, outcome: IngestionResult, article: Article? = nil,
        decision: DedupDecision? = nil
    ) {
        let elapsed = Double(Clock.monotonicNanoseconds() &- file.claimedAt) / 1e6
        var metadata: Logger.Metadata = [
            "file": "\(file.name.originalName)",
            "claim": "\(file.name.claimID)",
            "ms": "\(FixedPoint.format(elapsed, digits: 1))",
        ]
        do {
            switch disposition {
            case .archived(let path):
                try FileSystem.createDirectory(FileSystem.parentDirectory(of: path))
                try moveIfPresent(file.processingPath, to: path)
                metadata["archived"] = "\(path)"
            case .failed(let rejected):
                try FileSystem.createDirectory(FileSystem.parentDirectory(of: rejected.failedPath))
                try FileSystem.writeAtomically(FailureReport(rejected).encoded(), to: rejected.failedPath + ".error.json")
                try moveIfPresent(file.processingPath, to: rejected.failedPath)
                metadata["reason"] = "\(rejected.reasonCode)"
                metadata["error"] = "\(rejected.reason)"
                metadata["failed"] = "\(rejected.failedPath)"
            }
        } catch {
            statistics.lastError.set("\(error)")
            logger.error(
                "committed file could not be moved; it stays in processing and is finished at the next start",
                metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return
        }
        switch outcome {
        case .stored(_, let articleID):
            statistics.stored.increment()
            metadata["article"] = "\(articleID)"
            metadata["event"] = "article-stored"
            if let article {
                metadata["title"] = "\(article.title ?? "")"
                metadata["format"] = "\(article.format.rawValue)"
                metadata["language"] = "\(article.language ?? "?")"
            }
            if let decision {
                metadata["decision"] = "\(decision.kind.rawValue)"
                metadata["event_id"] = "\(decision.eventID)"
                if !decision.mergedEvents.isEmpty { metadata["merged_events"] = "\(decision.mergedEvents.map(String.init).joined(separator: ","))" }
                if let original = decision.duplicateOf ?? decision.nearDuplicateOf { metadata["copy_of"] = "\(original)" }
                if let similarity = decision.evidence.similarity {
                    metadata["similarity"] = "\(FixedPoint.format(similarity.combined, digits: 3))"
                }
            }
            logger.info("stored", metadata: metadata)
            if let decision, !decision.consolidation.isEmpty { logConsolidation(decision.consolidation) }
            if let feed, feed.isFollowed, let decision {
                let listing = ArticleListing(
                    id: articleID, title: article?.title, source: article?.source, published: article?.published?.description,
                    language: article?.language, firstSeen: file.arrivedAt, decision: decision.kind, eventID: decision.eventID,
                    duplicateOf: decision.duplicateOf, nearDuplicateOf: decision.nearDuplicateOf, fileName: file.name.originalName)
                feed.post(.object(["change": .object(["kind": "article", "article": ControlQueries.article(listing)])]))
                var change: [String: JSONValue] = ["kind": "event", "event": ControlQueries.event(decision.event)]
                if !decision.mergedEvents.isEmpty {
                    change["merged_events"] = .array(decision.mergedEvents.map { .number(Double($0)) })
                }
                feed.post(.object(["change": .object(change)]))
            }
        case .exactDuplicate(_, let articleID, let first):
            statistics.duplicates.increment()
            metadata["article"] = "\(articleID)"
            metadata["duplicate_of_file"] = "\(first)"
            metadata["event"] = "exact-duplicate"
            logger.info("exact duplicate", metadata: metadata)
        case .failed:
            statistics.failed.increment()
            metadata["event"] = "file-failed"
            logger.warning("failed", metadata: metadata)
        case .alreadyRecorded:
            metadata["event"] = "recovered"
            logger.info("finished after restart", metadata: metadata)
        }
    }

    private func moveIfPresent(_ source: String, to destination: String) throws(SystemError) {
        do {
            try FileSystem.rename(source, to: destination)
        } catch {
            // Already moved by an earlier attempt: the destination holds it.
            if error.errno == ENOENT && FileSystem.exists(destination) { return }
            throw error
        }
    }
}

/// Live counts for logs and status.
public final class IngestStatistics: Sendable {
    public let stored = AtomicCounter()
    public let duplicates = AtomicCounter()
    public let failed = AtomicCounter()
    public let claimErrors = AtomicCounter()
    public let lastError = SharedText()

    public init() {}
}
