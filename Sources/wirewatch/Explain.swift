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
            A and B are article ids (from a database) or files. With a database (--database, or the \
            daemon's /var/lib/wirewatch/wirewatch.sqlite when it exists), a file whose bytes are stored is \
            that article, term weights come from everything stored, and the engine's own decisions are shown. \
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

    typealias Resolved = Explanation.Resolved

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
        let explanation: Explanation
        do {
            explanation = try Explanation(a, b, store: store, configuration: dedup, analyzer: analyzer)
        } catch {
            fail("wirewatch: \(error)")
            throw ExitCode(1)
        }
        print(json ? explanation.json.description : explanation.human)
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

}
