import ArgumentParser
import Foundation
import WirewatchControl
import WirewatchStore

@main
struct Wirewatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wirewatch",
        abstract: "Query and steer Wirewatch.",
        discussion: """
            Commands that talk to the daemon use its control socket: --socket, else $WIREWATCH_SOCKET, \
            else /run/wirewatch/control.sock.

            Exit status: 0 success, 1 failure (or not found), 2 invalid arguments, 4 permission denied, \
            7 daemon not running.
            """,
        version: WirewatchInterface.version,
        subcommands: [
            Status.self, Events.self, EventCommand.self, Articles.self, ArticleCommand.self, Alerts.self, Explain.self,
            Follow.self, DigestCommand.self, Pause.self, Resume.self, Rescan.self, Retry.self, Reload.self, Parse.self, Analyze.self, Stats.self,
        ])

    /// Runs the command; arguments it cannot use exit with 2, as documented (ArgumentParser's own
    /// code for them is 64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

/// Options shared by every command that talks to the daemon.
struct ConnectionOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The daemon's control socket.", valueName: "path"))
    var socket: String?

    @Option(help: ArgumentHelp("Seconds to wait for a reply.", valueName: "seconds"))
    var timeout: Double = 10

    var socketPath: String {
        socket ?? ProcessInfo.processInfo.environment["WIREWATCH_SOCKET"] ?? "/run/wirewatch/control.sock"
    }

    /// Makes one call; turns failures into a one-line message and the documented exit status.
    func call(_ method: String, _ parameters: JSONValue = .object([:])) throws -> VarlinkReply {
        do {
            let client = try VarlinkClient(path: socketPath, timeout: timeout)
            return try client.call(VarlinkCall(method: method, parameters: parameters))
        } catch {
            fail("wirewatch: \(error)")
            switch error {
            case .notRunning: throw ExitCode(7)
            case .permissionDenied: throw ExitCode(4)
            default: throw ExitCode(1)
            }
        }
    }
}

func fail(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Throws the exit status for a Varlink error reply, after saying what it means.
func check(_ reply: VarlinkReply) throws {
    guard let error = reply.error else { return }
    switch error {
    case WirewatchInterface.Error.permissionDenied, VarlinkStandardError.permissionDenied:
        fail("wirewatch: permission denied for \(reply.parameters["method"]?.stringValue ?? "this call"): changes need root, the daemon's user or the group in control.admin_group; reading needs the group in control.group")
        throw ExitCode(4)
    case WirewatchInterface.Error.invalidConfiguration:
        let source = reply.parameters["source"]?.stringValue ?? "configuration"
        fail("wirewatch: \(source) is invalid; the daemon keeps its running configuration:")
        if case .array(let problems)? = reply.parameters["problems"] {
            for problem in problems { fail("  \(problem.stringValue ?? "\(problem)")") }
        }
        throw ExitCode(1)
    case WirewatchInterface.Error.notFound:
        fail("wirewatch: no \(reply.parameters["kind"]?.stringValue ?? "item") \(reply.parameters["id"]?.stringValue ?? "") in the store")
        throw ExitCode(1)
    case WirewatchInterface.Error.invalidParameter:
        let parameter = reply.parameters["parameter"]?.stringValue ?? "a parameter"
        fail("wirewatch: \(parameter) \(reply.parameters["reason"]?.stringValue ?? "is invalid")")
        throw ExitCode(2)
    default:
        fail("wirewatch: the daemon answered \(error) \(reply.parameters)")
        throw ExitCode(1)
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the daemon's state and counts.")

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Print the status as one JSON object.")
    var json = false

    func run() throws {
        let reply = try connection.call(WirewatchInterface.Method.getStatus)
        try check(reply)
        let status = reply.parameters["status"] ?? .object([:])
        if json {
            print(status.description)
            return
        }
        func int(_ key: String) -> Int { status[key]?.intValue ?? 0 }
        print("wirewatchd \(status["version"]?.stringValue ?? "?"): \(status["state"]?.stringValue ?? "?"), up \(Self.duration(int("uptime_seconds")))")
        print("inbox             \(status["inbox"]?.stringValue ?? "?")")
        print("articles          \(int("articles"))")
        print("files             \(int("files")) (\(int("exact_duplicates")) exact duplicates)")
        print("failed            \(int("failed"))")
        print("queued            \(int("queued"))")
        print("rescans           \(int("rescans")) (\(int("overflows")) after overflows)")
        print("alerts pending    \(int("alerts_pending"))")
        if let error = status["last_error"]?.stringValue { print("last error        \(error)") }
    }

    static func duration(_ seconds: Int) -> String {
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m \(seconds % 60)s" }
        if seconds < 86400 { return "\(seconds / 3600)h \(seconds % 3600 / 60)m" }
        return "\(seconds / 86400)d \(seconds % 86400 / 3600)h"
    }
}

struct Reload: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make the daemon re-read its configuration; waits until it is applied or refused.")

    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let reply = try connection.call(WirewatchInterface.Method.reload)
        try check(reply)
        if case .array(let warnings)? = reply.parameters["warnings"] {
            for warning in warnings { fail("wirewatch: warning: \(warning.stringValue ?? "")") }
        }
        print("reloaded \(reply.parameters["source"]?.stringValue ?? "configuration")")
    }
}

/// Offline totals straight from a store file (works while the daemon runs: the store is in WAL mode).
struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print totals from a Wirewatch database without the daemon: articles, files, duplicates, failures.")

    @Option(name: .long, help: ArgumentHelp("The SQLite database.", valueName: "path"))
    var database: String = "/var/lib/wirewatch/wirewatch.sqlite"

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    func run() throws {
        guard FileManager.default.fileExists(atPath: database) else {
            fail("wirewatch: no database at \(database); pass --database PATH")
            throw ExitCode(1)
        }
        let counts: StoreCounts
        do {
            let store = try Store(path: database)
            counts = try store.counts()
        } catch {
            fail("wirewatch: \(error)")
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
