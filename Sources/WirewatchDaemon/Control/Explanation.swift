import Foundation
import WirewatchControl
import WirewatchCore
import WirewatchStore

/// Why two articles are or are not copies or reports of one event: the comparison the engine
/// would make, with the engine's own stored decisions when the articles are in a store. Shared
/// by `wirewatch explain` (offline) and the daemon's `Explain` method.
public struct Explanation {
    /// One of the two articles: how it was named, its id in the store (if stored), its fields.
    public struct Resolved {
        public var label: String
        public var id: Int64?
        public var article: Article

        public init(label: String, id: Int64?, article: Article) {
            self.label = label
            self.id = id
            self.article = article
        }
    }

    public let a: Resolved
    public let b: Resolved
    public let comparison: ArticleComparison
    public let decisions: [StoredDecision?]
    public let statistics: TermStatistics
    public let configuration: DedupConfiguration

    /// Compares the two with term weights from the store (its snapshot and the articles after
    /// it), or from the two alone without one.
    public init(
        _ a: Resolved, _ b: Resolved, store: Store?, configuration: DedupConfiguration, analyzer: ArticleAnalyzer
    ) throws(StoreError) {
        let profileA = analyzer.profile(a.article)
        let profileB = analyzer.profile(b.article)
        var statistics = try store?.termStatistics(analyzer: analyzer) ?? TermStatistics()
        // Articles not in the store count as seen, as the engine counts an article before weighing it.
        for (resolved, profile) in [(a, profileA), (b, profileB)] where resolved.id == nil || statistics.documents == 0 {
            statistics.add(distinct: profile.content.map(\.hash) + profile.names.map(\.hash) + profile.numbers.map(\.hash))
        }
        self.a = a
        self.b = b
        self.comparison = ArticleComparison(
            .init(article: a.article, profile: profileA), .init(article: b.article, profile: profileB),
            statistics: statistics, configuration: configuration)
        var decisions: [StoredDecision?] = []
        for side in [a, b] {
            if let store, let id = side.id { decisions.append(try store.decision(ofArticle: id)) } else { decisions.append(nil) }
        }
        self.decisions = decisions
        self.statistics = statistics
        self.configuration = configuration
    }

    public var verdict: String { Self.verdict(a, b, comparison, decisions) }
    public var human: String { Self.human(a, b, comparison, decisions, statistics: statistics, configuration: configuration) }
    public var json: JSONValue { Self.json(a, b, comparison, decisions, statistics: statistics, configuration: configuration) }

    static func verdict(_ a: Resolved, _ b: Resolved, _ comparison: ArticleComparison, _ decisions: [StoredDecision?]) -> String {
        if comparison.isExactDuplicate { return "exact duplicates: the same text after folding case, quotes and spacing" }
        if let da = decisions[0], let db = decisions[1], let ea = da.eventID, let eb = db.eventID {
            if let ida = a.id, db.duplicateOf == ida || db.nearDuplicateOf == ida { return "B copies A (\(db.kind.rawValue)); same event \(eb)" }
            if let idb = b.id, da.duplicateOf == idb || da.nearDuplicateOf == idb { return "A copies B (\(da.kind.rawValue)); same event \(ea)" }
            guard ea != eb else { return "same event (\(ea)), as the engine decided" }
            var verdict = "different events (A in \(ea), B in \(eb)), as the engine decided"
            if db.splitFrom == ea || da.splitFrom == eb {
                let (part, whole) = db.splitFrom == ea ? (eb, ea) : (ea, eb)
                verdict += "; consolidation split event \(part) off event \(whole): their reports share few nearest neighbours"
            }
            return verdict
        }
        if comparison.isNearDuplicate { return "near duplicates: one copies the other with edits" }
        return comparison.reachesEventThreshold
            ? "similar enough to be one event" : "not similar enough to be one event"
    }

    /// How much the numbers counted, when not fully.
    static func numbersNote(_ share: Double) -> String {
        switch share {
        case ..<0.01: " (not counted: fewer than three numbers on a side)"
        case ..<0.99: String(format: " (counted at %.0f%%: fewer than five numbers on a side)", share * 100)
        default: ""
        }
    }

    static func human(
        _ a: Resolved, _ b: Resolved, _ comparison: ArticleComparison, _ decisions: [StoredDecision?],
        statistics: TermStatistics, configuration: DedupConfiguration
    ) -> String {
        func describe(_ name: String, _ side: Resolved) -> String {
            let id = side.id.map { "#\($0) " } ?? ""
            let language = side.article.language ?? "language unknown"
            let published = side.article.published.map { ", published \($0)" } ?? ""
            return "\(name)  \(id)\(side.label)\n   “\(side.article.title ?? "(no title)")” (\(language)\(published))"
        }
        func number(_ value: Double) -> String { String(format: "%.3f", value) }
        let scores = comparison.scores
        var lines = [describe("A", a), describe("B", b), ""]
        lines.append("verdict      \(verdict(a, b, comparison, decisions))")
        lines.append(
            "copying      wording overlap \(number(comparison.jaccard)) (a copy from \(number(configuration.nearDuplicateSimilarity))), containment \(number(comparison.containment)) (from \(number(configuration.nearDuplicateContainment)))"
        )
        lines.append(
            "similarity   \(number(scores.reported)) (combined \(number(scores.combined)); an article joins an event from \(number(configuration.eventSimilarity)))"
        )
        lines.append("  content    \(number(scores.content))")
        lines.append("  names      \(number(scores.names))")
        lines.append("  numbers    \(scores.numbers.map { number($0) + numbersNote(scores.numbersShare) } ?? "— (not in both)")")
        if let distance = scores.timeDistance {
            lines.append("  time       \(String(format: "%.0f", distance / 3600)) h between the dates (factor \(number(scores.timeFactor)))")
        } else {
            lines.append("  time       — (a date is missing)")
        }
        lines.append("shared       \(comparison.sharedTerms.joined(separator: ", "))")
        lines.append("only in A    \(comparison.onlyInFirst.joined(separator: ", "))")
        lines.append("only in B    \(comparison.onlyInSecond.joined(separator: ", "))")
        lines.append("passages     \(comparison.sharedPassages.count) sentences of B are (nearly) word for word in A")
        for passage in comparison.sharedPassages.prefix(10) {
            lines.append("  “" + (passage.count > 200 ? String(passage.prefix(197)) + "…" : passage) + "”")
        }
        lines.append("weights      from \(statistics.documents) articles")
        for (name, decision) in zip(["A", "B"], decisions) {
            guard let decision else { continue }
            var line = "engine       \(name): \(decision.kind.rawValue)"
            if let event = decision.eventID { line += ", event \(event)" }
            if let original = decision.duplicateOf ?? decision.nearDuplicateOf { line += ", copy of #\(original)" }
            line += "  \(decision.evidenceJSON)"
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    static func json(
        _ a: Resolved, _ b: Resolved, _ comparison: ArticleComparison, _ decisions: [StoredDecision?],
        statistics: TermStatistics, configuration: DedupConfiguration
    ) -> JSONValue {
        func side(_ resolved: Resolved, _ decision: StoredDecision?) -> JSONValue {
            var object: [String: JSONValue] = [
                "path": .string(resolved.label), "id": resolved.id.map { .number(Double($0)) } ?? .null,
                "title": resolved.article.title.map(JSONValue.string) ?? .null,
            ]
            if let decision {
                object["decision"] = .string(decision.kind.rawValue)
                object["event"] = decision.eventID.map { .number(Double($0)) } ?? .null
                object["evidence"] = (try? JSONDecoder().decode(JSONValue.self, from: Data(decision.evidenceJSON.utf8))) ?? .null
            }
            return .object(object)
        }
        let scores = comparison.scores
        return .object([
            "a": side(a, decisions[0]), "b": side(b, decisions[1]),
            "verdict": .string(verdict(a, b, comparison, decisions)),
            "exact_duplicate": .bool(comparison.isExactDuplicate), "near_duplicate": .bool(comparison.isNearDuplicate),
            "jaccard": .number(comparison.jaccard), "containment": .number(comparison.containment),
            "similarity": .number(scores.reported), "combined": .number(scores.combined),
            "content": .number(scores.content), "names": .number(scores.names),
            "numbers": scores.numbers.map(JSONValue.number) ?? .null,
            "numbers_share": scores.numbers == nil ? .null : .number(scores.numbersShare),
            "time_distance_hours": scores.timeDistance.map { .number($0 / 3600) } ?? .null,
            "event_threshold": .number(configuration.eventSimilarity),
            "shared_terms": .array(comparison.sharedTerms.map(JSONValue.string)),
            "only_in_a": .array(comparison.onlyInFirst.map(JSONValue.string)),
            "only_in_b": .array(comparison.onlyInSecond.map(JSONValue.string)),
            "shared_passages": .array(comparison.sharedPassages.map(JSONValue.string)),
            "weights_from_articles": .number(Double(statistics.documents)),
        ])
    }
}
