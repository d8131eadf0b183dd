import ArgumentParser
import Foundation
import WirewatchControl
import WirewatchDaemon
import WirewatchCore
import WirewatchStore

/// `wirewatch analyze PATH...`: the daemon's pipeline (parse, analyse, decide, store) run in-process
/// over files and folders, without a daemon.
struct Analyze: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Parse files and folders and decide duplicates and events, as the daemon would, without it.",
        discussion: """
            Files are taken in file-name order (folders recursively; hidden and temporary names skipped), \
            or by published date with --by-date (undated files last). Each file goes through the same \
            parser, analyzer, dedup engine and store as in the daemon. Without --state the store is a \
            temporary file, deleted at the end; with --state it is kept, and a later run continues from it.

            --json prints exactly one JSON object per input file, one per line, and nothing else: \
            {"path", "id", "title", "source", "published", "language", "event", "duplicate_of", \
            "near_duplicate_of", "error"}; duplicate_of and near_duplicate_of hold the path of the \
            earlier article, or null; error is null unless the file could not be taken in.

            Lines are printed once every file is decided and the events are consolidated: a later \
            article can show two events to be one, or some reports of an event to be another's, and \
            each line gives the event as it stands at the end.
            """)

    @Argument(help: ArgumentHelp("Files and folders.", valueName: "path"))
    var paths: [String]

    @Flag(help: "One JSON object per input file, one per line.")
    var json = false

    @Option(help: ArgumentHelp("Keep the state in this SQLite database (created if missing).", valueName: "db"))
    var state: String?

    @Flag(name: .customLong("by-date"), help: "Process in order of published date instead of file name.")
    var byDate = false

    @Option(help: ArgumentHelp("Read the [dedup] settings from this wirewatch.toml.", valueName: "path"))
    var config: String?

    func run() throws {
        HeapTuning.apply()
        let dedup = try loadDedupConfiguration()
        let files = InputFiles.collect(paths)
        let temporary = state == nil
        let databasePath = state ?? NSTemporaryDirectory() + "wirewatch-analyze-\(UUID().uuidString).sqlite"
        defer {
            if temporary {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: databasePath + suffix) }
            }
        }
        let store: Store
        let engine: DedupEngine
        let analyzers = AnalyzerPool()
        do {
            store = try Store(path: databasePath)
            (engine, _) = try store.restore(configuration: dedup, analyzer: analyzers.analyzer(0))
        } catch {
            fail("wirewatch: \(error)")
            throw ExitCode(1)
        }
        var report = Report(json: json, store: store)
        var order = files
        var evaluated: [Int: ArticleIntake.Outcome] = [:]
        if byDate {
            // Everything is parsed first to know the dates.
            let outcomes = Self.evaluate(files, analyzers: analyzers)
            for (index, outcome) in outcomes.enumerated() { evaluated[index] = outcome }
            let keyed = files.enumerated().map { index, file in (file, Self.date(of: outcomes[index])) }
            order = keyed.enumerated().sorted { lhs, rhs in
                switch (lhs.element.1, rhs.element.1) {
                case (let a?, let b?): a != b ? a < b : lhs.offset < rhs.offset
                case (.some, nil): true
                case (nil, .some): false
                case (nil, nil): lhs.offset < rhs.offset
                }
            }.map(\.element.0)
            var reordered: [Int: ArticleIntake.Outcome] = [:]
            let position = Dictionary(uniqueKeysWithValues: files.enumerated().map { ($1.path, $0) })
            for (index, file) in order.enumerated() { reordered[index] = evaluated[position[file.path]!] }
            evaluated = reordered
        }
        var failures = 0
        for start in stride(from: 0, to: order.count, by: 256) {
            let chunk = Array(order[start..<min(order.count, start + 256)])
            let outcomes =
                byDate
                ? (start..<(start + chunk.count)).map { evaluated.removeValue(forKey: $0)! }
                : Self.evaluate(chunk, analyzers: analyzers)
            do {
                failures += try report.commit(chunk, outcomes, engine: engine)
            } catch {
                report.printLines()  // what was committed before the failure
                fail("wirewatch: \(error)")
                throw ExitCode(1)
            }
        }
        do {
            // The events as consolidation leaves them once everything is read, as the daemon
            // consolidates when its input pauses.
            _ = try store.consolidate(engine: engine, at: Date().timeIntervalSince1970)
            try report.resolveEvents()
            try store.saveStatistics(engine.statistics, watermark: try store.lastArticleID())
            try store.close()
        } catch {
            report.printLines()
            fail("wirewatch: \(error)")
            throw ExitCode(1)
        }
        report.printLines()
        if !json { report.printSummary() }
        if failures > 0 { throw ExitCode(1) }
    }

    private func loadDedupConfiguration() throws -> DedupConfiguration {
        guard let config else { return DedupConfiguration() }
        do {
            return try ConfigurationSource(explicitPath: config, base: nil).load().dedup
        } catch {
            fail("wirewatch: \(error.description)")
            throw ExitCode(1)
        }
    }

    static func evaluate(_ files: [InputFiles.File], analyzers: AnalyzerPool) -> [ArticleIntake.Outcome] {
        ArticleIntake.concurrently(files, analyzers: analyzers) { file, analyzer in
            guard let bytes = file.read() else {
                return .rejected(code: "unreadable", reason: "the file cannot be read")
            }
            return ArticleIntake.evaluate(
                bytes, fileName: (file.path as NSString).lastPathComponent, maximumSize: 10 << 20, analyzer: analyzer)
        }
    }

    static func date(of outcome: ArticleIntake.Outcome) -> Double? {
        if case .article(let article, _, _, _, _) = outcome { return article.published?.secondsSince1970 }
        return nil
    }
}

/// The files named on the command line: folders walked recursively in name order, hidden and
/// temporary names (`.*`, `*.tmp`, `*.part`, `*~`) skipped as the daemon skips them.
enum InputFiles {
    struct File: Sendable {
        var path: String
        /// Why it cannot be read, for paths that do not exist.
        var missing: Bool = false

        func read() -> [UInt8]? {
            guard !missing, let data = FileManager.default.contents(atPath: path) else { return nil }
            return Array(data)
        }
    }

    static func collect(_ paths: [String]) -> [File] {
        var files: [File] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                files.append(File(path: path, missing: true))
                continue
            }
            guard isDirectory.boolValue else {
                files.append(File(path: path))
                continue
            }
            let enumerator = FileManager.default.enumerator(atPath: path)
            var found: [String] = []
            while let relative = enumerator?.nextObject() as? String {
                let name = (relative as NSString).lastPathComponent
                if skipped(name) {
                    if (enumerator?.fileAttributes?[.type] as? FileAttributeType) == .typeDirectory { enumerator?.skipDescendants() }
                    continue
                }
                let full = (path as NSString).appendingPathComponent(relative)
                var folder: ObjCBool = false
                if FileManager.default.fileExists(atPath: full, isDirectory: &folder), !folder.boolValue { found.append(full) }
            }
            files += found.sorted().map { File(path: $0) }
        }
        return files
    }

    static func skipped(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix(".tmp") || name.hasSuffix(".part") || name.hasSuffix("~")
    }
}

/// Commits analysed files and reports each as a line, once all are decided.
private struct Report {
    let json: Bool
    let store: Store
    /// Article id → the path it was first read from, in this run.
    var paths: [Int64: String] = [:]
    var counts: [String: Int] = [:]
    /// Events merged into another in this run.
    var merges = MergedEvents()
    /// Each article's event at the end (after consolidation), once read.
    var finalEvents: [Int64: Int64] = [:]
    var lines: [Line] = []

    /// What one input file's line says.
    enum Line {
        case article(path: String, id: Int64, fields: Fields, event: Int64?, duplicateOf: String?, nearDuplicateOf: String?, kind: String)
        case error(path: String, message: String)
    }

    struct Fields {
        var title: String?
        var source: String?
        var published: String?
        var language: String?

        init(_ article: Article) {
            title = article.title
            source = article.source
            published = article.published?.description
            language = article.language
        }
    }

    init(json: Bool, store: Store) {
        self.json = json
        self.store = store
    }

    /// Commits one chunk and prints its lines; returns how many files failed.
    mutating func commit(_ files: [InputFiles.File], _ outcomes: [ArticleIntake.Outcome], engine: DedupEngine) throws -> Int {
        let now = Date().timeIntervalSince1970
        var random = SystemRandomNumberGenerator()
        var records: [IngestionRecord] = []
        for (file, outcome) in zip(files, outcomes) {
            let claim = ClaimID(arrivalMilliseconds: Int64(now * 1000), tag: random.next())
            switch outcome {
            case .article(let article, let profile, let hash, let text, let columns):
                records.append(
                    .accepted(
                        AcceptedFile(
                            claimID: claim, originalName: file.path, size: Int64(text.text.utf8.count), contentHash: hash,
                            text: text, arrivedAt: now, processedAt: now, archivePath: file.path, article: article,
                            profile: profile, sourceKey: SourceKey.of(article, fileName: file.path), columns: columns)))
            case .rejected(let code, let reason):
                records.append(
                    .rejected(
                        RejectedFile(
                            claimID: claim, originalName: file.path, size: nil, reasonCode: code, reason: reason,
                            arrivedAt: now, failedAt: now, failedPath: file.path)))
            }
        }
        let recorded = try store.record(records, engine: engine)
        var failures = 0
        for (index, result) in recorded.results.enumerated() {
            let file = files[index]
            switch (outcomes[index], result) {
            case (.article(let article, _, _, _, _), .stored(_, let articleID)):
                paths[articleID] = file.path
                let decision = recorded.decisions[articleID]
                counts[decision?.kind.rawValue ?? "stored", default: 0] += 1
                if let decision { merges.note(decision) }
                lines.append(
                    .article(
                        path: file.path, id: articleID, fields: Fields(article), event: decision?.eventID,
                        duplicateOf: try decision?.duplicateOf.map { try path(of: $0) },
                        nearDuplicateOf: try decision?.nearDuplicateOf.map { try path(of: $0) },
                        kind: decision?.kind.rawValue ?? "stored"))
            case (.article(let article, _, _, _, _), .exactDuplicate(_, let articleID, _)):
                counts["exact-duplicate", default: 0] += 1
                let stored = try store.article(id: articleID)
                lines.append(
                    .article(
                        path: file.path, id: articleID, fields: Fields(article), event: stored?.eventID,
                        duplicateOf: try path(of: articleID), nearDuplicateOf: nil, kind: "exact-duplicate"))
            case (.rejected(let code, let reason), _):
                failures += 1
                counts["failed", default: 0] += 1
                lines.append(.error(path: file.path, message: "\(code): \(reason)"))
            default:
                failures += 1
                lines.append(.error(path: file.path, message: "already recorded"))
            }
        }
        return failures
    }

    /// Reads where each article stands at the end.
    mutating func resolveEvents() throws {
        var ids: [Int64] = []
        for line in lines { if case .article(_, let id, _, _, _, _, _) = line { ids.append(id) } }
        finalEvents = try store.events(ofArticles: ids)
    }

    mutating func path(of article: Int64) throws -> String {
        if let known = paths[article] { return known }
        let name = try store.fileName(ofArticle: article) ?? "article \(article)"
        paths[article] = name
        return name
    }

    func printLines() {
        for line in lines {
            switch line {
            case .article(let path, let id, let fields, let event, let duplicateOf, let nearDuplicateOf, let kind):
                emit(
                    path: path, id: id, fields: fields, event: finalEvents[id] ?? event.map(merges.current), decidedEvent: event,
                    duplicateOf: duplicateOf, nearDuplicateOf: nearDuplicateOf, kind: kind)
            case .error(let path, let message):
                emitError(path: path, message)
            }
        }
    }

    func emit(
        path: String, id: Int64, fields: Fields, event: Int64?, decidedEvent: Int64?, duplicateOf: String?,
        nearDuplicateOf: String?, kind: String
    ) {
        func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
        if json {
            let object: JSONValue = .object([
                "path": .string(path), "id": .number(Double(id)), "title": text(fields.title),
                "source": text(fields.source), "published": text(fields.published),
                "language": text(fields.language), "event": event.map { .number(Double($0)) } ?? .null,
                "duplicate_of": text(duplicateOf), "near_duplicate_of": text(nearDuplicateOf), "error": .null,
            ])
            print(object.description)
        } else {
            var line = "\(path)  article \(id), event \(event.map(String.init) ?? "?")"
            if let decidedEvent, decidedEvent != event {
                let how = merges.current(decidedEvent) == event ? "merged later" : "regrouped later"
                line += " (decided \(decidedEvent), \(how))"
            }
            line += "  \(kind)"
            if let duplicateOf { line += " of \(duplicateOf)" }
            if let nearDuplicateOf { line += " of \(nearDuplicateOf)" }
            print(line)
            print("    \(fields.title ?? "(no title)")")
        }
    }

    func emitError(path: String, _ message: String) {
        if json {
            var object: [String: JSONValue] = ["path": .string(path), "error": .string(message)]
            for key in ["id", "title", "source", "published", "language", "event", "duplicate_of", "near_duplicate_of"] {
                object[key] = .null
            }
            print(JSONValue.object(object).description)
        } else {
            print("\(path)  error: \(message)")
        }
    }

    func printSummary() {
        var events = Set<Int64>()
        for case .article(_, let id, _, let event?, _, _, _) in lines { events.insert(finalEvents[id] ?? merges.current(event)) }
        let parts = counts.keys.sorted().map { "\(counts[$0]!) \($0)" }
        print("\n\(counts.values.reduce(0, +)) files: \(parts.joined(separator: ", ")); \(events.count) \(events.count == 1 ? "event" : "events")")
    }
}
