import Foundation
import Testing
import WirewatchCore

/// Main-text extraction against 181 real news pages with gold text (`../shared/eval/extraction`,
/// scrapinghub's article-extraction-benchmark), in `$WIREWATCH_SHARED` (set by `make test`) or
/// beside the repo. Skipped when the data set is in neither.
struct ExtractionQualityTests {
    static let folder: String = {
        let repository = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let shared = ProcessInfo.processInfo.environment["WIREWATCH_SHARED"] ?? repository + "/../shared"
        return shared + "/eval/extraction"
    }()

    static var available: Bool { FileManager.default.fileExists(atPath: folder + "/ground-truth.json") }

    @Test(.enabled(if: available, "needs ../shared/eval/extraction"))
    func meanTokenF1OnRealPagesIsAtLeast093() throws {
        let result = try ExtractionEvaluation.run(folder: Self.folder)
        print(result.report(worst: 12))
        #expect(result.meanF1 >= 0.93, "mean token F1 \(result.meanF1)")
    }
}
