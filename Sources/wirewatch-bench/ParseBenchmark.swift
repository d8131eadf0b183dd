import Foundation
import WirewatchCore

/// Parser throughput on one core: megabytes of input per second for HTML pages and plain text.
enum ParseBenchmark {
    struct Measurement {
        var megabytesPerSecond: [Double]
        var median: Double { megabytesPerSecond.sorted()[megabytesPerSecond.count / 2] }
    }

    /// Parses every input `rounds` times per run; returns MB/s per run.
    static func measure(_ inputs: [(name: String, bytes: [UInt8])], runs: Int, minimumSeconds: Double) -> Measurement {
        let parser = ArticleParser()
        let total = inputs.reduce(0) { $0 + $1.bytes.count }
        var rates: [Double] = []
        guard total > 0 else { return Measurement(megabytesPerSecond: [0]) }
        for _ in 0..<runs {
            var processed = 0
            let start = DispatchTime.now().uptimeNanoseconds
            var elapsed = 0.0
            repeat {
                for input in inputs {
                    _ = try? parser.parse(input.bytes, fileName: input.name)
                }
                processed += total
                elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            } while elapsed < minimumSeconds
            rates.append(Double(processed) / 1e6 / elapsed)
        }
        return Measurement(megabytesPerSecond: rates)
    }
}
