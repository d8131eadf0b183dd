import ArgumentParser
import Foundation
import WirewatchCore

/// Dedup quality on the labelled data sets: ECB+ B-cubed F1 and SemEval Pearson correlations.
struct DedupQuality: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quality",
        abstract: "Event clustering on ECB+ (B-cubed F1) and similarity on SemEval-2022 Task 8 (Pearson).")

    @Option(help: "ECB+ documents (JSON lines).")
    var ecb: String = "../shared/eval/ecbplus/docs.jsonl"

    @Option(help: "SemEval-2022 Task 8 pairs (CSV).")
    var semeval: String = "../shared/eval/semeval2022-task8/pairs.csv"

    @Option(help: "Seeds of the shuffled orders for ECB+ (comma-separated); the first is the reported one.")
    var seeds: String = "2024,1,2,3,4"

    @Option(help: "Event similarity thresholds to sweep besides the default (comma-separated), to see how flat the optimum is.")
    var sweep: String = ""

    @Option(help: "Event merge similarities to sweep besides the default (comma-separated; 1 turns merging off).")
    var mergeSweep: String = ""

    @Option(help: "Override the window (hours), for ablations.")
    var window: Double?

    @Option(help: "Override the weights content,names,numbers, for ablations.")
    var weights: String?

    @Option(help: "Override dedup.consolidation_linkage (1 turns consolidation off), for ablations.")
    var linkage: Double?

    @Flag(help: "List the mixed and split clusters of the first order.")
    var details = false

    @Option(help: "Write every decision of the first order as tab-separated values to this file.")
    var trace: String?

    /// One line per document: its place in the order, id, gold cluster, whether it is dated, the
    /// decision, the event and the gold cluster most of the event's earlier documents have, and the scores.
    static func writeTrace(_ result: DedupEvaluation.ClusteringResult, to path: String) throws {
        var lines = ["order\tid\tgold\tdated\tkind\tevent\tevent_gold\tclosest\tcontent\tnames\tnumbers\tcombined"]
        var members: [Int64: [String: Int]] = [:]
        for (index, (event, gold, id)) in result.assignments.enumerated() {
            let decision = result.decisions[index]
            let target = decision?.kind == .newEvent ? decision?.evidence.closestEventID : event
            let majority = target.flatMap { members[$0]?.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key } ?? "-"
            let scores = decision?.evidence.similarity
            lines.append([
                String(index), id, gold, result.dated[index] ? "1" : "0", decision?.kind.rawValue ?? "error", String(event), majority,
                decision?.evidence.closestEventID.map(String.init) ?? "-",
                scores.map { String(format: "%.4f", $0.content) } ?? "-", scores.map { String(format: "%.4f", $0.names) } ?? "-",
                scores?.numbers.map { String(format: "%.4f", $0) } ?? "-", scores.map { String(format: "%.4f", $0.combined) } ?? "-",
            ].joined(separator: "\t"))
            members[event, default: [:]][gold, default: 0] += 1
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Writes every ECB+ document's profile as JSON lines (for experiments outside the engine).
    static func dumpProfiles(ecb: String, to path: String) throws {
        let parser = ArticleParser()
        let analyzer = ArticleAnalyzer()
        var lines: [String] = []
        let data = try Data(contentsOf: URL(fileURLWithPath: ecb))
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                let id = object["doc_id"] as? String, let cluster = object["event_cluster"] as? String,
                let text = object["text"] as? String,
                let article = try? parser.parse(Array(text.utf8), fileName: id + ".txt")
            else { continue }
            let profile = analyzer.profile(article)
            let segments = ArticleAnalyzer.segments(of: article)
            func terms(_ list: [ArticleProfile.Term]) -> [[Any]] {
                list.map { [String($0.hash), Double($0.count), $0.location.text(in: segments), Int($0.location.segment)] }
            }
            let entry: [String: Any] = [
                "id": id, "gold": cluster, "title": article.title ?? "", "language": profile.language ?? "",
                "published": profile.published.map { [$0.start, $0.end] } ?? NSNull(),
                "content": terms(profile.content), "names": terms(profile.names), "numbers": terms(profile.numbers),
                "places": profile.places.map { [$0.place, $0.count] },
                "sentences": profile.sentences.map { [String($0.key), $0.words, $0.isLead] },
                "paragraphs": article.paragraphs.count,
            ]
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: entry), as: UTF8.self))
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func printDetails(_ result: DedupEvaluation.ClusteringResult) {
        var byEvent: [Int64: [String: Int]] = [:]
        var byGold: [String: [Int64: Int]] = [:]
        var docs: [Int64: [String]] = [:]
        for (event, _, id) in result.assignments { docs[event, default: []].append(id) }
        for (event, gold, _) in result.assignments {
            byEvent[event, default: [:]][gold, default: 0] += 1
            byGold[gold, default: [:]][event, default: 0] += 1
        }
        // What fixing each kind of error would be worth.
        let sizes = byEvent.mapValues { $0.values.reduce(0, +) }
        var majority: [String: Int64] = [:]
        for (gold, events) in byGold { majority[gold] = events.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }!.key }
        let smallFixed = result.assignments.map { sizes[$0.event]! <= 2 ? majority[$0.gold]! : $0.event }
        let mixedFixed = result.assignments.map { "\($0.event)-\($0.gold)" }
        print(String(format: "  oracle: small events joined to their majority %.3f; mixed events split %.3f",
            BCubed(predicted: smallFixed, gold: result.assignments.map(\.gold)).f1,
            BCubed(predicted: mixedFixed, gold: result.assignments.map(\.gold)).f1))
        for (event, golds) in byEvent.sorted(by: { $0.key < $1.key }) where golds.count > 1 {
            print("  mixed event \(event): \(golds.sorted { $0.value > $1.value }.map { "\($0.key)×\($0.value)" }.joined(separator: " "))")
        }
        for (gold, events) in byGold.sorted(by: { $0.key < $1.key }) where events.count > 1 {
            print("  split \(gold): \(events.values.sorted(by: >).map(String.init).joined(separator: "+"))")
            let major = events.max { $0.value < $1.value }!.key
            for (event, count) in events where event != major && count <= 2 { print("      minority: \(docs[event]!.joined(separator: " "))") }
        }
    }

    @Option(help: "Write each ECB+ document's profile as JSON lines to this file, and stop.")
    var dumpProfiles: String?

    func run() throws {
        if let dumpProfiles { return try Self.dumpProfiles(ecb: ecb, to: dumpProfiles) }
        print("machine: \(IngestBenchmark.machineDescription())")
        var defaults = DedupConfiguration()
        if let window { defaults.window = window * 3600 }
        if let linkage { defaults.consolidationLinkage = linkage }
        if let weights {
            let values = weights.split(separator: ",").compactMap { Double($0) }
            if values.count == 3 {
                defaults.contentWeight = values[0]
                defaults.namesWeight = values[1]
                defaults.numbersWeight = values[2]
            }
        }
        let seedList = seeds.split(separator: ",").compactMap { UInt64($0) }
        var thresholds = [defaults.eventSimilarity]
        thresholds += sweep.split(separator: ",").compactMap { Double($0) }
        let merges = [defaults.eventMergeSimilarity] + mergeSweep.split(separator: ",").compactMap { Double($0) }
        for threshold in thresholds {
            for merge in merges {
                var configuration = defaults
                configuration.eventSimilarity = threshold
                configuration.eventMergeSimilarity = merge
                var f1s: [Double] = []
                for seed in seedList {
                    let result = try DedupEvaluation.ecbPlus(path: ecb, seed: seed, configuration: configuration)
                    f1s.append(result.score.f1)
                    if details && seed == seedList.first { Self.printDetails(result) }
                    if let trace, seed == seedList.first, threshold == thresholds.first, merge == merges.first { try Self.writeTrace(result, to: trace) }
                    print(String(
                        format: "ECB+ threshold %.3f merge %.2f seed %llu: B-cubed F1 %.3f (P %.3f R %.3f), %d events for %d gold, %d docs in %.2f s",
                        threshold, merge, seed, result.score.f1, result.score.precision, result.score.recall, result.predictedEvents,
                        result.goldEvents, result.documents, result.seconds))
                }
                print(String(
                    format: "ECB+ threshold %.3f merge %.2f: mean F1 %.3f over %d orders", threshold, merge,
                    f1s.reduce(0, +) / Double(f1s.count), f1s.count))
            }
        }
        let similarity = try DedupEvaluation.semEval(path: semeval, configuration: defaults, languagePairs: ["de-de", "en-en", "de-en"])
        for key in similarity.correlations.keys.sorted() {
            let entry = similarity.correlations[key]!
            print(String(format: "SemEval %@: Pearson %.3f over %d pairs", key, entry.pearson, entry.pairs))
            if details, let means = similarity.meanByGold[key] {
                print("  mean combined similarity by gold score: " + means.keys.sorted().map { String(format: "%d: %.3f", $0, means[$0]!) }.joined(separator: ", "))
            }
        }
    }
}
