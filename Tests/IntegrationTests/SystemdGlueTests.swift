import Foundation
import Testing
import WirewatchControl

#if canImport(Glibc)
import Glibc
#endif

/// The notify, watchdog and socket-activation glue, against sockets the test creates: a datagram
/// `NOTIFY_SOCKET` standing in for systemd, and a listening socket inherited as fd 3.
@Suite(.serialized)
struct SystemdGlueTests {
    /// A datagram socket that collects `sd_notify` messages.
    final class NotifyListener {
        let path: String
        let descriptor: Int32

        init(path: String) throws {
            self.path = path
            descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = unixAddress(path)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard bound == 0 else { throw HarnessError("bind notify socket: \(errno)") }
        }

        deinit {
            close(descriptor)
            unlink(path)
        }

        /// Messages received until `timeout` passes or `until` holds for one of them.
        func receive(timeout: Double, until: (String) -> Bool) -> [String] {
            var messages: [String] = []
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                var descriptors = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                guard poll(&descriptors, 1, 50) > 0 else { continue }
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = recv(descriptor, &buffer, buffer.count, 0)
                guard count > 0 else { continue }
                let message = String(decoding: buffer[0..<count], as: UTF8.self)
                messages.append(message)
                if until(message) { break }
            }
            return messages
        }
    }

    static func unixAddress(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    /// A listening Unix socket, as systemd would create it for `wirewatch.socket`.
    static func listeningSocket(_ path: String) throws -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = unixAddress(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(descriptor, 16) == 0 else { throw HarnessError("listen: \(errno)") }
        return descriptor
    }

    /// Starts wirewatchd with `descriptor` as fd 3 and the environment systemd would set
    /// (`LISTEN_PID` must be the daemon's own pid: a shell sets it and execs).
    static func spawnActivated(base: String, listener: Int32, environment: [String: String], log: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, listener, 3)
        posix_spawn_file_actions_addopen(&actions, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let arguments = ["/bin/sh", "-c", "LISTEN_PID=$$ exec \"$0\" \"$@\"", DaemonHarness.daemonPath, "--base", base]
        var env = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        env["LISTEN_FDS"] = "1"
        env["LISTEN_FDNAMES"] = "control"
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0)=\($1)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, envp)
        guard result == 0 else { throw HarnessError("posix_spawn: \(result)") }
        return pid
    }

    static func waitForExit(_ pid: pid_t, timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        while Date() < deadline {
            if waitpid(pid, &status, WNOHANG) == pid { return (status >> 8) & 0xFF }
            usleep(20_000)
        }
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
        return nil
    }

    @Test func anActivatedDaemonNotifiesReadinessStatusWatchdogReloadAndStopping() throws {
        let daemon = try DaemonHarness()
        defer { daemon.remove() }
        let notify = try NotifyListener(path: daemon.base + "/notify.sock")
        let activatedPath = daemon.base + "/activated.sock"
        let listener = try Self.listeningSocket(activatedPath)
        defer { close(listener) }
        let pid = try Self.spawnActivated(
            base: daemon.base, listener: listener,
            environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "400000"], log: daemon.logPath)
        defer { kill(pid, SIGKILL) }

        let startup = notify.receive(timeout: 20) { $0.contains("READY=1") }
        let ready = try #require(startup.last, "no READY=1; log:\n\(daemon.log_())")
        #expect(ready.contains("READY=1"))
        #expect(ready.contains("STATUS=watching \(daemon.inbox): 0 articles, 0 failed"))
        #expect(startup.first?.hasPrefix("EXTEND_TIMEOUT_USEC=") == true)

        // The inherited socket serves (the daemon never bound its own).
        let client = try VarlinkClient(path: activatedPath, timeout: 5)
        let info = try client.call(VarlinkCall(method: "org.varlink.service.GetInfo"))
        #expect(info.parameters["product"]?.stringValue == "wirewatchd")
        #expect(!FileManager.default.fileExists(atPath: daemon.base + "/control.sock"))

        // Pings at half the interval: several within a second.
        let pings = notify.receive(timeout: 1.0) { _ in false }.filter { $0 == "WATCHDOG=1" }
        #expect(pings.count >= 3, "\(pings)")

        // STATUS= follows the counts.
        try daemon.renameIn("a.txt", "Ein Artikel.\n")
        let updates = notify.receive(timeout: 5) { $0.contains("1 articles") }
        #expect(updates.last?.contains("STATUS=watching \(daemon.inbox): 1 articles, 0 failed, 0 queued") == true)

        // SIGHUP: RELOADING=1 with MONOTONIC_USEC, then READY=1 again.
        kill(pid, SIGHUP)
        let reload = notify.receive(timeout: 5) { $0.contains("READY=1") }.filter { $0 != "WATCHDOG=1" }
        #expect(reload.first?.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") == true, "\(reload)")
        #expect(reload.last?.contains("READY=1") == true)

        // SIGTERM: STOPPING=1 and a clean exit.
        kill(pid, SIGTERM)
        let stopping = notify.receive(timeout: 10) { $0.contains("STOPPING=1") }
        #expect(stopping.last?.contains("STOPPING=1") == true)
        #expect(Self.waitForExit(pid, timeout: 20) == 0)
    }

    @Test func aReloadWithABrokenConfigIsRefusedAndTheOldOneStays() throws {
        let daemon = try DaemonHarness()
        defer { daemon.remove() }
        let config = daemon.base + "/wirewatch.toml"
        try "[inbox]\nmax_file_size = \"1 KiB\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        daemon.extraArguments = ["--config", config]
        try daemon.start()
        try "[inbox]\nmax_file_size = \"no idea\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let socket = daemon.base + "/control.sock"
        let refused = try runTool(DaemonHarness.cliPath, ["reload", "--socket", socket])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("inbox.max_file_size"))
        #expect(daemon.log_().contains("configuration rejected"))
        // Still running on the old limit of 1 KiB.
        try daemon.renameIn("big.txt", String(repeating: "x", count: 2000))
        try daemon.waitUntil("big file refused", timeout: 10) {
            FileManager.default.fileExists(atPath: daemon.failed + "/big.txt.error.json")
        }
        // A valid change applies at once.
        try "[inbox]\nmax_file_size = \"4 KiB\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        #expect(try runTool(DaemonHarness.cliPath, ["reload", "--socket", socket]).status == 0)
        try daemon.renameIn("big2.txt", String(repeating: "y", count: 2000))
        try daemon.waitUntil("big file accepted", timeout: 10) { try daemon.storedNames().contains("big2.txt") }
        #expect(try daemon.stop() == 0)
    }

    @Test func theStatusCommandTalksToTheDaemonAndExitCodesSayWhatHappened() throws {
        let daemon = try DaemonHarness()
        defer { daemon.remove() }
        try daemon.start()
        let socket = daemon.base + "/control.sock"
        let human = try runTool(DaemonHarness.cliPath, ["status", "--socket", socket])
        #expect(human.status == 0)
        #expect(human.stdout.contains("inbox             \(daemon.inbox)"))
        let json = try runTool(DaemonHarness.cliPath, ["status", "--socket", socket, "--json"])
        let status = try JSONValue.decode(Array(json.stdout.utf8))
        #expect(status["state"]?.stringValue == "running")
        #expect(status["articles"]?.intValue == 0)
        #expect(try daemon.stop() == 0)
        let down = try runTool(DaemonHarness.cliPath, ["status", "--socket", socket])
        #expect(down.status == 7)
        #expect(down.stderr.contains("is wirewatchd running?"))
    }
}
