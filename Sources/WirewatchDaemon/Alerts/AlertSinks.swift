#if canImport(Glibc)
import Glibc
#endif
import CLinux
import Foundation
import WirewatchStore

/// Why a sink could not take an alert (it is retried with backoff).
public struct SinkFailure: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// Appends alerts to `alerts.jsonl`, one JSON object a line, each line on disk before the alert
/// counts as delivered. The file is opened for each alert, so it can be rotated at any time.
struct JSONLinesSink {
    let path: String

    /// Appends the alerts' lines in one write and syncs once.
    func deliver(_ alerts: [StoredAlert]) throws(SinkFailure) {
        let existed = FileSystem.exists(path)
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { throw SinkFailure("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let line = Array(alerts.map { $0.payload + "\n" }.joined().utf8)
        // One writer (this sink's thread) appends: a short write (disk full) is cut back off, so
        // the file never holds half a line, and the alerts are written again later.
        let start = lseek(descriptor, 0, SEEK_END)
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count else {
            let reason = written < 0 ? String(cString: strerror(errno)) : "short write"
            if start >= 0 { _ = ftruncate(descriptor, start) }
            throw SinkFailure("cannot append to \(path): \(reason)")
        }
        guard fsync(descriptor) == 0 else { throw SinkFailure("cannot sync \(path): \(String(cString: strerror(errno)))") }
        if !existed { try? FileSystem.syncDirectory(FileSystem.parentDirectory(of: path)) }
    }
}

/// Sends alerts to the journal as entries of their own, with `MESSAGE_ID=` (so
/// `journalctl MESSAGE_ID=…` lists every alert), the rule's priority and the alert's fields.
struct JournalSink {
    /// The id of every alert entry (`journalctl MESSAGE_ID=5d3e0c8c1f7a4b8e9a2f6c4d7b1e0a93`).
    static let messageID = "5d3e0c8c1f7a4b8e9a2f6c4d7b1e0a93"

    static func fields(_ alert: StoredAlert) -> [String] {
        [
            "MESSAGE=alert: \(alert.message)", "MESSAGE_ID=\(messageID)", "PRIORITY=\(alert.priority)",
            "SYSLOG_IDENTIFIER=wirewatchd", "WIREWATCH_ALERT_ID=\(alert.id)", "WIREWATCH_RULE=\(alert.rule)",
            "WIREWATCH_KIND=\(alert.kind)", "WIREWATCH_REASON=\(alert.reason)", "WIREWATCH_EVENT_ID=\(alert.eventID)",
            "WIREWATCH_ALERT=\(alert.payload)",
        ]
    }

    func deliver(_ alert: StoredAlert) throws(SinkFailure) {
        let result = JournaldLogHandler.send(Self.fields(alert), file: #fileID, line: #line, function: #function)
        guard result >= 0 else { throw SinkFailure("journald refused the entry: \(String(cString: strerror(-result)))") }
    }
}

/// Runs a command for each alert with the alert as JSON on its standard input. No shell; the
/// command runs in a process group of its own, which is killed when it overruns its timeout.
struct ExecSink {
    let command: [String]
    let timeout: Double

    func deliver(_ alert: StoredAlert) throws(SinkFailure) {
        try Self.run(command, input: Array((alert.payload + "\n").utf8), timeout: timeout)
    }

    /// A command that exits before reading its input must not take the daemon down with SIGPIPE
    /// (the command itself gets the default action back).
    private static let sigpipeIgnored: Void = { signal(SIGPIPE, SIG_IGN) }()

    static func run(_ command: [String], input: [UInt8], timeout: Double) throws(SinkFailure) {
        Self.sigpipeIgnored
        var pipeEnds: [Int32] = [0, 0]
        // Neither end may leak into other children; the command gets the read end as its stdin.
        guard pipe2(&pipeEnds, O_CLOEXEC) == 0 else { throw SinkFailure("cannot create a pipe: \(String(cString: strerror(errno)))") }
        let (readEnd, writeEnd) = (pipeEnds[0], pipeEnds[1])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, readEnd, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        var arguments: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { for argument in arguments { free(argument) } }
        var environment: [UnsafeMutablePointer<CChar>?] = Self.hookEnvironment().map { strdup($0) } + [nil]
        defer { for variable in environment { free(variable) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command[0], &actions, &attributes, &arguments, &environment)
        close(readEnd)
        guard spawned == 0 else {
            close(writeEnd)
            throw SinkFailure("cannot start \(command[0]): \(String(cString: strerror(spawned)))")
        }
        let deadline = Clock.monotonicNanoseconds() &+ UInt64(timeout * 1e9)
        feed(input, to: writeEnd, until: deadline)
        close(writeEnd)
        var status: Int32 = 0
        while true {
            let waited = waitpid(pid, &status, WNOHANG)
            if waited == pid { break }
            if waited < 0 && errno != EINTR { throw SinkFailure("cannot wait for \(command[0]): \(String(cString: strerror(errno)))") }
            if Clock.monotonicNanoseconds() >= deadline {
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                throw SinkFailure("\(command[0]) did not finish within \(Int(timeout))s and was killed")
            }
            usleep(5_000)
        }
        let signal = status & 0x7F
        if signal != 0 { throw SinkFailure("\(command[0]) was killed by signal \(signal)") }
        let code = (status >> 8) & 0xFF
        if code != 0 { throw SinkFailure("\(command[0]) exited with status \(code)") }
    }

    /// The daemon's environment without what systemd meant for the daemon alone (its notify
    /// socket, watchdog and passed sockets), which a hook must not act on.
    static func hookEnvironment() -> [String] {
        let private_ = ["NOTIFY_SOCKET=", "WATCHDOG_PID=", "WATCHDOG_USEC=", "LISTEN_FDS=", "LISTEN_PID=", "LISTEN_FDNAMES="]
        var variables: [String] = []
        var cursor = environ
        while let variable = cursor.pointee {
            let text = String(cString: variable)
            if !private_.contains(where: text.hasPrefix) { variables.append(text) }
            cursor += 1
        }
        return variables
    }

    /// Writes `input` without blocking past `deadline`; a command that does not read it is its business.
    private static func feed(_ input: [UInt8], to descriptor: Int32, until deadline: UInt64) {
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        var offset = 0
        while offset < input.count {
            let written = input.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written > 0 {
                offset += written
                continue
            }
            if written < 0 && errno == EINTR { continue }
            guard written < 0 && errno == EAGAIN, Clock.monotonicNanoseconds() < deadline else { return }
            var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            _ = poll(&poller, 1, 50)
        }
    }
}

/// Posts alerts as JSON to a URL with libcurl, which is loaded when the first alert is posted (an
/// installation without webhooks never maps it). Any 2xx answer is success; redirects are not
/// followed.
struct WebhookSink {
    let url: String
    let headers: [String: String]
    let timeout: Double

    func deliver(_ alert: StoredAlert) throws(SinkFailure) {
        try Curl.post(url: url, body: Array(alert.payload.utf8), headers: headers, timeout: timeout)
    }
}

/// The few libcurl functions a webhook needs, looked up with `dlopen`/`dlsym`.
enum Curl {
    private struct Library: @unchecked Sendable {
        let easyInit: @convention(c) () -> UnsafeMutableRawPointer?
        let easySetopt: UnsafeMutableRawPointer
        let easyGetinfo: UnsafeMutableRawPointer
        let easyPerform: @convention(c) (UnsafeMutableRawPointer?) -> Int32
        let easyCleanup: @convention(c) (UnsafeMutableRawPointer?) -> Void
        let easyStrerror: @convention(c) (Int32) -> UnsafePointer<CChar>?
        let slistAppend: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?) -> UnsafeMutableRawPointer?
        let slistFreeAll: @convention(c) (UnsafeMutableRawPointer?) -> Void
    }

    private static let library: Result<Library, SinkFailure> = {
        var handle: UnsafeMutableRawPointer?
        for name in ["libcurl.so.4", "libcurl-gnutls.so.4", "libcurl.so"] {
            handle = dlopen(name, RTLD_NOW | RTLD_LOCAL)
            if handle != nil { break }
        }
        guard let handle else {
            return .failure(SinkFailure("webhooks need libcurl (libcurl.so.4, Debian package libcurl4), which cannot be loaded"))
        }
        func symbol(_ name: String) -> UnsafeMutableRawPointer? { dlsym(handle, name) }
        guard let easyInit = symbol("curl_easy_init"), let easySetopt = symbol("curl_easy_setopt"),
            let easyGetinfo = symbol("curl_easy_getinfo"), let easyPerform = symbol("curl_easy_perform"),
            let easyCleanup = symbol("curl_easy_cleanup"), let easyStrerror = symbol("curl_easy_strerror"),
            let slistAppend = symbol("curl_slist_append"), let slistFreeAll = symbol("curl_slist_free_all")
        else { return .failure(SinkFailure("the libcurl found lacks the functions a webhook needs")) }
        return .success(
            Library(
                easyInit: unsafeBitCast(easyInit, to: (@convention(c) () -> UnsafeMutableRawPointer?).self),
                easySetopt: easySetopt, easyGetinfo: easyGetinfo,
                easyPerform: unsafeBitCast(easyPerform, to: (@convention(c) (UnsafeMutableRawPointer?) -> Int32).self),
                easyCleanup: unsafeBitCast(easyCleanup, to: (@convention(c) (UnsafeMutableRawPointer?) -> Void).self),
                easyStrerror: unsafeBitCast(easyStrerror, to: (@convention(c) (Int32) -> UnsafePointer<CChar>?).self),
                slistAppend: unsafeBitCast(
                    slistAppend, to: (@convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?) -> UnsafeMutableRawPointer?).self),
                slistFreeAll: unsafeBitCast(slistFreeAll, to: (@convention(c) (UnsafeMutableRawPointer?) -> Void).self)))
    }()

    // Option numbers from curl.h (stable ABI).
    private static let optURL: Int32 = 10002
    private static let optPostFields: Int32 = 10015
    private static let optPostFieldSize: Int32 = 60
    private static let optHTTPHeader: Int32 = 10023
    private static let optUserAgent: Int32 = 10018
    private static let optErrorBuffer: Int32 = 10010
    private static let optWriteFunction: Int32 = 20011
    private static let optTimeoutMS: Int32 = 155
    private static let optConnectTimeoutMS: Int32 = 156
    private static let optNoSignal: Int32 = 99
    private static let optProtocols: Int32 = 181
    private static let infoResponseCode: Int32 = 0x200002

    static func post(url: String, body: [UInt8], headers: [String: String], timeout: Double) throws(SinkFailure) {
        let curl: Library
        switch library {
        case .success(let loaded): curl = loaded
        case .failure(let failure): throw failure
        }
        guard let handle = curl.easyInit() else { throw SinkFailure("libcurl could not create a request") }
        defer { curl.easyCleanup(handle) }
        var list: UnsafeMutableRawPointer?
        for line in ["Content-Type: application/json", "Expect:"] + headers.keys.sorted().map({ "\($0): \(headers[$0]!)" }) {
            list = line.withCString { curl.slistAppend(list, $0) }
        }
        defer { curl.slistFreeAll(list) }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: 256)
        defer { errorBuffer.deallocate() }
        errorBuffer[0] = 0
        let milliseconds = Int(timeout * 1000)
        var code: Int32 = 0
        url.withCString { urlText in
            "wirewatchd".withCString { agent in
                body.withUnsafeBytes { bytes in
                    let setopt = curl.easySetopt
                    _ = ww_curl_setopt_pointer(setopt, handle, optURL, urlText)
                    _ = ww_curl_setopt_long(setopt, handle, optProtocols, 1 | 2)  // http, https
                    _ = ww_curl_setopt_long(setopt, handle, optNoSignal, 1)
                    _ = ww_curl_setopt_long(setopt, handle, optTimeoutMS, milliseconds)
                    _ = ww_curl_setopt_long(setopt, handle, optConnectTimeoutMS, milliseconds)
                    _ = ww_curl_setopt_pointer(setopt, handle, optUserAgent, agent)
                    _ = ww_curl_setopt_pointer(setopt, handle, optHTTPHeader, list)
                    _ = ww_curl_setopt_long(setopt, handle, optPostFieldSize, bytes.count)
                    _ = ww_curl_setopt_pointer(setopt, handle, optPostFields, bytes.baseAddress)
                    _ = ww_curl_setopt_pointer(setopt, handle, optWriteFunction, ww_curl_discard_function())
                    _ = ww_curl_setopt_pointer(setopt, handle, optErrorBuffer, errorBuffer)
                    code = curl.easyPerform(handle)
                }
            }
        }
        guard code == 0 else {
            let detail = errorBuffer[0] != 0 ? String(cString: errorBuffer) : curl.easyStrerror(code).map { String(cString: $0) } ?? "error \(code)"
            throw SinkFailure("POST \(url) failed: \(detail)")
        }
        var status = 0
        _ = ww_curl_getinfo_long(curl.easyGetinfo, handle, infoResponseCode, &status)
        guard (200..<300).contains(status) else { throw SinkFailure("POST \(url) answered HTTP \(status)") }
    }
}
