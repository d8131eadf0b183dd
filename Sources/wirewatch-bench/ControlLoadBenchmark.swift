import ArgumentParser
import Foundation
import WirewatchControl
import WirewatchDaemon

/// Many clients on the control socket while files are ingested: calls per second, call latency,
/// and whether ingestion kept its pace.
struct ControlLoadBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "control-load",
        abstract: "Concurrent Varlink clients (status and list calls) while files are ingested: calls/s and p99 latency.")

    @Option(help: "The wirewatchd binary (a release build).")
    var daemon: String

    @Option(help: "Folder for the temporary layout.")
    var workdir: String = "/var/tmp"

    @Option(help: "Concurrent clients, each on its own connection.")
    var clients: Int = 200

    @Option(help: "Seconds of calls.")
    var seconds: Double = 10

    @Option(help: "Files ingested meanwhile.")
    var files: Int = 2000

    @Option(help: "Calls per second per client (0: as fast as each client can, a saturation test).")
    var ratePerClient: Double = 10

    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        var latencies: [Double] = []
        var errors = 0
        var failures: [String] = []

        func add(_ values: [Double], errors: Int, failure: String?) {
            lock.lock()
            latencies += values
            self.errors += errors
            if let failure { failures.append(failure) }
            lock.unlock()
        }
    }

    func run() throws {
        print("machine: \(IngestBenchmark.machineDescription())")
        let session = try DaemonSession(daemon: daemon, workdir: workdir, size: 4096)
        defer { session.finish() }
        let socket = session.base + "/control.sock"
        let results = Results()
        let deadline = Date().addingTimeInterval(seconds)
        let group = DispatchGroup()
        for client in 0..<clients {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                var latencies: [Double] = []
                latencies.reserveCapacity(4096)
                var errors = 0
                do {
                    let connection = try VarlinkClient(path: socket, timeout: 10)
                    var index = client
                    let interval = ratePerClient > 0 ? UInt64(1e9 / ratePerClient) : 0
                    // Clients start spread over one interval, then call at their own pace.
                    var due = Clock.monotonicNanoseconds() + (interval > 0 ? UInt64.random(in: 0..<interval) : 0)
                    while Date() < deadline {
                        if interval > 0 {
                            let now = Clock.monotonicNanoseconds()
                            if now < due { usleep(UInt32((due - now) / 1000)) }
                            due += interval
                        }
                        let call =
                            index % 2 == 0
                            ? VarlinkCall(method: WirewatchInterface.Method.getStatus)
                            : VarlinkCall(method: WirewatchInterface.Method.listEvents, parameters: .object(["limit": 20]))
                        let started = Clock.monotonicNanoseconds()
                        let reply = try connection.call(call)
                        latencies.append(Double(Clock.monotonicNanoseconds() - started) / 1e6)
                        if reply.error != nil { errors += 1 }
                        index += 1
                    }
                    results.add(latencies, errors: errors, failure: nil)
                } catch {
                    results.add(latencies, errors: errors, failure: "\(error)")
                }
            }
            thread.stackSize = 256 << 10
            thread.start()
        }
        // Meanwhile, files arrive at a steady 200 per second.
        let ingest = try session.steadyRate(count: files, rate: 200).sorted()
        group.wait()
        let sorted = results.latencies.sorted()
        func percentile(_ fraction: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
        }
        let pace = ratePerClient > 0 ? String(format: "%.0f calls/s each", ratePerClient) : "as fast as they can"
        print("\(clients) clients (\(pace)) for \(seconds) s while \(files) files were ingested at 200 files/s")
        print(String(format: "calls: %d (%.0f calls/s), error replies %d, clients that failed %d", sorted.count, Double(sorted.count) / seconds, results.errors, results.failures.count))
        print(String(format: "call latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms (target p99 < 10 ms)", percentile(0.5), percentile(0.99), sorted.last ?? 0))
        let ingestP99 = ingest.isEmpty ? 0 : ingest[min(ingest.count - 1, Int(Double(ingest.count) * 0.99))]
        print(String(format: "ingestion meanwhile: all %d files archived, latency p50 %.2f ms, p99 %.2f ms", ingest.count, ingest[ingest.count / 2], ingestP99))
        for failure in results.failures.prefix(3) { print("client failure: \(failure)") }
    }
}
