import ArgumentParser
import Foundation
import WirewatchCore
import WirewatchDigest
import WirewatchStore

/// Digest generation on a large store: synthetic news through the same pipeline as `analyze`
/// (about 20 articles an event), then a digest of everything, timed from the store to the files.
struct DigestBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest", abstract: "Digest generation (read, build, render, write) for 10,000 events and 200,000 articles.")

    @Option(help: "Articles in the store.")
    var articles: Int = 200_000

    @Option(help: "Articles per event at most (the average is about half).")
    var eventLength: Int = 39

    @Option(help: "Timed runs; the median is reported.")
    var runs: Int = 5

    @Option(help: "Folder for the database and the digests.")
    var workdir: String = "/var/tmp"

    @Option(help: "Keep the generated store here, and reuse it when it exists (for profiling).")
    var database: String?

    @Option(help: "The event similarity used while filling the store: the synthetic events are loosely written, so a low one groups them as generated (about 10,000 events).")
    var eventSimilarity: Double = 0.12

    func run() throws {
        print("machine: \(IngestBenchmark.machineDescription())")
        let base = workdir + "/wirewatch-digest-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        let path = database ?? base + "/state.sqlite"
        let reuse = database.map { FileManager.default.fileExists(atPath: $0) } ?? false
        let store = try Store(path: path, mode: .batch)
        let analyzers = AnalyzerPool()
        // A store that is reused needs no engine (nothing is added to it).
        var dedup = DedupConfiguration()
        dedup.eventSimilarity = eventSimilarity
        let engine = reuse ? DedupEngine() : try store.restore(configuration: dedup, analyzer: analyzers.analyzer(0)).0
        var generator = SyntheticNews(seed: 11, eventLength: eventLength)
        var first = reuse ? 0 : Double.infinity
        var last = reuse ? 4e9 : -Double.infinity
        let started = Date()
        var produced = reuse ? articles : 0
        while produced < articles {
            let batch = (0..<min(2560, articles - produced)).map { _ in generator.next() }
            first = min(first, batch.first!.arrival)
            last = max(last, batch.last!.arrival)
            try DedupBenchmark.ingest(batch, store: store, engine: engine, analyzers: analyzers)
            produced += batch.count
        }
        print(String(format: "store: %d articles in %.0f s", produced, Date().timeIntervalSince(started)))
        var timings: [Double] = []
        var summary = ""
        for run in 0..<runs {
            let folder = base + "/digests-\(run)"
            let t0 = Date()
            let material = try store.digestMaterial(since: first, until: last + 1)
            let t1 = Date()
            let digest = DigestBuilder().build(material, since: first, until: last + 1, now: last + 1)
            let t2 = Date()
            try DigestWriter(folder: folder).write(digest, now: last + 1)
            timings.append(Date().timeIntervalSince(t0))
            let articleCount = material.articles.values.reduce(0) { $0 + $1.count }
            summary = "\(digest.events.count) events, \(articleCount) articles"
            print(String(format: "  run %d: read %.2f s, build %.2f s, render and write %.2f s", run + 1, t1.timeIntervalSince(t0), t2.timeIntervalSince(t1), Date().timeIntervalSince(t2)))
        }
        timings.sort()
        print(String(format: "digest (read, build, Markdown + JSON + HTML, write) of %@: median %.2f s over %d runs (target < 2 s)", summary, timings[timings.count / 2], runs))
        try store.close()
    }
}
