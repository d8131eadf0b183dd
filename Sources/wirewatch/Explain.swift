import ArgumentParser
import Foundation
import WirewatchControl
import WirewatchDaemon
import WirewatchCore
import WirewatchStore

/// `wirewatch explain A B`: why two articles are or are not duplicates or reports of one event.
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Explain why two articles are or are not copies, or reports of the same event.",
        discussion: """
            A and B are article ids (from a database) or files. With a database (--database, or the
            daemon's /var/lib/wirewatch/wirewatch.sqlite when it exists), a file whose bytes are stored is
            that article, term weights come from everything stored, and the engine's own decisions are shown.
            Without one, both files are parsed here and weighed against each other only.
            """)

    @Argument(help: ArgumentHelp("The first article: an id or a file.", valueName: "a"))
    var first: String

    @Argument(help: ArgumentHelp("The second article: an id or a file.", valueName: "b"))
    var second: String

    @Option(name: [.customLong("database"), .customLong("state")], help: ArgumentHelp("The SQLite database.", valueName: "db"))
    var database: String?

    @Flag(help: "Print one JSON object.")
    var json = false

    @Option(help: ArgumentHelp("Read the [dedup] settings from this wirewatch.toml.", valueName: "path"))
    var config: String?

    struct Resolved {
        var label: String
        var id: Int64?
        var article: Article
    }

    func run() throws {
        var dedup = DedupConfiguration()
        if let config {
            do {
                dedup = try ConfigurationSource(explicitPath: config, base: nil).load().dedup
            } catch {
                fail("wirewatch: \(error.description)")
                throw ExitCode(1)
            }
        }
        let analyzer = ArticleAnalyzer()
        let path = database ?? (FileManager.default.isReadableFile(atPath: "/var/lib/wirewatch/wirewatch.sqlite") ? "/var/lib/wirewatch/wirewatch.sqlite" : nil)
        if let database, !FileManager.default.fileExists(atPath: database) {
            fail("wirewatch: no database at \(database)")
            throw ExitCode(1)
        }
        let store = try path.map { path in
            do { return try Store(path: path) } catch {
                fail("wirewatch: \(error)")
                throw ExitCode(1)
            }
        }
        let a = try resolve(first, store: store)
        let b = try resolve(second, store: store)
        let profileA = analyzer.profile(a.article)
        let profileB = analyzer.profile(b.article)
        var statistics: TermStatistics
        if let store {
            do { statistics = try store.termStatistics(analyzer: analyzer) } catch {
                fail("wirewatch: \(error)")
                throw ExitCode(1)
            }
        } else {
            statistics = TermStatistics()
        }
        // Articles not in the store count as seen, as the engine counts an article before weighing it.
        for (resolved, profile) in [(a, profileA), (b, profileB)] where resolved.id == nil || statistics.documents == 0 {
            statistics.add(distinct: profile.content.map(\.hash) + profile.names.map(\.hash) + profile.numbers.map(\.hash))
        }
        let comparison = ArticleComparison(
            .init(article: a.article, profile: profileA), .init(article: b.article, profile: profileB),
            statistics: statistics, configuration: dedup)
        let decisions = try [a, b].map { resolved -> StoredDecision? in
            guard let store, let id = resolved.id else { return nil }
            do { return try store.decision(ofArticle: id) } catch {
                fail("wirewatch: \(error)")
                throw ExitCode(1)
            }
        }
        if json {
            print(Self.json(a, b, comparison, decisions, statistics: statistics, configuration: dedup).description)
        } else {
            print(Self.human(a, b, comparison, decisions, statistics: statistics, configuration: dedup))
        }
    }

    func resolve(_ reference: String, store: Store?) throws -> Resolved {
        if let id = Int64(reference), !FileManager.default.fileExists(atPath: reference) {
            guard let store else {
                fail("wirewatch: \(reference) looks like an article id, but there is no database; pass --database PATH")
                throw ExitCode(2)
            }
            do {
                guard let stored = try store.storedArticle(id: id) else {
                    fail("wirewatch: no article \(id) in \(store.path)")
                    throw ExitCode(1)
                }
                return Resolved(label: stored.fileName, id: id, article: stored.article)
            } catch let error as StoreError {
                fail("wirewatch: \(error)")
                throw ExitCode(1)
            }
        }
        guard let data = FileManager.default.contents(atPath: reference) else {
            fail("wirewatch: cannot read \(reference)")
            throw ExitCode(1)
        }
        let bytes = Array(data)
        if let store, let id = try? store.articleID(contentHash: ContentHash(of: bytes)),
            let stored = try? store.storedArticle(id: id)
        {
            return Resolved(label: reference, id: id, article: stored.article)
        }
        do {
            let article = try ArticleParser().parse(bytes, fileName: (reference as NSString).lastPathComponent)
            return Resolved(label: reference, id: nil, article: article)
        } catch {
            fail("wirewatch: \(reference): \(error.code.rawValue): \(error.message)")
            throw ExitCode(1)
        }
    }

    static func verdict(_ a: Resolved, _ b: Resolved, _ comparison: ArticleComparison, _ decisions: [StoredDecision?]) -> String {
        if comparison.isExactDuplicate { return "exact duplicates: the same text after folding case, quotes and spacing" }
        if let da = decisions[0], let db = decisions[1], let ea = da.eventID, let eb = db.eventID {
            if let ida = a.id, db.duplicateOf == ida || db.nearDuplicateOf == ida { return "B copies A (\(db.kind.rawValue)); same event \(eb)" }
            if let idb = b.id, da.duplicateOf == idb || da.nearDuplicateOf == idb { return "A copies B (\(da.kind.rawValue)); same event \(ea)" }
            return ea == eb ? "same event (\(ea)), as the engine decided" : "different events (A in \(ea), B in \(eb)), as the engine decided"
        }
        if comparison.isNearDuplicate { return "near duplicates: one copies the other with edits" }
        return comparison.reachesEventThreshold
            ? "similar enough to be one event" : "not similar enough to be one event"
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
        lines.append("  numbers    \(scores.numbers.map(number) ?? "— (not in both)")")
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
