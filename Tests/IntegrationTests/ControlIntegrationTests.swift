import Foundation
import Synchronization
import Testing
import WirewatchControl

/// The control interface against a running daemon with the seeds dropped in: the CLI's browsing
/// commands in both output forms, typed errors and their exit codes, pause and resume.
@Suite(.serialized)
struct ControlIntegrationTests {
    static func cli(_ daemon: DaemonHarness, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try runTool(DaemonHarness.cliPath, arguments + ["--socket", daemon.base + "/control.sock"])
    }

    /// A daemon (with `config` as its configuration file, when given) and the five seeds stored.
    static func startWithSeeds(config: String? = nil, name: String = #function) throws -> DaemonHarness {
        let daemon = try DaemonHarness(name: name)
        if let config {
            let path = daemon.base + "/wirewatch.toml"
            try config.write(toFile: path, atomically: true, encoding: .utf8)
            daemon.extraArguments = ["--config", path]
        }
        try daemon.start()
        // One at a time, so that the seeds are articles 1 to 5 in order even when the daemon's
        // start-up scan runs late (a scan takes what it finds in directory order).
        for (index, name) in DedupIntegrationTests.seeds.enumerated() {
            try daemon.renameIn(name, try DedupIntegrationTests.seed(name))
            try daemon.waitUntil("seed \(name) stored", timeout: 30) { try daemon.storedNames().count == index + 1 }
        }
        return daemon
    }

    @Test func eventsAndArticlesAreListedAndShownInBothForms() throws {
        let daemon = try Self.startWithSeeds()
        defer { daemon.remove() }

        let events = try Self.cli(daemon, ["events", "--json"])
        #expect(events.status == 0)
        let listed = try JSONValue.decode(Array(events.stdout.utf8))
        #expect(listed["total"]?.intValue == 1)
        guard case .array(let items)? = listed["events"], let event = items.first, let id = event["id"]?.intValue else {
            Issue.record("no event listed: \(events.stdout)")
            return
        }
        #expect(event["sources"]?.intValue == 5)
        #expect(event["articles"]?.intValue == 5)
        let human = try Self.cli(daemon, ["events"])
        #expect(human.stdout.hasPrefix("EVENT"))  // no colour codes: stdout is not a terminal
        #expect(!human.stdout.contains("\u{1B}"))
        #expect(human.stdout.contains("Putin") || human.stdout.contains("Nordkorea"))

        // Filters: a word in the names or title, a minimum of sources, a time after everything.
        let byName = try JSONValue.decode(Array(try Self.cli(daemon, ["events", "--json", "--query", "nordkorea"]).stdout.utf8))
        #expect(byName["total"]?.intValue == 1)
        let tooFew = try JSONValue.decode(Array(try Self.cli(daemon, ["events", "--json", "--min-sources", "6"]).stdout.utf8))
        #expect(tooFew["total"]?.intValue == 0)
        let later = try JSONValue.decode(Array(try Self.cli(daemon, ["events", "--json", "--since", "2099-01-01"]).stdout.utf8))
        #expect(later["total"]?.intValue == 0)
        let recent = try JSONValue.decode(Array(try Self.cli(daemon, ["events", "--json", "--since", "1h"]).stdout.utf8))
        #expect(recent["total"]?.intValue == 1)

        let shown = try JSONValue.decode(Array(try Self.cli(daemon, ["event", String(id), "--json"]).stdout.utf8))
        guard case .array(let sources)? = shown["sources"], case .array(let articles)? = shown["articles"] else {
            Issue.record("event without sources or articles")
            return
        }
        #expect(sources.count == 5)
        #expect(articles.count == 5)
        #expect(articles.first?["decision"]?.stringValue == "new-event")
        #expect(try Self.cli(daemon, ["event", String(id)]).stdout.contains("sources"))

        let page = try JSONValue.decode(Array(try Self.cli(daemon, ["articles", "--json", "--limit", "2"]).stdout.utf8))
        #expect(page["total"]?.intValue == 5)
        if case .array(let firstPage)? = page["articles"] { #expect(firstPage.count == 2) }
        #expect(try Self.cli(daemon, ["articles", "--limit", "2"]).stdout.contains("more with --offset 2"))

        // Article 5 is seed 004, which shares agency sentences with 002 (article 3).
        let article = try JSONValue.decode(Array(try Self.cli(daemon, ["article", "5", "--json"]).stdout.utf8))
        let detail = article["article"]
        #expect(detail?["article"]?["event_id"]?.intValue == id)
        #expect(detail?["body"]?.stringValue?.isEmpty == false)
        if case .array(let passages)? = detail?["shared_passages"] {
            #expect(passages.contains { $0["article_id"]?.intValue == 3 })
        } else {
            Issue.record("no shared passages")
        }
        #expect(try Self.cli(daemon, ["article", "5"]).stdout.contains("shared passages"))

        // Explain over the protocol: the engine's decisions and the agency sentences of 002 in 004.
        let client = try VarlinkClient(path: daemon.base + "/control.sock", timeout: 10)
        let explained = try client.call(VarlinkCall(method: "io.wirewatch.Explain", parameters: .object(["a": 3, "b": 5])))
        #expect(explained.error == nil)
        let explanation = explained.parameters["explanation"]
        #expect(explanation?["verdict"]?.stringValue?.contains("same event") == true)
        if case .array(let passages)? = explanation?["shared_passages"] { #expect(passages.count >= 3) } else { Issue.record("no passages") }
        #expect(explanation?["b"]?["decision"]?.stringValue == "same-event")
        #expect(try daemon.stop() == 0)
    }

    @Test(arguments: [
        (DaemonHarness.cliPath, ["--help"]), (DaemonHarness.cliPath, ["analyze", "--help"]),
        (DaemonHarness.cliPath, ["explain", "--help"]), (DaemonHarness.cliPath, ["parse", "--help"]),
        (DaemonHarness.daemonPath, ["--help"]),
    ])
    func helpTextsAreParagraphsReflowedToTheTerminal(tool: String, arguments: [String]) throws {
        let help = try runTool(tool, arguments)
        #expect(help.status == 0)
        // The text before USAGE, as printed 80 columns wide: a line that the next line continues
        // is filled, not a fragment left by a line break in the source.
        let text = help.stdout.components(separatedBy: "USAGE:")[0]
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (line, next) in zip(lines, lines.dropFirst()) where !line.isEmpty && !next.isEmpty {
            #expect(line.count >= 50, "a fragment in \(arguments): \(line)")
        }
    }

    @Test func unknownIdsAndBadParametersGetTypedErrorsAndTheirExitCodes() throws {
        let daemon = try Self.startWithSeeds()
        defer { daemon.remove() }
        let missing = try Self.cli(daemon, ["event", "999"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no event 999"))
        let badLimit = try Self.cli(daemon, ["articles", "--limit", "5000"])
        #expect(badLimit.status == 2)
        #expect(badLimit.stderr.contains("limit"))
        let badTime = try Self.cli(daemon, ["events", "--since", "yesterday"])
        #expect(badTime.status == 2)
        #expect(try Self.cli(daemon, ["events", "--limit", "many"]).status == 2)
        #expect(try Self.cli(daemon, ["event"]).status == 2)
        #expect(try runTool(DaemonHarness.cliPath, ["no-such-command"]).status == 2)
        #expect(try runTool(DaemonHarness.cliPath, ["--help"]).status == 0)

        // The same errors straight from the protocol, with their parameters.
        let client = try VarlinkClient(path: daemon.base + "/control.sock", timeout: 5)
        let notFound = try client.call(VarlinkCall(method: "io.wirewatch.GetArticle", parameters: .object(["id": 12345])))
        #expect(notFound.error == "io.wirewatch.NotFound")
        #expect(notFound.parameters["kind"]?.stringValue == "article")
        let invalid = try client.call(VarlinkCall(method: "io.wirewatch.ListEvents", parameters: .object(["since": "soon"])))
        #expect(invalid.error == "io.wirewatch.InvalidParameter")
        #expect(invalid.parameters["parameter"]?.stringValue == "since")
        let wrongType = try client.call(VarlinkCall(method: "io.wirewatch.GetEvent", parameters: .object(["id": "one"])))
        #expect(wrongType.error == "io.wirewatch.InvalidParameter")
        #expect(try daemon.stop() == 0)
    }

    @Test func followSendsTheCurrentStateThenEveryNewArticleAndEventChange() throws {
        let daemon = try Self.startWithSeeds()
        defer { daemon.remove() }
        let client = try VarlinkClient(path: daemon.base + "/control.sock", timeout: 10)
        let refused = try client.call(VarlinkCall(method: "io.wirewatch.Follow"))
        #expect(refused.error == "org.varlink.service.ExpectedMore")

        let follower = try VarlinkClient(path: daemon.base + "/control.sock", timeout: 15)
        try follower.send(VarlinkCall(method: "io.wirewatch.Follow", more: true))
        let first = try follower.nextReply()
        #expect(first.continues)
        #expect(first.parameters["change"]?["kind"]?.stringValue == "status")
        #expect(first.parameters["change"]?["status"]?["articles"]?.intValue == 5)
        let current = try follower.nextReply()
        #expect(current.parameters["change"]?["kind"]?.stringValue == "event")
        #expect(current.parameters["change"]?["event"]?["sources"]?.intValue == 5)

        // The CLI shows the same stream, line by line.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: DaemonHarness.cliPath)
        process.arguments = ["follow", "--socket", daemon.base + "/control.sock"]
        let pipe = Pipe()
        process.standardOutput = pipe
        let output = Mutex<String>("")
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let text = String(decoding: handle.availableData, as: UTF8.self)
            output.withLock { $0 += text }
        }
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
            pipe.fileHandleForReading.readabilityHandler = nil
        }
        try daemon.waitUntil("the CLI printed the current state", timeout: 10) { output.withLock { $0.contains("event    1:") } }

        try daemon.renameIn("late.txt", try DedupIntegrationTests.seed(DedupIntegrationTests.seeds[3]).replacingOccurrences(of: "Putin", with: "Wladimir Putin"))
        var kinds: [String] = []
        while kinds.count < 2 {
            let change = try follower.nextReply()
            #expect(change.continues)
            kinds.append(change.parameters["change"]?["kind"]?.stringValue ?? "?")
            if kinds.last == "article" {
                #expect(change.parameters["change"]?["article"]?["file"]?.stringValue == "late.txt")
            }
        }
        #expect(kinds == ["article", "event"])
        try daemon.waitUntil("the CLI printed the new article", timeout: 10) { output.withLock { $0.contains("article  6:") } }
        #expect(output.withLock { $0.hasPrefix("status   running: 5 articles") })
        #expect(try daemon.stop() == 0)
    }

    @Test func aDigestOnDemandHoldsTheSeedsAsOneEventInEveryFormat() throws {
        let daemon = try Self.startWithSeeds()
        defer { daemon.remove() }
        let result = try Self.cli(daemon, ["digest", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let reply = try JSONValue.decode(Array(result.stdout.utf8))
        #expect(reply["events"]?.intValue == 1)
        guard case .array(let paths)? = reply["paths"] else {
            Issue.record("no paths")
            return
        }
        let files = paths.compactMap(\.stringValue)
        #expect(Set(files.map { ($0 as NSString).pathExtension }) == ["md", "json", "html"])
        let json = try #require(files.first { $0.hasSuffix(".json") })
        let digest = try JSONValue.decode(Array(try Data(contentsOf: URL(fileURLWithPath: json))))
        #expect(digest["schema"]?.stringValue == "wirewatch-digest/1")
        guard case .array(let events)? = digest["events"], case .array(let sources)? = events.first?["sources"] else {
            Issue.record("no events in \(json)")
            return
        }
        #expect(events.count == 1)
        #expect(sources.count == 5)
        #expect(events.first?["headline"]?.stringValue?.isEmpty == false)
        // The agency sentences 002 and 004 share are marked, and the summary repeats nothing.
        guard case .array(let passages)? = events.first?["shared_passages"], case .array(let summary)? = events.first?["summary"] else {
            Issue.record("no passages or summary")
            return
        }
        #expect(
            passages.contains { passage in
                guard case .array(let ids)? = passage["article_ids"] else { return false }
                return ids.contains(.number(3)) && ids.contains(.number(5))
            })
        let sentences = summary.compactMap(\.stringValue)
        #expect(!sentences.isEmpty && Set(sentences).count == sentences.count)
        // The next digest starts where this one ended: nothing new since.
        let next = try JSONValue.decode(Array(try Self.cli(daemon, ["digest", "--json"]).stdout.utf8))
        #expect(next["events"]?.intValue == 0)
        #expect(next["since"]?.stringValue == reply["until"]?.stringValue)
        #expect(try daemon.stop() == 0)
    }

    @Test func aFailedFileFixedInPlaceIsIngestedWhenRetried() throws {
        let daemon = try DaemonHarness()
        defer { daemon.remove() }
        try daemon.start()
        try daemon.renameIn("fixme.txt", "   \n\n  ")
        try daemon.waitUntil("the blank file failed", timeout: 30) {
            daemon.files(in: daemon.failed).contains("fixme.txt.error.json")
        }
        // The operator puts the real text in place, then retries.
        try DedupIntegrationTests.seed(DedupIntegrationTests.seeds[1]).write(toFile: daemon.failed + "/fixme.txt", atomically: true, encoding: .utf8)
        let retried = try Self.cli(daemon, ["retry", "fixme.txt"])
        #expect(retried.status == 0, "\(retried.stderr)")
        #expect(retried.stdout.contains("moved back into the inbox"))
        try daemon.waitUntil("the fixed file stored", timeout: 30) { try daemon.storedNames().count == 1 }
        #expect(!daemon.files(in: daemon.failed).contains("fixme.txt"))
        #expect(!daemon.files(in: daemon.failed).contains("fixme.txt.error.json"))
        let missing = try Self.cli(daemon, ["retry", "nothing.txt"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no failed file nothing.txt"))
        #expect(try Self.cli(daemon, ["retry", "../inbox/x.txt"]).status == 2)
        #expect(try daemon.stop() == 0)
    }

    @Test func aPausedDaemonLeavesNewFilesInTheInboxUntilResumed() throws {
        let daemon = try DaemonHarness()
        defer { daemon.remove() }
        try daemon.start()
        #expect(try Self.cli(daemon, ["pause"]).status == 0)
        let status = try JSONValue.decode(Array(try Self.cli(daemon, ["status", "--json"]).stdout.utf8))
        #expect(status["state"]?.stringValue == "paused")
        try daemon.renameIn("waiting.txt", try DedupIntegrationTests.seed(DedupIntegrationTests.seeds[0]))
        Thread.sleep(forTimeInterval: 1)
        #expect(try daemon.storedNames().isEmpty)
        #expect(daemon.files(in: daemon.inbox).contains("waiting.txt"))
        #expect(try Self.cli(daemon, ["resume"]).status == 0)
        try daemon.waitUntil("the waiting file stored", timeout: 30) { try daemon.storedNames().count == 1 }
        #expect(try Self.cli(daemon, ["rescan"]).stdout.contains("rescan requested"))
        #expect(try daemon.stop() == 0)
    }
}

/// The Python `varlink` package (installed by `make test`) as an independent client.
@Suite(.serialized)
struct IndependentVarlinkClientTests {
    @Test func thePythonVarlinkClientReadsTheInterfaceAndCallsTheDaemon() throws {
        let daemon = try ControlIntegrationTests.startWithSeeds()
        defer { daemon.remove() }
        let result = try runTool(
            "/usr/bin/env",
            [
                "python3", DedupIntegrationTests.repository + "/Tests/varlink/python_client.py", daemon.base + "/control.sock",
                DedupIntegrationTests.repository + "/Sources/WirewatchControl/io.wirewatch.varlink",
            ])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("GetInterfaceDescription: parsed"))
        #expect(result.stdout.contains("ListEvents: 1 events"))
        #expect(result.stdout.contains("io.wirewatch.NotFound"))
        #expect(try daemon.stop() == 0)
    }
}

/// Permissions with a real unprivileged caller (`nobody`, via setpriv) in and out of the groups.
@Suite(.serialized)
struct ControlPermissionTests {
    /// A system group made for the test and removed after it.
    final class TemporaryGroup {
        let name: String
        let gid: UInt32

        init(_ name: String) throws {
            _ = try runTool("/usr/sbin/groupdel", [name])
            let added = try runTool("/usr/sbin/groupadd", ["--system", name])
            guard added.status == 0 else { throw TestFailure("groupadd \(name): \(added.stderr)") }
            let line = try String(contentsOfFile: "/etc/group", encoding: .utf8).split(separator: "\n").first { $0.hasPrefix(name + ":") }
            guard let id = line?.split(separator: ":", omittingEmptySubsequences: false).dropFirst(2).first.flatMap({ UInt32($0) }) else {
                throw TestFailure("no gid for \(name)")
            }
            self.name = name
            self.gid = id
        }

        deinit { _ = try? runTool("/usr/sbin/groupdel", [name]) }
    }

    struct TestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// The CLI as `nobody`, with these supplementary groups.
    static func asNobody(_ daemon: DaemonHarness, groups: [UInt32], _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let groupArgument = groups.isEmpty ? ["--clear-groups"] : ["--groups", groups.map(String.init).joined(separator: ",")]
        return try runTool(
            "/usr/bin/setpriv",
            ["--reuid=65534", "--regid=65534"] + groupArgument + [DaemonHarness.cliPath] + arguments + ["--socket", daemon.base + "/control.sock"])
    }

    @Test func operatorsReadAdminsChangeAndOthersAreRefused() throws {
        guard getuid() == 0 else { return }  // needs root to add groups and switch users
        let operators = try TemporaryGroup("ww-test-operators")
        let admins = try TemporaryGroup("ww-test-admins")
        var daemon = try DaemonHarness()
        defer { daemon.remove() }
        let config = daemon.base + "/wirewatch.toml"
        try "[control]\ngroup = \"\(operators.name)\"\nadmin_group = \"\(admins.name)\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        daemon.extraArguments = ["--config", config]
        // `nobody` must reach the socket through the harness's folder.
        chmod(daemon.base, 0o755)
        try daemon.start()

        let stranger = try Self.asNobody(daemon, groups: [], ["status"])
        #expect(stranger.status == 4, "\(stranger.stderr)")
        let reader = try Self.asNobody(daemon, groups: [operators.gid], ["status", "--json"])
        #expect(reader.status == 0, "\(reader.stderr)")
        #expect(try Self.asNobody(daemon, groups: [operators.gid], ["events"]).status == 0)
        let refused = try Self.asNobody(daemon, groups: [operators.gid], ["pause"])
        #expect(refused.status == 4)
        #expect(refused.stderr.contains("permission denied"))
        let admin = try Self.asNobody(daemon, groups: [operators.gid, admins.gid], ["pause"])
        #expect(admin.status == 0, "\(admin.stderr)")
        #expect(try Self.asNobody(daemon, groups: [operators.gid, admins.gid], ["resume"]).status == 0)
        #expect(try daemon.stop() == 0)
    }
}

/// The HTML digest as a reader sees it: headless Chromium (Debian's `chromium`, installed by
/// `make test`) renders the page of the seeds' digest; its DOM after rendering holds the
/// event's headline, and its screenshot at phone width is a real picture.
@Suite(.serialized)
struct DigestScreenshotTests {
    @Test func chromiumRendersTheDigestWithItsHeadline() throws {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let browser = try #require(chromium, "chromium is not installed (make test installs it)")
        let daemon = try ControlIntegrationTests.startWithSeeds()
        defer { daemon.remove() }
        let reply = try JSONValue.decode(Array(try ControlIntegrationTests.cli(daemon, ["digest", "--json"]).stdout.utf8))
        guard case .array(let paths)? = reply["paths"], let html = paths.compactMap(\.stringValue).first(where: { $0.hasSuffix(".html") }),
            let json = paths.compactMap(\.stringValue).first(where: { $0.hasSuffix(".json") })
        else {
            Issue.record("no HTML digest written")
            return
        }
        let digest = try JSONValue.decode(Array(try Data(contentsOf: URL(fileURLWithPath: json))))
        guard case .array(let events)? = digest["events"], let headline = events.first?["headline"]?.stringValue else {
            Issue.record("no headline")
            return
        }
        let common = ["--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=" + daemon.base + "/chromium"]
        let dom = try runTool(browser, common + ["--dump-dom", "file://" + html])
        #expect(dom.status == 0)
        #expect(dom.stdout.contains("<h2>" + htmlEscaped(headline) + "</h2>"))
        let screenshot = daemon.base + "/digest.png"
        let shot = try runTool(browser, common + ["--screenshot=" + screenshot, "--window-size=390,1200", "file://" + html])
        #expect(shot.status == 0, "\(shot.stderr)")
        let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(png.count > 20_000)  // a blank page compresses to a few kilobytes
        #expect(try daemon.stop() == 0)
    }

    func htmlEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
