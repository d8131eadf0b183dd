import ArgumentParser
import Foundation
import WirewatchCore
import WirewatchDaemon

#if canImport(Glibc)
import Glibc
#endif

/// Measures the built daemon as a producer sees it: files renamed into the inbox, timed until the
/// daemon moves them into the archive (which it does only after their row is committed, so this is
/// an upper bound of "rename to committed row").
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wirewatch-bench",
        abstract: "Wirewatch benchmarks.",
        subcommands: [IngestBenchmark.self, ParseThroughput.self, ExtractionQuality.self, DedupQuality.self, DedupBenchmark.self, AnalysisCost.self, EngineMemory.self, ControlLoadBenchmark.self, DigestBenchmark.self, Fuzz.self],
        defaultSubcommand: IngestBenchmark.self)
}

/// Parser throughput on one core.
struct ParseThroughput: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse", abstract: "Parser throughput (MB/s, one core) on HTML pages and plain text.")

    @Option(help: "The extraction data set (html/*.html.gz).")
    var extraction: String = "../shared/eval/extraction"

    @Option(help: "Folder of plain-text articles.")
    var text: String = "seeds"

    @Option(help: "Runs; the median is reported.")
    var runs: Int = 9

    func run() throws {
        print("machine: \(IngestBenchmark.machineDescription())")
        let pages = try FileManager.default.contentsOfDirectory(atPath: extraction + "/html").sorted().map { name in
            (name: String(name.dropLast(3)), bytes: try ExtractionEvaluation.gunzip(extraction + "/html/" + name))
        }
        let texts = try FileManager.default.contentsOfDirectory(atPath: text).sorted().map { name in
            (name: name, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: text + "/" + name))))
        }
        let html = ParseBenchmark.measure(pages, runs: runs, minimumSeconds: 2)
        let plain = ParseBenchmark.measure(texts, runs: runs, minimumSeconds: 1)
        let htmlBytes = pages.reduce(0) { $0 + $1.bytes.count }
        let textBytes = texts.reduce(0) { $0 + $1.bytes.count }
        print(String(format: "HTML: %d pages, %.1f MB: median %.1f MB/s (target ≥ 25), runs %@", pages.count, Double(htmlBytes) / 1e6, html.median, html.megabytesPerSecond.map { String(format: "%.1f", $0) }.joined(separator: " ")))
        print(String(format: "text: %d files, %.3f MB: median %.1f MB/s (target ≥ 100), runs %@", texts.count, Double(textBytes) / 1e6, plain.median, plain.megabytesPerSecond.map { String(format: "%.1f", $0) }.joined(separator: " ")))
    }
}

/// Extraction quality on the benchmark pages.
struct ExtractionQuality: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extraction", abstract: "Mean token F1 of extracted bodies against the gold text.")

    @Option(help: "The extraction data set.")
    var extraction: String = "../shared/eval/extraction"

    @Option(help: "How many of the worst pages to list.")
    var worst: Int = 10

    func run() throws {
        print(try ExtractionEvaluation.run(folder: extraction).report(worst: worst))
    }
}

struct IngestBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Benchmark wirewatchd: latency at a steady rate, throughput of a burst, idle memory.")

    @Option(help: "The wirewatchd binary (a release build).")
    var daemon: String

    @Option(help: "Folder for the temporary layouts (on the disk that is measured).")
    var workdir: String = "/var/tmp"

    @Option(help: "Files per second in the latency run.")
    var rate: Double = 200

    @Option(help: "Files in each latency run.")
    var latencyFiles: Int = 2000

    @Option(help: "Files in each burst.")
    var burstFiles: Int = 10_000

    @Option(help: "Bytes per file.")
    var size: Int = 4096

    @Option(help: "Repetitions of each measurement; medians are reported.")
    var runs: Int = 3

    @Option(help: "A configuration file for the daemon (its paths are replaced by the bench's), e.g. with alert rules.")
    var config: String?

    func run() throws {
        print("machine: \(Self.machineDescription())")
        print("files: \(size) bytes; runs: \(runs); medians across runs\n")
        var p50s: [Double] = [], p99s: [Double] = [], maxima: [Double] = []
        var throughputs: [Double] = []
        var idleRSS: [Double] = [], afterRSS: [Double] = []
        for run in 1...runs {
            let session = try DaemonSession(daemon: daemon, workdir: workdir, size: size, config: config)
            defer { session.finish() }
            usleep(2_000_000)
            idleRSS.append(session.residentMegabytes())
            let latencies = try session.steadyRate(count: latencyFiles, rate: rate).sorted()
            p50s.append(percentile(latencies, 0.50))
            p99s.append(percentile(latencies, 0.99))
            maxima.append(latencies.last ?? 0)
            let elapsed = try session.burst(count: burstFiles)
            throughputs.append(Double(burstFiles) / elapsed)
            usleep(2_000_000)
            afterRSS.append(session.residentMegabytes())
            print(
                String(
                    format: "run %d: latency p50 %.2f ms, p99 %.2f ms, max %.2f ms; burst %.0f files/s; RSS idle %.1f MB, after load %.1f MB",
                    run, p50s.last!, p99s.last!, maxima.last!, throughputs.last!, idleRSS.last!, afterRSS.last!))
        }
        print("")
        print(String(format: "latency rename→committed at %.0f files/s: p50 %.2f ms, p99 %.2f ms (target p99 < 20 ms)", rate, median(p50s), median(p99s)))
        print(String(format: "burst of %d files: %.0f files/s (target ≥ 2000)", burstFiles, median(throughputs)))
        print(String(format: "idle RSS: %.1f MB at start, %.1f MB after the load (target < 30 MB)", median(idleRSS), median(afterRSS)))
    }

    func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
    }

    func median(_ values: [Double]) -> Double {
        percentile(values.sorted(), 0.5)
    }

    /// VmRSS of a process (`self` for this one), in MB.
    static func residentMegabytes(process: String = "self") -> Double {
        let status = (try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        return kilobytes / 1024
    }

    static func machineDescription() -> String {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        let memory = ProcessInfo.processInfo.physicalMemory / (1 << 30)
        return "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(cpu), \(memory) GiB"
    }
}

/// One daemon on a fresh layout, with an inotify watch on today's archive folder.
final class DaemonSession {
    let base: String
    let process: Process
    let archiveWatch: Inotify
    let payload: [UInt8]
    var sequence = 0

    init(daemon: String, workdir: String, size: Int, config: String? = nil) throws {
        base = workdir + "/wirewatch-bench-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let staging = base + "/staging"
        let archiveToday = base + "/archive/" + Clock.utcDate(Clock.wallSeconds())
        for folder in [staging, archiveToday] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        archiveWatch = try Inotify()
        _ = try archiveWatch.watch(archiveToday, mask: [.movedTo])
        let sentence = "Der Präsident traf am Mittwoch in der Hauptstadt ein und sprach über Handel und Sicherheit. "
        payload = Array(String(repeating: sentence, count: size / sentence.utf8.count + 1).utf8.prefix(size - 16))
        process = Process()
        process.executableURL = URL(fileURLWithPath: daemon)
        process.arguments = ["--base", base, "--log-level", "warning"] + (config.map { ["--config", $0] } ?? [])
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Ready once the store exists and the inbox is watched; the daemon logs nothing at warning.
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: base + "/wirewatch.sqlite-wal") {
            guard Date() < deadline, process.isRunning else { throw ValidationError("wirewatchd did not start") }
            usleep(10_000)
        }
        usleep(200_000)
    }

    func finish() {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: base)
    }

    func residentMegabytes() -> Double {
        IngestBenchmark.residentMegabytes(process: "\(process.processIdentifier)")
    }

    /// Writes a unique file into staging and returns its name.
    private func stage() throws -> String {
        sequence += 1
        let name = String(format: "bench-%07d.txt", sequence)
        var bytes = Array("\(name)\n".utf8) + payload
        bytes = Array(bytes.prefix(max(payload.count + 16, bytes.count)))
        let descriptor = open(base + "/staging/" + name, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw ValidationError("cannot write staging file") }
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress!, $0.count) }
        close(descriptor)
        return name
    }

    private func renameIn(_ name: String) throws {
        guard rename(base + "/staging/" + name, base + "/inbox/" + name) == 0 else {
            throw ValidationError("rename failed: \(errno)")
        }
    }

    /// Renames `count` files in at `rate` per second; returns each file's latency in milliseconds.
    func steadyRate(count: Int, rate: Double) throws -> [Double] {
        var renamedAt: [String: UInt64] = [:]
        var latencies: [Double] = []
        let interval = UInt64(1e9 / rate)
        let start = Clock.monotonicNanoseconds()
        for index in 0..<count {
            let name = try stage()
            let due = start + UInt64(index) * interval
            while Clock.monotonicNanoseconds() < due {
                collect(into: &latencies, renamedAt: &renamedAt, wait: false)
                usleep(200)
            }
            renamedAt[name] = Clock.monotonicNanoseconds()
            try renameIn(name)
            collect(into: &latencies, renamedAt: &renamedAt, wait: false)
        }
        let deadline = Clock.monotonicNanoseconds() + 60_000_000_000
        while latencies.count < count && Clock.monotonicNanoseconds() < deadline {
            collect(into: &latencies, renamedAt: &renamedAt, wait: true)
        }
        guard latencies.count == count else { throw ValidationError("only \(latencies.count) of \(count) files arrived") }
        return latencies
    }

    /// Renames `count` files in as fast as possible; returns seconds until the last is archived.
    func burst(count: Int) throws -> Double {
        let names = try (0..<count).map { _ in try stage() }
        var seen = 0
        let start = Clock.monotonicNanoseconds()
        for name in names { try renameIn(name) }
        var dummy: [String: UInt64] = [:]
        var arrivals: [Double] = []
        let deadline = start + 300_000_000_000
        while seen < count && Clock.monotonicNanoseconds() < deadline {
            arrivals.removeAll(keepingCapacity: true)
            seen += collect(into: &arrivals, renamedAt: &dummy, wait: true)
        }
        guard seen >= count else { throw ValidationError("only \(seen) of \(count) burst files arrived") }
        return Double(Clock.monotonicNanoseconds() - start) / 1e9
    }

    /// Reads archive arrivals; returns how many arrived.
    @discardableResult
    private func collect(into latencies: inout [Double], renamedAt: inout [String: UInt64], wait: Bool) -> Int {
        if wait {
            var descriptor = pollfd(fd: archiveWatch.descriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&descriptor, 1, 100)
        }
        let now = Clock.monotonicNanoseconds()
        let events = (try? archiveWatch.readEvents()) ?? []
        for event in events {
            if let at = renamedAt.removeValue(forKey: event.name) {
                latencies.append(Double(now - at) / 1e6)
            }
        }
        return events.filter { !$0.mask.contains(.queueOverflow) }.count
    }
}
