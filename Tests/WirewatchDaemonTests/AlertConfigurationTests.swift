import Foundation
import Logging
import Testing
import WirewatchCore
import WirewatchStore
@testable import WirewatchDaemon

struct AlertConfigurationTests {
    let loader = ConfigurationLoader(relativeTo: "/etc/wirewatch")

    func problems(_ text: String) -> [String] {
        do {
            _ = try loader.load(text, source: "t.toml")
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func everyRuleKindAndSinkIsRead() throws {
        let configuration = try loader.load(
            """
            [alerts]
            time_zone = "Europe/Berlin"
            quiet_hours = "22:00-06:30"
            journal = false
            [alerts.exec]
            command = ["/bin/sh", "-c", "cat > /dev/null"]
            timeout = "5s"
            retries = 2
            [alerts.webhook]
            url = "https://hooks.example.com/wirewatch"
            headers = { Authorization = "Bearer x" }
            [[alerts.rule]]
            name = "nordkorea"
            kind = "watchlist"
            any = ["Nordkorea", "North Korea"]
            none = ["Fußball"]
            cooldown = "30m"
            priority = "warning"
            [[alerts.rule]]
            name = "fresh"
            kind = "new"
            all = ["Bahn", "Streik"]
            quiet_hours = false
            [[alerts.rule]]
            name = "breaking"
            kind = "breaking"
            sources = 4
            within = "2h"
            [[alerts.rule]]
            name = "grows"
            kind = "growth"
            watch = ["nordkorea"]
            [[alerts.rule]]
            name = "volume"
            kind = "spike"
            window = "1h"
            baseline = "24h"
            factor = 4
            min_articles = 10
            """, source: "t.toml")
        let alerts = configuration.alerts
        #expect(alerts.quietHours == QuietHours("22:00-06:30", timeZone: "Europe/Berlin"))
        #expect(alerts.jsonl && !alerts.journal)
        #expect(alerts.exec?.command == ["/bin/sh", "-c", "cat > /dev/null"])
        #expect(alerts.exec?.timeout == .seconds(5))
        #expect(alerts.exec?.retries == 2)
        #expect(alerts.webhook?.headers == ["Authorization": "Bearer x"])
        #expect(alerts.rules.map(\.name) == ["nordkorea", "fresh", "breaking", "grows", "volume"])
        #expect(alerts.rules[0].terms == TermFilter(any: ["Nordkorea", "North Korea"], none: ["Fußball"]))
        #expect(alerts.rules[0].cooldown == 1800)
        #expect(alerts.rules[0].priority == 4)
        #expect(alerts.rules[1].kind == .newEvent && !alerts.rules[1].honoursQuietHours)
        #expect(alerts.rules[2].kind == .breaking(sources: 4, within: 7200))
        #expect(alerts.rules[3].kind == .growth(watching: ["nordkorea"]))
        #expect(alerts.rules[4].kind == .spike(window: 3600, baseline: 86_400, factor: 4, minimum: 10))
        #expect(ConfigurationSummary.describe(configuration).contains("nordkorea (watchlist): any of Nordkorea, North Korea"))
    }

    @Test func invalidRulesAreReportedWithTheirNameAndTheReason() {
        let found = problems(
            """
            [[alerts.rule]]
            name = "empty-watch"
            kind = "watchlist"

            [[alerts.rule]]
            name = "odd"
            kind = "sometimes"

            [[alerts.rule]]
            name = "slow"
            kind = "breaking"
            sources = 1
            window = "1h"

            [[alerts.rule]]
            name = "grows"
            kind = "growth"
            watch = ["nobody"]

            [[alerts.rule]]
            name = "spiky"
            kind = "spike"
            window = "1h"
            baseline = "1h"
            factor = 0.5

            [[alerts.rule]]
            name = "slow"
            kind = "new"

            [[alerts.rule]]
            kind = "new"
            """)
        #expect(found.contains { $0.contains("alerts.rule \"empty-watch\".any") && $0.contains("a watchlist needs terms") })
        #expect(found.contains { $0.contains("alerts.rule \"odd\".kind") && $0.contains("watchlist, new, breaking, growth, spike") })
        #expect(found.contains { $0.contains("alerts.rule \"slow\".sources") && $0.contains("from 2 to 1000") })
        #expect(found.contains { $0.contains("alerts.rule \"slow\".window") && $0.contains("only applies to rules of kind spike") })
        #expect(found.contains { $0.contains("alerts.rule \"grows\".watch") && $0.contains("no rule named \"nobody\"") })
        #expect(found.contains { $0.contains("alerts.rule \"spiky\".baseline") && $0.contains("2 to 100 times the window") })
        #expect(found.contains { $0.contains("alerts.rule \"spiky\".factor") })
        #expect(found.contains { $0.contains("alerts.rule \"slow\".name") && $0.contains("unique") })
        #expect(found.contains { $0.contains("alerts.rule #7") && $0.contains("needs a name") })
        // Each problem names its line.
        #expect(found.allSatisfy { $0.hasPrefix("line ") })
    }

    @Test func settingsThatCannotWorkTogetherAreRefused() {
        #expect(problems("[digest]\nschedule = \"off\"\n[alerts]\nquiet_hours = \"22:00-06:00\"").contains {
            $0.contains("alerts.quiet_hours") && $0.contains("digest.schedule is \"off\"")
        })
        #expect(problems("[digest]\nformats = [\"md\", \"md\"]").contains { $0.contains("listed twice") })
        #expect(
            problems(
                "[[alerts.rule]]\nname = \"s\"\nkind = \"spike\"\n[[alerts.rule]]\nname = \"g\"\nkind = \"growth\"\nwatch = [\"s\"]"
            ).contains { $0.contains("alerts.rule \"g\".watch") && $0.contains("spike rule") })
        // Durations too large for the clock are errors, not a crash.
        #expect(problems("[[alerts.rule]]\nname = \"n\"\nkind = \"new\"\ncooldown = 1e300").contains { $0.contains("cooldown") })
        #expect(problems("[[alerts.rule]]\nname = \"n\"\nkind = \"new\"\ncooldown = \"400d\"").contains { $0.contains("at most 365d") })
    }

    @Test func badSinksAndQuietHoursAreReported() {
        let found = problems(
            """
            [alerts]
            quiet_hours = "late"
            [alerts.exec]
            command = ["notify-send"]
            [alerts.webhook]
            url = "ftp://example.com/x"
            retries = 99
            """)
        #expect(found.contains { $0.contains("alerts.quiet_hours") })
        #expect(found.contains { $0.contains("alerts.exec.command") && $0.contains("absolute path") })
        #expect(found.contains { $0.contains("alerts.webhook.url") && $0.contains("http:// or https://") })
        #expect(problems("[alerts.exec]\ncommand = [\"/nonexistent/hook\"]").contains { $0.contains("not an executable file") })
        #expect(problems("[alerts.webhook]\nurl = \"http://127.0.0.1:9/x\"\nretries = 99").contains { $0.contains("alerts.webhook.retries") })
    }
}

@Suite struct AlertSinkTests {
    @Test func anExecHookGetsTheAlertOnItsStandardInput() throws {
        let output = NSTemporaryDirectory() + "hook-\(UUID().uuidString)"
        defer { unlink(output) }
        try ExecSink.run(["/bin/sh", "-c", "cat > \"$0\"", output], input: Array("{\"id\":1}\n".utf8), timeout: 10)
        #expect(try String(contentsOfFile: output, encoding: .utf8) == "{\"id\":1}\n")
    }

    @Test func aFailingOrHangingHookIsReportedAndAHangingOneKilled() {
        #expect(throws: SinkFailure.self) { try ExecSink.run(["/bin/sh", "-c", "exit 3"], input: [], timeout: 10) }
        let started = Date()
        do {
            try ExecSink.run(["/bin/sh", "-c", "sleep 30"], input: [], timeout: 1)
            Issue.record("a hanging hook was not stopped")
        } catch {
            #expect(error.description.contains("did not finish within 1s"))
        }
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(throws: SinkFailure.self) { try ExecSink.run(["/nonexistent/hook"], input: [], timeout: 1) }
    }

    @Test func aHookThatDoesNotReadItsInputDoesNotHang() throws {
        // More than a pipe holds, to a command that never reads it.
        try ExecSink.run(["/bin/true"], input: Array(repeating: 0x41, count: 1 << 20), timeout: 5)
    }

    @Test func alertLinesAreAppendedWhole() throws {
        let path = NSTemporaryDirectory() + "alerts-\(UUID().uuidString).jsonl"
        defer { unlink(path) }
        let sink = JSONLinesSink(path: path)
        func alert(_ id: Int) -> StoredAlert {
            StoredAlert(
                id: Int64(id), rule: "r", kind: "new", reason: "new", eventID: 1, articleID: 1, firedAt: 0, priority: 5,
                deferred: false, message: "m", payload: "{\"id\":\(id)}", pending: .jsonl, digestedAt: nil)
        }
        try sink.deliver([alert(1)])
        try sink.deliver([alert(2), alert(3)])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n")
    }

    /// A worker whose sink fails `failures` times, then takes the alert.
    final class Attempts: @unchecked Sendable {
        private let lock = NSLock()
        private var times: [Double] = []

        func note() -> Int {
            lock.lock()
            defer { lock.unlock() }
            times.append(Date().timeIntervalSince1970)
            return times.count
        }

        var all: [Double] {
            lock.lock()
            defer { lock.unlock() }
            return times
        }
    }

    /// A running worker, handed one alert, whose sink fails `failures` times and then takes it.
    /// Its store lives in `folder`, which the test removes.
    func workerDeliveringOneAlert(failures: Int, retries: Int, folder: String) throws -> (SinkWorker, Attempts) {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let store = try Store(path: folder + "/state.sqlite")
        let attempts = Attempts()
        let worker = SinkWorker(sink: .exec, logger: Logger(label: "test"), store: store) { _ throws(SinkFailure) in
            if attempts.note() <= failures { throw SinkFailure("hook exited with status 1") }
        } retries: {
            retries
        }
        Thread { worker.run() }.start()
        worker.enqueue(Self.alert())
        return (worker, attempts)
    }

    static func alert() -> StoredAlert {
        StoredAlert(
            id: 1, rule: "r", kind: "new", reason: "new", eventID: 1, articleID: 1, firedAt: 0, priority: 5, deferred: false,
            message: "m", payload: "{}", pending: .exec, digestedAt: nil)
    }

    @Test func aFailingSinkIsRetriedWithADoublingDelayUntilItTakesTheAlert() throws {
        let folder = NSTemporaryDirectory() + "wirewatch-sink-\(UUID().uuidString)"
        let (worker, attempts) = try workerDeliveringOneAlert(failures: 2, retries: 5, folder: folder)
        defer {
            worker.stop()
            try? FileManager.default.removeItem(atPath: folder)
        }
        let deadline = Date().addingTimeInterval(10)
        while attempts.all.count < 3 && Date() < deadline { usleep(20_000) }
        let times = attempts.all
        #expect(times.count == 3)
        guard times.count == 3 else { return }
        // 1 s, then 2 s.
        #expect(times[1] - times[0] >= 0.9 && times[1] - times[0] < 1.8)
        #expect(times[2] - times[1] >= 1.9 && times[2] - times[1] < 3.5)
        usleep(200_000)
        #expect(worker.count == 0)
    }

    @Test func aSinkThatKeepsFailingIsGivenUpAfterItsRetries() throws {
        let folder = NSTemporaryDirectory() + "wirewatch-sink-\(UUID().uuidString)"
        let (worker, attempts) = try workerDeliveringOneAlert(failures: 100, retries: 1, folder: folder)
        defer {
            worker.stop()
            try? FileManager.default.removeItem(atPath: folder)
        }
        usleep(2_500_000)
        #expect(attempts.all.count == 2)
        #expect(worker.count == 0)
    }
}
