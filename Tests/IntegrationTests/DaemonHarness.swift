import Foundation
import Testing
import WirewatchStore

#if canImport(Glibc)
import Glibc
#endif

/// Starts the built `wirewatchd` on a temporary layout and looks at what lands where.
final class DaemonHarness {
    let base: String
    var inbox: String { base + "/inbox" }
    var processing: String { base + "/processing" }
    var archive: String { base + "/archive" }
    var failed: String { base + "/failed" }
    var database: String { base + "/wirewatch.sqlite" }
    let logPath: String
    private(set) var process: Process?
    var environment: [String: String] = [:]
    var extraArguments: [String] = []
    /// A command the daemon is started through, e.g. `setpriv` to drop privileges.
    var launcher: [String] = []
    private var fileCounter = 0

    init(name: String = #function) throws {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        base = NSTemporaryDirectory() + "wirewatch-it-\(safe)-\(UUID().uuidString.prefix(8))"
        logPath = base + ".log"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
    }

    deinit {
        if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// The folder the test binary lives in, where SwiftPM puts the products too.
    static var binaryFolder: String {
        if let override = ProcessInfo.processInfo.environment["WIREWATCH_BIN_DIR"] { return override }
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // Inside an .xctest bundle on some layouts: walk up to the folder holding wirewatchd.
        while folder.path != "/" && !FileManager.default.fileExists(atPath: folder.appendingPathComponent("wirewatchd").path) {
            folder = folder.deletingLastPathComponent()
        }
        return folder.path
    }

    static var daemonPath: String { binaryFolder + "/wirewatchd" }
    static var cliPath: String { binaryFolder + "/wirewatch" }

    /// Starts the daemon and waits until it logs that it watches the inbox.
    func start(timeout: Double = 30) throws {
        let process = Process()
        let command = launcher + [Self.daemonPath, "--base", base] + extraArguments
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        if !FileManager.default.fileExists(atPath: logPath) {
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)  // opening it below says why not
        }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardError = log
        process.standardOutput = log
        let marker = "watching \(inbox)"
        let before = log_().components(separatedBy: marker).count
        try process.run()
        self.process = process
        try waitUntil("daemon ready", timeout: timeout) {
            guard process.isRunning else { throw HarnessError("daemon exited early:\n\(self.log_())") }
            return self.log_().components(separatedBy: marker).count > before
        }
    }

    /// SIGTERM and the exit status.
    @discardableResult
    func stop(timeout: Double = 30) throws -> Int32 {
        guard let process else { return 0 }
        kill(process.processIdentifier, SIGTERM)
        try waitUntil("daemon exit", timeout: timeout) { !process.isRunning }
        self.process = nil
        return process.terminationStatus
    }

    /// kill -9.
    func crash() throws {
        guard let process else { return }
        kill(process.processIdentifier, SIGKILL)
        try waitUntil("daemon death", timeout: 10) { !process.isRunning }
        self.process = nil
    }

    func log_() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    // MARK: Dropping files

    /// Writes a file directly in the inbox.
    func writeInPlace(_ name: String, _ text: String) throws {
        let path = inbox + "/" + name
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Writes beside the inbox, then renames in (the recommended producer protocol).
    func renameIn(_ name: String, _ text: String) throws {
        let staging = base + "/staging"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        fileCounter += 1
        let temporary = staging + "/\(fileCounter)-" + (name as NSString).lastPathComponent
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, inbox + "/" + name) == 0 else { throw HarnessError("rename failed: \(errno)") }
    }

    // MARK: Looking

    func store() throws -> Store { try Store(path: database) }

    func storedNames() throws -> [String] {
        guard FileManager.default.fileExists(atPath: database) else { return [] }
        return try store().allFiles().map(\.originalName)
    }

    func files(in folder: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
        var result: [String] = []
        while let name = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + name, isDirectory: &isDirectory), isDirectory.boolValue {
                continue
            }
            result.append(name)
        }
        return result.sorted()
    }

    func waitUntil(_ what: String, timeout: Double, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return }
            usleep(20_000)
        }
        throw HarnessError("timed out after \(timeout)s waiting for \(what)\n--- daemon log (tail) ---\n\(log_().suffix(3000))")
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: base)
        try? FileManager.default.removeItem(atPath: logPath)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Runs a built executable and collects its output.
func runTool(_ path: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}
