import ArgumentParser
import Foundation
import WirewatchCore
import WirewatchDaemon
import WirewatchStore

/// The dedup pipeline as `wirewatch analyze` runs it (parse, analyse, decide, commit to SQLite) on
/// synthetic 4 KiB articles: throughput, cost per article as the store grows, memory, and the
/// near-duplicate stage against datasketch.
struct DedupBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dedup",
        abstract: "Dedup throughput (articles/s with the store), scaling to a large store, and the near-duplicate stage.")

    @Option(help: "Articles in the throughput run.")
    var articles: Int = 10_000

    @Option(help: "Throughput runs; the median is reported.")
    var runs: Int = 3

    @Option(help: "Articles in the scaling run (0: skip it).")
    var scale: Int = 0

    @Option(help: "Folder for the databases (on the disk that is measured).")
    var workdir: String = "/var/tmp"

    @Option(help: "Write the throughput corpus's bodies as JSON lines here (for the datasketch comparison).")
    var dump: String?

    @Flag(help: "Skip the near-duplicate stage measurement.")
    var skipStage = false

    @Flag(help: "Only time the near-duplicate stage (for profiling).")
    var stageOnly = false

    @Flag(help: "Only time the engine on analysed articles (for profiling).")
    var engineOnly = false

    @Option(help: "Override dedup.consolidation_linkage (1 turns consolidation off), for ablations.")
    var linkage: Double?

    /// The dedup settings measured: the defaults, with any override.
    nonisolated(unsafe) static var dedup = DedupConfiguration()

    func run() throws {
        HeapTuning.apply()
        if let linkage { Self.dedup.consolidationLinkage = linkage }
        print("machine: \(IngestBenchmark.machineDescription())")
        if stageOnly {
            var generator = SyntheticNews(seed: 42)
            let corpus = (0..<articles).map { _ in generator.next() }
            print(String(format: "near-duplicate stage: median %.1f µs/article", Self.nearDuplicateStage(corpus)))
            return
        }
        if engineOnly {
            var generator = SyntheticNews(seed: 42)
            let corpus = (0..<articles).map { _ in generator.next() }
            print(String(format: "the engine alone: %.0f µs/article", Self.engineOnly(corpus)))
            return
        }
        var generator = SyntheticNews(seed: 42)
        let corpus = (0..<articles).map { _ in generator.next() }
        let bytes = corpus.reduce(0) { $0 + $1.text.utf8.count }
        print(String(format: "corpus: %d synthetic articles, %.1f KiB each on average", corpus.count, Double(bytes) / Double(corpus.count) / 1024))
        if let dump { try Self.dump(corpus, to: dump) }

        var rates: [Double] = []
        var last: Run?
        for _ in 0..<runs {
            let result = try Self.pipeline(corpus, workdir: workdir)
            rates.append(Double(corpus.count) / result.seconds)
            last = result
        }
        rates.sort()
        print(String(format: "throughput: median %.0f articles/s over %d runs (%@), target ≥ 3000", rates[rates.count / 2], runs, rates.map { String(format: "%.0f", $0) }.joined(separator: ", ")))
        if let last {
            print(String(format: "  parse and analyse %.0f µs/article (2 cores, in the background), decide and commit %.0f µs/article", last.evaluateSeconds / Double(corpus.count) * 1e6, last.commitSeconds / Double(corpus.count) * 1e6))
            print("  decisions: \(last.kinds.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")); \(last.events) events for \(Set(corpus.map(\.event)).count) generated")
            print(String(format: "  events against the generator's: B-cubed F1 %.3f (P %.3f R %.3f)", last.clustering.f1, last.clustering.precision, last.clustering.recall))
        }
        if !skipStage {
            let stage = Self.nearDuplicateStage(corpus)
            print(String(format: "near-duplicate stage (shingles, MinHash, LSH query and insert): median %.1f µs/article", stage))
        }
        if scale > 0 { try scaling(scale) }
    }

    struct Run {
        var seconds: Double
        var evaluateSeconds: Double
        var commitSeconds: Double
        var kinds: [String: Int]
        var events: Int
        /// Each article's event (as it stands at the end) against the generator's event.
        var clustering: BCubed
    }

    /// Parse and analyse each chunk on all cores, then decide and commit it, as `analyze` does.
    static func pipeline(_ corpus: [SyntheticNews.Item], workdir: String) throws -> Run {
        let path = workdir + "/wirewatch-dedup-bench-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try Store(path: path, mode: .batch)
        let analyzers = AnalyzerPool()
        let (engine, _) = try store.restore(configuration: Self.dedup, analyzer: analyzers.analyzer(0))
        let evaluateTime = Accumulator()
        var commitSeconds = 0.0
        var kinds: [String: Int] = [:]
        // Each item's article, in corpus order (a file the store already had takes its article).
        var itemArticles: [Int64?] = []
        let started = Date()
        let chunks = stride(from: 0, to: corpus.count, by: 256).map { Array(corpus[$0..<min(corpus.count, $0 + 256)]) }
        try ArticleIntake.pipeline(chunks) { chunk in
            let t0 = Date()
            defer { evaluateTime.add(Date().timeIntervalSince(t0)) }
            return ArticleIntake.concurrently(chunk, analyzers: analyzers) { item, analyzer in
                ArticleIntake.evaluate(Array(item.text.utf8), fileName: item.name, maximumSize: 10 << 20, analyzer: analyzer)
            }
        } commit: { chunk, outcomes in
            let t1 = Date()
            let recorded = try store.record(records(chunk, outcomes), engine: engine)
            commitSeconds += Date().timeIntervalSince(t1)
            for decision in recorded.decisions.values {
                kinds[decision.kind.rawValue, default: 0] += 1
                if !decision.mergedEvents.isEmpty { kinds["merging", default: 0] += 1 }
                for change in decision.consolidation { Self.count(change, in: &kinds) }
            }
            for result in recorded.results {
                var articleID: Int64?
                switch result {
                case .stored(_, let id): articleID = id
                case .exactDuplicate(_, let id, _):
                    kinds["same-bytes", default: 0] += 1
                    articleID = id
                case .failed, .alreadyRecorded: break
                }
                itemArticles.append(articleID)
            }
        }
        // As `analyze` does once its input is read.
        let t2 = Date()
        let consolidated = try store.consolidate(engine: engine, at: corpus.last?.arrival ?? 0)
        commitSeconds += Date().timeIntervalSince(t2)
        let seconds = Date().timeIntervalSince(started)
        let evaluateSeconds = evaluateTime.total
        for change in consolidated.changes { Self.count(change, in: &kinds) }
        // Each item's event as stored at the end (after merges and consolidation); an item without
        // one is a cluster of its own.
        let final = try store.events(ofArticles: itemArticles.compactMap { $0 })
        try store.close()
        let predicted = itemArticles.enumerated().map { index, article in article.flatMap { final[$0] } ?? -Int64(index) - 2 }
        let clustering = BCubed(predicted: predicted, gold: corpus.map(\.event))
        return Run(
            seconds: seconds, evaluateSeconds: evaluateSeconds, commitSeconds: commitSeconds, kinds: kinds,
            events: Set(final.values).count, clustering: clustering)
    }

    /// Counts a consolidation change among the decision kinds.
    static func count(_ change: EventChange, in kinds: inout [String: Int]) {
        switch change {
        case .split: kinds["split", default: 0] += 1
        case .merge: kinds["merging", default: 0] += 1
        }
    }

    /// Articles through `analyze`'s pipeline, 256 at a time: parsed and analysed on all cores
    /// one chunk ahead of deciding and committing the previous one.
    /// - Returns: the seconds spent deciding and committing.
    @discardableResult
    static func ingest(_ batch: [SyntheticNews.Item], store: Store, engine: DedupEngine, analyzers: AnalyzerPool) throws -> Double {
        var commitSeconds = 0.0
        let chunks = stride(from: 0, to: batch.count, by: 256).map { Array(batch[$0..<min(batch.count, $0 + 256)]) }
        try ArticleIntake.pipeline(chunks) { chunk in
            ArticleIntake.concurrently(chunk, analyzers: analyzers) { item, analyzer in
                ArticleIntake.evaluate(Array(item.text.utf8), fileName: item.name, maximumSize: 10 << 20, analyzer: analyzer)
            }
        } commit: { chunk, outcomes in
            let started = Date()
            _ = try store.record(records(chunk, outcomes), engine: engine)
            commitSeconds += Date().timeIntervalSince(started)
        }
        // The daemon consolidates when its input pauses, and at least every
        // consolidation interval under a steady load: here once a batch.
        let started = Date()
        _ = try store.consolidate(engine: engine, at: batch.last?.arrival ?? 0)
        commitSeconds += Date().timeIntervalSince(started)
        return commitSeconds
    }

    static func records(_ chunk: [SyntheticNews.Item], _ outcomes: [ArticleIntake.Outcome]) -> [IngestionRecord] {
        var random = SplitMix64(seed: UInt64(chunk.first?.arrival ?? 0))
        return zip(chunk, outcomes).map { item, outcome in
            let claim = ClaimID(arrivalMilliseconds: Int64(item.arrival * 1000), tag: UInt32(truncatingIfNeeded: random.next()))
            switch outcome {
            case .article(let article, let profile, let hash, let text, let columns):
                return .accepted(
                    AcceptedFile(
                        claimID: claim, originalName: item.name, size: Int64(item.text.utf8.count), contentHash: hash,
                        text: text, arrivedAt: item.arrival, processedAt: item.arrival, archivePath: item.name,
                        article: article, profile: profile, sourceKey: SourceKey.of(article, fileName: item.name),
                        columns: columns))
            case .rejected(let code, let reason):
                return .rejected(
                    RejectedFile(
                        claimID: claim, originalName: item.name, size: nil, reasonCode: code, reason: reason,
                        arrivedAt: item.arrival, failedAt: item.arrival, failedPath: item.name))
            }
        }
    }

    /// Median µs per article, on one core, for what datasketch's MinHash and MinHashLSH do: word
    /// 4-grams of the body, a 128-value signature, an LSH query and an insert.
    static func nearDuplicateStage(_ corpus: [SyntheticNews.Item]) -> Double {
        let parser = ArticleParser()
        let articles = corpus.compactMap { try? parser.parse(Array($0.text.utf8), fileName: $0.name) }
        let analyzer = ArticleAnalyzer()
        var timings: [Double] = []
        for _ in 0..<5 {
            var index = LSHIndex()
            var found = 0
            let started = Date()
            for (slot, article) in articles.enumerated() {
                let (signature, _) = analyzer.copyFingerprint(article)
                var candidates = Set<UInt32>()
                index.candidates(signature, into: &candidates)
                found += candidates.count
                index.insert(signature, slot: UInt32(slot))
            }
            timings.append(Date().timeIntervalSince(started) / Double(articles.count) * 1e6)
            if found < 0 { print(found) }
        }
        timings.sort()
        return timings[timings.count / 2]
    }

    final class Accumulator: @unchecked Sendable {
        private let lock = NSLock()
        private var sum = 0.0
        func add(_ value: Double) { lock.lock(); sum += value; lock.unlock() }
        var total: Double { lock.lock(); defer { lock.unlock() }; return sum }
    }

    /// µs per article for the engine's decisions alone, on profiles made beforehand.
    static func engineOnly(_ corpus: [SyntheticNews.Item]) -> Double {
        let analyzer = ArticleAnalyzer()
        let parser = ArticleParser()
        let inputs = corpus.enumerated().compactMap { index, item -> DedupEngine.Input? in
            guard let article = try? parser.parse(Array(item.text.utf8), fileName: item.name) else { return nil }
            return DedupEngine.Input(
                articleID: Int64(index + 1), profile: analyzer.profile(article), arrival: item.arrival, source: item.name,
                title: article.title, segments: ArticleAnalyzer.segments(of: article))
        }
        let engine = DedupEngine(configuration: dedup)
        let started = Date()
        for input in inputs { _ = engine.add(input) }
        _ = engine.consolidateAll()
        return Date().timeIntervalSince(started) / Double(inputs.count) * 1e6
    }

    /// The bodies (title and paragraphs as parsed) as JSON lines `{"id", "body"}`.
    static func dump(_ corpus: [SyntheticNews.Item], to path: String) throws {
        let parser = ArticleParser()
        var lines: [String] = []
        for (index, item) in corpus.enumerated() {
            guard let article = try? parser.parse(Array(item.text.utf8), fileName: item.name) else { continue }
            let data = try JSONSerialization.data(withJSONObject: ["id": index, "body": article.body])
            lines.append(String(decoding: data, as: UTF8.self))
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        print("corpus written to \(path)")
    }

    /// A line written at once (stdout to a file is buffered, and this runs for minutes).
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Cost per article at the start and at the end of a long run, and memory at the end: the
    /// run goes through the same pipeline as the throughput run, a window of articles at a time
    /// (generating the next window is not timed).
    func scaling(_ count: Int) throws {
        let report = max(10_000, count / 100)
        Self.say("scaling: \(count) articles, reporting every \(report)")
        // The cost at 10,000 stored articles: the window that starts there, measured in four short
        // runs of the same articles on fresh stores and in the long run; the median of five (one
        // window is noisy on a shared machine: 270 to 360 µs in one day). The short runs come
        // first, each after the writes of the one before have reached the disk, so that nothing
        // the long run leaves behind (the write-back of its gigabytes) reaches into them.
        let earlyFrom = count >= 10_000 + report ? 10_000 : 0
        var earlyCosts: [Double] = []
        for _ in 0..<4 {
            sync()
            let (repeated, _) = try Self.run(min(count, earlyFrom + report), report: report, workdir: workdir, verbose: false)
            earlyCosts.append(repeated.first { $0.from >= earlyFrom }!.cost)
        }
        sync()
        let (windows, residentMegabytes) = try Self.run(count, report: report, workdir: workdir, verbose: true)
        earlyCosts.append(windows.first { $0.from >= earlyFrom }!.cost)
        Self.say("  cost at \(earlyFrom) articles in five runs: " + earlyCosts.map { String(format: "%.0f µs", $0 * 1e6) }.joined(separator: ", "))
        earlyCosts.sort()
        let earlyCost = earlyCosts[earlyCosts.count / 2]
        // The cost at the end: the median of the last five windows (one window can hold a compaction).
        let lastCosts = windows.suffix(5).map(\.cost).sorted()
        let late = lastCosts[lastCosts.count / 2]
        Self.say(String(format: "scaling: %.0f µs/article after %d articles (median of 5 runs), %.0f µs/article at %d (median of the last %d windows): ratio %.2f (target ≤ 1.5); RSS %.0f MB (target < 500 MB)", earlyCost * 1e6, earlyFrom, late * 1e6, count, lastCosts.count, late / earlyCost, residentMegabytes))
    }

    /// Synthetic articles through the pipeline into a fresh store, a window of `report` articles
    /// at a time (generating the next window is not timed): the cost per article of each window,
    /// and the resident memory at the end (store and engine still open).
    static func run(
        _ count: Int, report: Int, workdir: String, verbose: Bool
    ) throws -> (windows: [(from: Int, cost: Double)], residentMegabytes: Double) {
        let path = workdir + "/wirewatch-dedup-scale-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try Store(path: path, mode: .batch)
        let analyzers = AnalyzerPool()
        let (engine, _) = try store.restore(configuration: Self.dedup, analyzer: analyzers.analyzer(0))
        var generator = SyntheticNews(seed: 7)
        var processed = 0
        var windows: [(from: Int, cost: Double)] = []
        while processed < count {
            let windowArticles = min(report, count - processed)
            var seconds = 0.0
            var commitSeconds = 0.0
            let decidingBefore = engine.decidingTime
            var done = 0
            while done < windowArticles {
                // Ten chunks generated at a time: the benchmark's own text stays out of the RSS.
                let batch = (0..<min(2560, windowArticles - done)).map { _ in generator.next() }
                let started = Date()
                commitSeconds += try ingest(batch, store: store, engine: engine, analyzers: analyzers)
                seconds += Date().timeIntervalSince(started)
                done += batch.count
            }
            windows.append((processed, seconds / Double(windowArticles)))
            processed += windowArticles
            if verbose {
                let decidingSeconds = (engine.decidingTime - decidingBefore).inSeconds
                say(String(format: "  %8d articles: %.0f µs/article over the last %d (deciding and committing %.0f, the engine's decisions %.0f of it), RSS %.0f MB, %d in memory, %d open events", processed, seconds / Double(windowArticles) * 1e6, windowArticles, commitSeconds / Double(windowArticles) * 1e6, decidingSeconds / Double(windowArticles) * 1e6, IngestBenchmark.residentMegabytes(), engine.recentArticleCount, engine.openEventCount))
            }
        }
        let resident = IngestBenchmark.residentMegabytes()
        try store.close()
        return (windows, resident)
    }
}

/// Where one article's analysis time goes, on one core (for tuning).
struct AnalysisCost: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "analysis-cost", abstract: "Parse, profile and encode cost per synthetic article on one core.")

    @Option var articles: Int = 5000

    func run() throws {
        var generator = SyntheticNews(seed: 42)
        let corpus = (0..<articles).map { _ in Array(generator.next().text.utf8) }
        let parser = ArticleParser()
        let analyzer = ArticleAnalyzer()
        var t = Date()
        let parsed = corpus.compactMap { try? parser.parse($0, fileName: "a.txt") }
        let parse = Date().timeIntervalSince(t)
        t = Date()
        let profiles = parsed.map { analyzer.profile($0) }
        let profile = Date().timeIntervalSince(t)
        t = Date()
        let columns = parsed.map { ArticleColumns($0) }
        let encode = Date().timeIntervalSince(t)
        t = Date()
        let hashes = corpus.map { ContentHash(of: $0) }
        let hash = Date().timeIntervalSince(t)
        t = Date()
        let decoded = corpus.map { DecodedText.decode($0) }
        let decode = Date().timeIntervalSince(t)
        let n = Double(corpus.count) / 1e6
        print(String(format: "µs/article: parse %.1f, profile %.1f, encode %.1f, content hash %.1f, decode %.1f (%d %d %d %d)", parse / n, profile / n, encode / n, hash / n, decode / n, profiles.count, columns.count, hashes.count, decoded.count))
    }
}

/// Memory of the engine alone over a stream (for tuning).
struct EngineMemory: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "engine-memory", abstract: "RSS of the dedup engine alone over synthetic articles.")

    @Option var articles: Int = 50_000

    func run() throws {
        var generator = SyntheticNews(seed: 7)
        let analyzer = ArticleAnalyzer()
        let parser = ArticleParser()
        HeapTuning.apply()
        let engine = DedupEngine()
        print(String(format: "start RSS %.0f MB", IngestBenchmark.residentMegabytes()))
        var seconds = 0.0
        for index in 0..<articles {
            let item = generator.next()
            guard let article = try? parser.parse(Array(item.text.utf8), fileName: item.name) else { continue }
            let input = DedupEngine.Input(
                articleID: Int64(index + 1), profile: analyzer.profile(article), arrival: item.arrival, source: item.name,
                title: article.title, segments: ArticleAnalyzer.segments(of: article))
            let started = Date()
            _ = engine.add(input)
            seconds += Date().timeIntervalSince(started)
            if (index + 1) % 10_000 == 0 {
                print(String(format: "%d articles: %.0f µs/article in the engine, RSS %.0f MB; %@", index + 1, seconds / 10_000 * 1e6, IngestBenchmark.residentMegabytes(), engine.memoryReport))
                seconds = 0
            }
        }
    }
}
