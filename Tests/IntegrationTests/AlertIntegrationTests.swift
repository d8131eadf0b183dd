import Foundation
import Synchronization
import Testing
import WirewatchControl

#if canImport(Glibc)
import Glibc
#endif

/// A one-thread HTTP server on 127.0.0.1 that records the bodies posted to it and answers with the
/// next status of a script (then 200).
final class WebhookServer: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32
    private let state = Mutex<(bodies: [String], statuses: [Int], requests: Int)>(([], [], 0))

    init(statuses: [Int] = []) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
        }
        guard bound == 0, listen(listener, 16) == 0 else { throw HarnessError("cannot listen: \(errno)") }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        self.port = UInt16(bigEndian: address.sin_port)
        state.withLock { $0.statuses = statuses }
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }
    var bodies: [String] { state.withLock { $0.bodies } }
    var requests: Int { state.withLock { $0.requests } }

    private func serve() {
        while true {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            var bodyStart: Int?
            var expected = 0
            while true {
                let count = read(connection, &buffer, buffer.count)
                guard count > 0 else { break }
                received += buffer[..<count]
                if bodyStart == nil, let end = String(decoding: received, as: UTF8.self).range(of: "\r\n\r\n") {
                    let head = String(decoding: received, as: UTF8.self)[..<end.lowerBound]
                    bodyStart = String(decoding: received, as: UTF8.self).utf8.distance(
                        from: String(decoding: received, as: UTF8.self).startIndex, to: end.upperBound)
                    for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
                        expected = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
                    }
                }
                if let start = bodyStart, received.count - start >= expected { break }
            }
            let status = state.withLock { state -> Int in
                state.requests += 1
                let status = state.statuses.isEmpty ? 200 : state.statuses.removeFirst()
                if status == 200, let start = bodyStart { state.bodies.append(String(decoding: received[start...], as: UTF8.self)) }
                return status
            }
            let answer = "HTTP/1.1 \(status) X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
            _ = answer.withCString { write(connection, $0, strlen($0)) }
            close(connection)
        }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }
}

/// Alerts end to end: a watchlist over the seeds fires once for their event, once more for a new
/// matching event, and never twice across restarts; every sink gets each alert.
@Suite(.serialized)
struct AlertIntegrationTests {
    static let otherEvent = """
        Nordkorea testet neue Interkontinentalrakete

        Seoul/Tokio – Nordkorea hat nach Angaben des südkoreanischen Generalstabs erneut eine
        Interkontinentalrakete getestet. Die Rakete sei am frühen Morgen vom Flughafen Sunan gestartet
        und nach 73 Minuten Flugzeit im Japanischen Meer niedergegangen, teilte das Militär mit.
        Japans Regierungssprecher verurteilte den Start als Verstoß gegen Resolutionen des
        UN-Sicherheitsrats. Die Küstenwache warnte Schiffe in der Region.
        """

    /// The watchlist rule both tests use.
    static let nordkorea = """
        [[alerts.rule]]
        name = "nordkorea"
        kind = "watchlist"
        any = ["Nordkorea"]
        """

    func lines(_ path: String) -> [JSONValue] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONValue.decode(Array($0.utf8)) }
    }

    @Test func aWatchlistFiresOncePerEventAcrossRestartsIntoEverySink() throws {
        let server = try WebhookServer(statuses: [500])
        defer { server.stop() }
        let hookOutput = NSTemporaryDirectory() + "wirewatch-hook-\(UUID().uuidString).jsonl"
        defer { unlink(hookOutput) }
        let daemon = try ControlIntegrationTests.startWithSeeds(
            config: """
                [alerts]
                [alerts.exec]
                command = ["/bin/sh", "-c", "cat >> \\"$0\\"", "\(hookOutput)"]
                [alerts.webhook]
                url = "\(server.url)"
                \(Self.nordkorea)
                """)
        defer { daemon.remove() }
        let alertsPath = daemon.base + "/alerts.jsonl"
        try daemon.waitUntil("the alert in every sink", timeout: 20) {
            lines(alertsPath).count == 1 && lines(hookOutput).count == 1 && server.bodies.count == 1
        }
        let alert = lines(alertsPath)[0]
        #expect(alert["rule"]?.stringValue == "nordkorea")
        #expect(alert["event"]?["sources"]?.intValue ?? 0 >= 1)
        #expect(alert["matched"] == .array([.string("Nordkorea")]))
        #expect(lines(hookOutput)[0] == alert)
        #expect(try JSONValue.decode(Array(server.bodies[0].utf8)) == alert)
        // The webhook answered 500 first: retried, and logged.
        #expect(server.requests == 2)
        #expect(daemon.log_().contains("alert-retry"))
        // Nothing waits for a sink any more.
        let status = try JSONValue.decode(Array(try ControlIntegrationTests.cli(daemon, ["status", "--json"]).stdout.utf8))
        #expect(status["alerts_pending"]?.intValue == 0)
        // The CLI lists it.
        let listed = try ControlIntegrationTests.cli(daemon, ["alerts", "--json"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("\"rule\":\"nordkorea\"") || listed.stdout.contains("\"rule\": \"nordkorea\""))
        #expect(try daemon.stop() == 0)

        // A restart fires nothing again, and a copy of a seed joins the old event without an alert.
        try daemon.start()
        try daemon.renameIn("copy.txt", try DedupIntegrationTests.seed(DedupIntegrationTests.seeds[2]) + "\nNachtrag.")
        try daemon.waitUntil("the copy stored", timeout: 30) { try daemon.storedNames().count == 6 }
        // A new event that matches fires once more, and followers see the alert.
        let follower = try VarlinkClient(path: daemon.base + "/control.sock", timeout: 15)
        try follower.send(VarlinkCall(method: "io.wirewatch.Follow", more: true))
        #expect(try follower.nextReply().parameters["change"]?["kind"]?.stringValue == "status")
        try daemon.renameIn("rakete.txt", Self.otherEvent)
        var followed: JSONValue?
        for _ in 0..<40 {
            let change = try follower.nextReply().parameters["change"]
            if change?["kind"]?.stringValue == "alert" {
                followed = change?["alert"]
                break
            }
        }
        #expect(followed?["rule"]?.stringValue == "nordkorea")
        #expect(followed?["held"] == .bool(false))
        try daemon.waitUntil("the new event's alert", timeout: 30) { lines(alertsPath).count == 2 }
        let second = lines(alertsPath)[1]
        #expect(second["event"]?["id"] != alert["event"]?["id"])
        try daemon.waitUntil("the hook and the webhook got it too", timeout: 20) {
            lines(hookOutput).count == 2 && server.bodies.count == 2
        }
        #expect(try daemon.stop() == 0)
        try daemon.start()
        usleep(500_000)
        #expect(try daemon.stop() == 0)
        #expect(lines(alertsPath).count == 2)
        #expect(lines(hookOutput).count == 2)
        #expect(server.bodies.count == 2)
    }

    @Test func quietHoursHoldAlertsForTheNextDigest() throws {
        // Quiet from an hour ago to an hour from now (UTC), whatever the time of day.
        func clock(_ offset: Double) -> String {
            let seconds = Int(Date().timeIntervalSince1970 + offset) % 86_400
            return String(format: "%02d:%02d", seconds / 3600, seconds % 3600 / 60)
        }
        let daemon = try ControlIntegrationTests.startWithSeeds(
            config: """
                [alerts]
                quiet_hours = "\(clock(-3600))-\(clock(3600))"
                \(Self.nordkorea)
                """)
        defer { daemon.remove() }
        try daemon.waitUntil("the alert held", timeout: 10) { daemon.log_().contains("alert-held") }
        #expect(lines(daemon.base + "/alerts.jsonl").isEmpty)
        let listed = try JSONValue.decode(Array(try ControlIntegrationTests.cli(daemon, ["alerts", "--json"]).stdout.utf8))
        guard case .array(let alerts)? = listed["alerts"] else {
            Issue.record("no alerts listed")
            return
        }
        #expect(alerts.count == 1)
        #expect(alerts.first?["held"] == .bool(true))
        // The next digest lists it, the one after does not.
        let reply = try JSONValue.decode(Array(try ControlIntegrationTests.cli(daemon, ["digest", "--json"]).stdout.utf8))
        guard case .array(let paths)? = reply["paths"], let json = paths.compactMap(\.stringValue).first(where: { $0.hasSuffix(".json") }),
            let markdown = paths.compactMap(\.stringValue).first(where: { $0.hasSuffix(".md") })
        else {
            Issue.record("no digest written")
            return
        }
        let digest = try JSONValue.decode(Array(try Data(contentsOf: URL(fileURLWithPath: json))))
        guard case .array(let held)? = digest["held_alerts"] else {
            Issue.record("no held_alerts in the digest")
            return
        }
        #expect(held.count == 1)
        #expect(held.first?["rule"]?.stringValue == "nordkorea")
        #expect(try String(contentsOfFile: markdown, encoding: .utf8).contains("## Alerts held during quiet hours"))
        usleep(10_000)
        let next = try JSONValue.decode(Array(try ControlIntegrationTests.cli(daemon, ["digest", "--json"]).stdout.utf8))
        guard case .array(let nextPaths)? = next["paths"], let nextJSON = nextPaths.compactMap(\.stringValue).first(where: { $0.hasSuffix(".json") })
        else {
            Issue.record("no second digest")
            return
        }
        let second = try JSONValue.decode(Array(try Data(contentsOf: URL(fileURLWithPath: nextJSON))))
        #expect(second["held_alerts"] == .array([]))
        #expect(try daemon.stop() == 0)
    }
}
