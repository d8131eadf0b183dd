import Foundation

/// Runs the HTML parser over an extraction benchmark folder (`html/ID.html.gz` and
/// `ground-truth.json` with `{ID: {articleBody, url}}`) and scores the bodies by token F1.
public struct ExtractionEvaluation: Sendable {
    public struct PageScore: Sendable {
        public var id: String
        public var url: String
        public var overlap: TokenOverlap
        public var rule: String
    }

    public var pages: [PageScore]

    public var meanF1: Double { pages.isEmpty ? 0 : pages.reduce(0) { $0 + $1.overlap.f1 } / Double(pages.count) }
    public var meanPrecision: Double { pages.isEmpty ? 0 : pages.reduce(0) { $0 + $1.overlap.precision } / Double(pages.count) }
    public var meanRecall: Double { pages.isEmpty ? 0 : pages.reduce(0) { $0 + $1.overlap.recall } / Double(pages.count) }

    public static func run(folder: String) throws -> ExtractionEvaluation {
        let truthData = try Data(contentsOf: URL(fileURLWithPath: folder + "/ground-truth.json"))
        guard let truth = try JSONSerialization.jsonObject(with: truthData) as? [String: [String: Any]] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        var pages: [PageScore] = []
        for id in truth.keys.sorted() {
            let gold = truth[id]?["articleBody"] as? String ?? ""
            let url = truth[id]?["url"] as? String ?? ""
            let html = try gunzip(folder + "/html/\(id).html.gz")
            var extracted = ""
            var rule = "error"
            do {
                let article = try ArticleParser().parse(html, fileName: "\(id).html")
                extracted = article.body
                rule = article.rules["body"] ?? ""
            } catch {
                rule = "error: \(error.message)"
            }
            pages.append(PageScore(id: id, url: url, overlap: TokenOverlap(extracted: extracted, gold: gold), rule: rule))
        }
        return ExtractionEvaluation(pages: pages)
    }

    /// Decompresses with the system's `gzip` (the data set is stored compressed).
    public static func gunzip(_ path: String) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }

    public func report(worst: Int) -> String {
        var lines = [
            String(format: "extraction: %d pages, mean token F1 %.3f (precision %.3f, recall %.3f)", pages.count, meanF1, meanPrecision, meanRecall)
        ]
        for page in pages.sorted(by: { $0.overlap.f1 < $1.overlap.f1 }).prefix(worst) {
            lines.append(String(format: "  %.3f (p %.2f r %.2f) %@ %@", page.overlap.f1, page.overlap.precision, page.overlap.recall, page.rule, page.url))
        }
        return lines.joined(separator: "\n")
    }
}
