import ArgumentParser
import Foundation
import WirewatchStore

@main
struct Wirewatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wirewatch",
        abstract: "Query and steer Wirewatch.",
        version: "0.1.0",
        subcommands: [Stats.self])
}

/// Offline totals straight from a store file (works while the daemon runs: the store is in WAL mode).
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print totals from a Wirewatch database: articles, files, exact duplicates, failures.")

    @Option(name: .long, help: ArgumentHelp("The SQLite database.", valueName: "path"))
    var database: String = "/var/lib/wirewatch/wirewatch.sqlite"

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func run() throws {
        guard FileManager.default.fileExists(atPath: database) else {
            FileHandle.standardError.write(Data("wirewatch: no database at \(database); pass --database PATH\n".utf8))
            throw ExitCode(1)
        }
        let counts: StoreCounts
        do {
            let store = try Store(path: database)
            counts = try store.counts()
        } catch {
            FileHandle.standardError.write(Data("wirewatch: \(error)\n".utf8))
            throw ExitCode(1)
        }
        if json {
            print(
                "{\"articles\":\(counts.articles),\"files\":\(counts.files),\"exact_duplicates\":\(counts.exactDuplicates),\"failed\":\(counts.failed)}"
            )
        } else {
            print("articles          \(counts.articles)")
            print("files             \(counts.files)")
            print("exact duplicates  \(counts.exactDuplicates)")
            print("failed            \(counts.failed)")
        }
    }
}
