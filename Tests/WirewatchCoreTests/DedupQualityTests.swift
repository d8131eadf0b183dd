import Foundation
import Testing
import WirewatchCore

/// Event clustering on ECB+ and similarity on SemEval-2022 Task 8 (`../shared/eval`), in
/// `$WIREWATCH_SHARED` (set by `make test`) or beside the repo, with the default configuration:
/// a guard against changes that lose quality. Skipped when the data sets are in neither.
struct DedupQualityTests {
    static let folder: String = {
        let repository = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        return (ProcessInfo.processInfo.environment["WIREWATCH_SHARED"] ?? repository + "/../shared") + "/eval"
    }()

    static var ecbPlus: String { folder + "/ecbplus/docs.jsonl" }
    static var semEval: String { folder + "/semeval2022-task8/pairs.csv" }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: ecbPlus), "needs ../shared/eval/ecbplus"))
    func ecbPlusEventsInTheReportedOrderReachABCubedF1Of095() throws {
        let result = try DedupEvaluation.ecbPlus(path: Self.ecbPlus)
        #expect(result.documents == 982 && result.goldEvents == 86)
        #expect(result.score.f1 >= 0.95, "B-cubed F1 \(result.score.f1) (P \(result.score.precision) R \(result.score.recall))")
        var withoutConsolidation = DedupConfiguration()
        withoutConsolidation.consolidationLinkage = 1
        let online = try DedupEvaluation.ecbPlus(path: Self.ecbPlus, configuration: withoutConsolidation)
        #expect(result.score.f1 > online.score.f1 + 0.04, "\(result.score.f1) against \(online.score.f1) without consolidation")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: semEval), "needs ../shared/eval/semeval2022-task8"))
    func semEvalSimilaritiesFollowTheGoldScores() throws {
        let result = try DedupEvaluation.semEval(path: Self.semEval, languagePairs: ["de-de", "en-en"])
        #expect((result.correlations["de-de"]?.pearson ?? 0) >= 0.60)
        #expect((result.correlations["en-en"]?.pearson ?? 0) >= 0.75)
    }
}
