import Foundation

/// Measures the dedup engine on the labelled data sets in `../shared/eval/`: event clustering on
/// ECB+ (B-cubed F1 in a fixed shuffled order) and article similarity on SemEval-2022 Task 8
/// (Pearson correlation with the gold scores).
public enum DedupEvaluation {
    /// The result of clustering ECB+.
    public struct ClusteringResult: Sendable {
        public var documents: Int
        public var goldEvents: Int
        public var predictedEvents: Int
        public var score: BCubed
        public var seconds: Double
        /// Predicted event and gold cluster of each document, in processing order.
        public var assignments: [(event: Int64, gold: String, id: String)]
        /// The engine's decision on each document, in processing order (nil where it did not parse).
        public var decisions: [DedupDecision?] = []
        /// Whether each document had a publication date.
        public var dated: [Bool] = []
    }

    /// Runs ECB+ documents (`docs.jsonl`: `doc_id`, `event_cluster`, `text`) through the parser and
    /// the engine as plain-text files, in the order of a shuffle with `seed`.
    public static func ecbPlus(
        path: String, seed: UInt64 = 2024, configuration: DedupConfiguration = DedupConfiguration()
    ) throws -> ClusteringResult {
        struct Document {
            var id: String
            var cluster: String
            var text: String
        }
        var documents: [Document] = []
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                let id = object["doc_id"] as? String, let cluster = object["event_cluster"] as? String,
                let text = object["text"] as? String
            else { continue }
            documents.append(Document(id: id, cluster: cluster, text: text))
        }
        var random = SplitMix64(seed: seed)
        documents.shuffle(using: &random)
        let start = Date()
        let parser = ArticleParser()
        let analyzer = ArticleAnalyzer()
        let engine = DedupEngine(configuration: configuration)
        var predicted: [Int64] = []
        var gold: [String] = []
        var decisions: [DedupDecision?] = []
        var dated: [Bool] = []
        for (index, document) in documents.enumerated() {
            gold.append(document.cluster)
            guard let article = try? parser.parse(Array(document.text.utf8), fileName: document.id + ".txt") else {
                predicted.append(-Int64(index) - 1)  // unparseable: a cluster of its own
                decisions.append(nil)
                dated.append(false)
                continue
            }
            let profile = analyzer.profile(article)
            let decision = engine.add(
                DedupEngine.Input(
                    articleID: Int64(index + 1), profile: profile, arrival: 0,
                    source: document.id, title: article.title, segments: ArticleAnalyzer.segments(of: article)))
            predicted.append(decision.eventID)
            decisions.append(decision)
            dated.append(profile.published != nil)
        }
        // Scored as things stand at the end, after consolidating the open events as `analyze` does
        // once its input is read: merged events count as the event that took them, articles moved
        // by consolidation as their new event.
        _ = engine.consolidateAll()
        let current = engine.currentEvents()
        predicted = predicted.enumerated().map { index, event in current[Int64(index + 1)] ?? event }
        return ClusteringResult(
            documents: documents.count, goldEvents: Set(gold).count, predictedEvents: Set(predicted).count,
            score: BCubed(predicted: predicted, gold: gold), seconds: Date().timeIntervalSince(start),
            assignments: zip(zip(predicted, gold), documents).map { ($0.0, $0.1, $1.id) }, decisions: decisions, dated: dated)
    }

    /// Pearson correlations per language pair (`de-de`, …) and the number of pairs.
    public struct SimilarityResult: Sendable {
        public var correlations: [String: (pearson: Double, pairs: Int)]
        /// Per language pair, the mean combined similarity for each gold score (rounded).
        public var meanByGold: [String: [Int: Double]] = [:]
    }

    /// Scores every pair of `pairs.csv` (`pair_id`, `lang1`, `lang2`, `text1`, `text2`, `Overall`)
    /// with the engine's article similarity, the term statistics learnt from all texts, and
    /// correlates the score with −Overall (1 = same story … 4 = unrelated).
    public static func semEval(
        path: String, configuration: DedupConfiguration = DedupConfiguration(), languagePairs: Set<String>
    ) throws -> SimilarityResult {
        let rows = try CSV.parse(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self))
        guard let header = rows.first else { return SimilarityResult(correlations: [:]) }
        func column(_ name: String) -> Int? { header.firstIndex(of: name) }
        guard let pairColumn = column("pair_id"), let lang1 = column("lang1"), let lang2 = column("lang2"),
            let text1 = column("text1"), let text2 = column("text2"), let overall = column("Overall")
        else { throw CocoaError(.fileReadCorruptFile) }
        let parser = ArticleParser()
        let analyzer = ArticleAnalyzer()
        var profiles: [String: ArticleProfile] = [:]
        var statistics = TermStatistics()
        func profile(_ id: String, _ text: String, _ language: String) -> ArticleProfile? {
            if let known = profiles[id] { return known }
            guard var article = try? parser.parse(Array(text.utf8), fileName: id + ".txt") else { return nil }
            // The data set states each text's language.
            article.language = language
            let profile = analyzer.profile(article)
            profiles[id] = profile
            statistics.add(distinct: profile.content.map(\.hash) + profile.names.map(\.hash) + profile.numbers.map(\.hash))
            return profile
        }
        var pairs: [(String, ArticleProfile, ArticleProfile, Double)] = []
        for row in rows.dropFirst() where row.count == header.count {
            let key = row[lang1] + "-" + row[lang2]
            let ids = row[pairColumn].split(separator: "_").map(String.init)
            guard ids.count == 2, let gold = Double(row[overall]),
                let a = profile(ids[0] + "-" + row[lang1], row[text1], row[lang1]),
                let b = profile(ids[1] + "-" + row[lang2], row[text2], row[lang2])
            else { continue }
            if languagePairs.contains(key) { pairs.append((key, a, b, gold)) }
        }
        var scores: [String: ([Double], [Double])] = [:]
        for (key, a, b, gold) in pairs {
            let similarity = SimilarityScores.between(
                FeatureVectors(a, statistics: statistics), a.published, FeatureVectors(b, statistics: statistics),
                b.published, configuration: configuration)
            scores[key, default: ([], [])].0.append(similarity.reported)
            scores[key, default: ([], [])].1.append(-gold)
        }
        var meanByGold: [String: [Int: Double]] = [:]
        for (key, (reported, golds)) in scores {
            var sums: [Int: (Double, Int)] = [:]
            for (value, gold) in zip(reported, golds) {
                let bucket = Int((-gold).rounded())
                sums[bucket, default: (0, 0)].0 += value * value
                sums[bucket, default: (0, 0)].1 += 1
            }
            meanByGold[key] = sums.mapValues { $0.0 / Double($0.1) }
        }
        return SimilarityResult(
            correlations: scores.mapValues { (pearson($0.0, $0.1), $0.0.count) }, meanByGold: meanByGold)
    }
}

/// RFC 4180 CSV: quoted fields may hold commas, quotes (doubled) and line breaks.
public enum CSV {
    public static func parse(_ text: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field: [UInt8] = []
        var quoted = false
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if quoted {
                if byte == 0x22 {
                    if index + 1 < bytes.count && bytes[index + 1] == 0x22 {
                        field.append(0x22)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(byte)
                }
            } else if byte == 0x22 {
                quoted = true
            } else if byte == 0x2C {
                row.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
            } else if byte == 0x0A {
                row.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                rows.append(row)
                row = []
            } else if byte != 0x0D {
                field.append(byte)
            }
            index += 1
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(String(decoding: field, as: UTF8.self))
            rows.append(row)
        }
        return rows
    }
}
