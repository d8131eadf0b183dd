import Foundation
import Testing
import WirewatchCore

struct FixedPointTests {
    @Test func numbersAreWrittenAsPrintfWritesThem() {
        var random = SplitMix64(seed: 5)
        for _ in 0..<20_000 {
            let magnitude = [1.0, 10, 1000, 1e6][Int(random.next() % 4)]
            let value = (Double(random.next() % 2_000_001) / 1_000_000 - 1) * magnitude
            let digits = Int(random.next() % 5)
            let scaled = abs(value) * pow(10, Double(digits))
            // An exact tie (…5 at the last place) is rounded away from zero here, to even by printf.
            guard abs(scaled - scaled.rounded(.down) - 0.5) > 1e-6 else { continue }
            #expect(FixedPoint.format(value, digits: digits) == String(format: "%.\(digits)f", value), "\(value) with \(digits) digits")
        }
    }

    @Test func edgeCasesAreWrittenPlainly() {
        #expect(FixedPoint.format(0, digits: 4) == "0.0000")
        #expect(FixedPoint.format(1, digits: 0) == "1")
        #expect(FixedPoint.format(-2.25, digits: 1) == "-2.3")
        #expect(FixedPoint.format(0.99996, digits: 4) == "1.0000")
        #expect(FixedPoint.format(.nan, digits: 3) == "nan")
        #expect(FixedPoint.format(-.infinity, digits: 3) == "-inf")
        #expect(FixedPoint.format(-0.00001, digits: 2) == "-0.00")
        #expect(FixedPoint.format(1e20, digits: 2) == "1e+20")
    }
}
