import Foundation
import Testing
import WirewatchStore

#if canImport(Glibc)
import Glibc
#endif

/// Every kind of bad inbox entry ends in `failed/` with a reason, and the daemon keeps serving.
@Suite(.serialized)
struct BadInputTests {
    struct Report: Decodable {
        var file: String
        var original_path: String
        var reason: String
        var message: String
    }

    func report(_ daemon: DaemonHarness, _ name: String) throws -> Report {
        let data = try Data(contentsOf: URL(fileURLWithPath: daemon.failed + "/" + name + ".error.json"))
        return try JSONDecoder().decode(Report.self, from: data)
    }

    @Test func badEntriesGoToFailedWithTheirReasonAndTheDaemonKeepsServing() throws {
        let daemon = try DaemonHarness()
        defer { daemon.remove() }
        let config = daemon.base + ".toml"
        try "[inbox]\nmax_file_size = \"1 KiB\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: config) }
        daemon.extraArguments = ["--config", config]
        try daemon.start()

        try daemon.renameIn("empty.txt", "")
        try daemon.renameIn("blank.txt", "  \n\n\t \n")
        try daemon.renameIn("huge.txt", String(repeating: "Zu lang. ", count: 200))
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        png.append(Data((0..<500).map { UInt8($0 % 256) }))
        try png.write(to: URL(fileURLWithPath: daemon.base + "/image.txt"))
        #expect(rename(daemon.base + "/image.txt", daemon.inbox + "/image.txt") == 0)
        try Data((0..<600).map { _ in UInt8.random(in: 0...255) } + [0]).write(to: URL(fileURLWithPath: daemon.inbox + "/random.bin"))
        #expect(symlink("/etc/passwd", daemon.inbox + "/passwd-link.txt") == 0)
        #expect(symlink("/nonexistent", daemon.inbox + "/dangling.txt") == 0)
        #expect(mkfifo(daemon.inbox + "/pipe.txt", 0o644) == 0)
        let socketResult = try runTool("/usr/bin/env", ["python3", "-c", "import socket; socket.socket(socket.AF_UNIX).bind('\(daemon.inbox)/sock.txt')"])
        #expect(socketResult.status == 0)
        var expected: [String: String] = [
            "empty.txt": "empty", "blank.txt": "whitespace-only", "huge.txt": "too-large", "image.txt": "binary",
            "random.bin": "binary", "passwd-link.txt": "symlink", "dangling.txt": "symlink", "pipe.txt": "not-regular",
            "sock.txt": "not-regular",
        ]
        if getuid() == 0 {
            #expect(mknod(daemon.inbox + "/null-device.txt", S_IFCHR | 0o644, dev_t((1 << 8) | 3)) == 0)
            expected["null-device.txt"] = "not-regular"
        }
        // A good file after all of them is still served.
        try daemon.renameIn("good.txt", "Still serving.\n")
        // Reports are written after the commit, when the files are moved: wait for them too.
        try daemon.waitUntil("all failures recorded", timeout: 30) {
            try daemon.store().counts().failed == expected.count && daemon.storedNames() == ["good.txt"]
                && expected.keys.allSatisfy { FileManager.default.fileExists(atPath: daemon.failed + "/" + $0 + ".error.json") }
        }
        for (name, reason) in expected {
            let report = try report(daemon, name)
            #expect(report.reason == reason, "\(name): \(report.message)")
            #expect(report.original_path == name)
            #expect(!report.message.isEmpty)
            #expect(FileManager.default.fileExists(atPath: daemon.failed + "/" + name) || (try? FileManager.default.destinationOfSymbolicLink(atPath: daemon.failed + "/" + name)) != nil)
        }
        // The symlink was moved, never followed: its target is untouched and it is still a link.
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: daemon.failed + "/passwd-link.txt") == "/etc/passwd")
        #expect(daemon.files(in: daemon.inbox).isEmpty)
        #expect(daemon.log_().contains("reason=binary"))
        #expect(try daemon.stop() == 0)
    }

    @Test(.enabled(if: getuid() == 0, "needs root to run the daemon as another user"))
    func anUnreadableFileGoesToFailed() throws {
        let daemon = try DaemonHarness()
        defer { daemon.remove() }
        for folder in ["inbox", "processing", "archive", "failed"] {
            try FileManager.default.createDirectory(atPath: daemon.base + "/" + folder, withIntermediateDirectories: true)
        }
        #expect(try runTool("/bin/chown", ["-R", "65534:65534", daemon.base]).status == 0)
        daemon.launcher = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
        try daemon.start()
        let secret = daemon.inbox + "/secret.txt"
        try Data("root only\n".utf8).write(to: URL(fileURLWithPath: daemon.base + "/secret.txt"))
        #expect(chmod(daemon.base + "/secret.txt", 0o600) == 0)
        #expect(rename(daemon.base + "/secret.txt", secret) == 0)
        try daemon.waitUntil("failure recorded", timeout: 30) {
            FileManager.default.fileExists(atPath: daemon.failed + "/secret.txt.error.json")
        }
        let report = try report(daemon, "secret.txt")
        #expect(report.reason == "unreadable")
        #expect(report.message.contains("ermission"))
        #expect(try daemon.stop() == 0)
    }
}

/// `wirewatchd --check-config` and the exit status of a clean stop.
struct CommandLineTests {
    @Test func checkConfigReportsEveryProblemWithKeyAndLine() throws {
        let path = NSTemporaryDirectory() + "wirewatch-bad-\(UUID().uuidString).toml"
        try "[inbox]\nmax_file_size = \"huge\"\nstabilty_delay = \"1s\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try runTool(DaemonHarness.daemonPath, ["--check-config", "--config", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(path):2: inbox.max_file_size"))
        #expect(result.stderr.contains("\(path):3: inbox.stabilty_delay: unknown key"))
    }

    @Test func checkConfigNamesTheInvalidAlertRuleAndWhy() throws {
        let path = NSTemporaryDirectory() + "wirewatch-rules-\(UUID().uuidString).toml"
        try "[[alerts.rule]]\nname = \"nk\"\nkind = \"breaking\"\nsources = 0\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try runTool(DaemonHarness.daemonPath, ["--check-config", "--config", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(path):4: alerts.rule \"nk\".sources: must be an integer from 2 to 1000"))
    }

    @Test func checkConfigAcceptsTheSampleConfig() throws {
        let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let result = try runTool(DaemonHarness.daemonPath, ["--check-config", "--config", "/" + root + "/config/wirewatch.toml"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("paths.inbox           /var/spool/wirewatch/inbox"))
    }

    @Test func aMissingConfigFileIsAClearError() throws {
        let result = try runTool(DaemonHarness.daemonPath, ["--check-config", "--config", "/nonexistent/wirewatch.toml"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("/nonexistent/wirewatch.toml: cannot read the file"))
    }

    @Test func theStatsCommandReadsTheStore() throws {
        let daemon = try DaemonHarness()
        defer { daemon.remove() }
        try daemon.start()
        try daemon.renameIn("one.txt", "One article.\n")
        try daemon.waitUntil("stored", timeout: 20) { try daemon.storedNames().count == 1 }
        #expect(try daemon.stop() == 0)
        let result = try runTool(DaemonHarness.cliPath, ["stats", "--database", daemon.database, "--json"])
        #expect(result.status == 0)
        #expect(result.stdout == "{\"articles\":1,\"files\":1,\"exact_duplicates\":0,\"failed\":0}\n")
    }
}
