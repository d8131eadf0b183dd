import Foundation
import Logging
import Testing
import WirewatchControl
@testable import WirewatchDaemon

struct WatchdogScheduleTests {
    let second: UInt64 = 1_000_000_000

    func ping(_ schedule: inout WatchdogSchedule, now: UInt64, watcherHeartbeat: UInt64) -> Bool {
        schedule.shouldPing(now: now, watcherHeartbeat: watcherHeartbeat)
    }

    @Test func pingsAtHalfTheInterval() {
        var schedule = WatchdogSchedule(interval: .seconds(2), now: 0)
        #expect(!ping(&schedule, now: second / 2, watcherHeartbeat: second / 2))
        #expect(ping(&schedule, now: second, watcherHeartbeat: second))
        #expect(!ping(&schedule, now: second + 1, watcherHeartbeat: second))
        #expect(ping(&schedule, now: 2 * second, watcherHeartbeat: 2 * second))
        #expect(schedule.pollInterval == .milliseconds(500))
    }

    @Test func aStuckWatcherStopsThePings() {
        var schedule = WatchdogSchedule(interval: .seconds(2), now: 0)
        #expect(!ping(&schedule, now: 5 * second, watcherHeartbeat: 1 * second))
        #expect(ping(&schedule, now: 5 * second, watcherHeartbeat: 5 * second - 10))
    }
}

struct JournaldFieldsTests {
    @Test func anArticleStoredEntryHasPriorityMessageIDAndWirewatchFields() {
        let fields = JournaldLogHandler.fields(
            level: .info, message: "stored",
            metadata: ["event": "article-stored", "file": "a.txt", "article": "12", "claim-id": "1-00000001"],
            identifier: "wirewatchd")
        #expect(fields.contains("MESSAGE=stored (file=a.txt, article=12)"))
        #expect(fields.contains("PRIORITY=6"))
        #expect(fields.contains("SYSLOG_IDENTIFIER=wirewatchd"))
        #expect(fields.contains("MESSAGE_ID=" + JournalMessageID.byEvent["article-stored"]!))
        #expect(fields.contains("WIREWATCH_FILE=a.txt"))
        #expect(fields.contains("WIREWATCH_ARTICLE=12"))
        #expect(fields.contains("WIREWATCH_CLAIM_ID=1-00000001"))
    }

    @Test func levelsMapToSyslogPriorities() {
        #expect(
            [Logger.Level.trace, .debug, .info, .notice, .warning, .error, .critical].map(JournaldLogHandler.priority)
                == [7, 7, 6, 5, 4, 3, 2])
    }

    @Test func everyEventKindHasItsOwnMessageID() {
        let ids = Array(JournalMessageID.byEvent.values)
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) })
    }

    @Test func anEntryWithoutAKnownEventHasNoMessageID() {
        let fields = JournaldLogHandler.fields(level: .warning, message: "x", metadata: [:], identifier: "w")
        #expect(!fields.contains { $0.hasPrefix("MESSAGE_ID=") })
    }
}

struct ControlHandlerTests {
    let folder = NSTemporaryDirectory() + "wirewatch-handler-\(UUID().uuidString)"
    let root = PeerCredentials(pid: 1, uid: 0, gid: 0)

    func handler() -> DaemonControlHandler {
        let source = ConfigurationSource(explicitPath: nil, base: folder)
        var configuration = DaemonConfiguration.default
        configuration.paths = .local(under: folder)
        let daemon = Daemon(
            source: source, configuration: configuration, logger: Logger(label: "test"),
            logLevel: SharedLogLevel(.info), notifier: SystemdNotifier(environment: [:]))
        return DaemonControlHandler(daemon: daemon)
    }

    @Test func getInfoNamesTheServiceAndItsInterfaces() {
        let reply = handler().handle(VarlinkCall(method: "org.varlink.service.GetInfo"), from: root)
        #expect(reply.error == nil)
        #expect(reply.parameters["product"] == "wirewatchd")
        #expect(reply.parameters["interfaces"] == .array(["org.varlink.service", "io.wirewatch"]))
    }

    @Test func theInterfaceDescriptionIsServed() {
        let reply = handler().handle(
            VarlinkCall(method: "org.varlink.service.GetInterfaceDescription", parameters: .object(["interface": "io.wirewatch"])),
            from: root)
        #expect(reply.parameters["description"]?.stringValue == WirewatchInterface.description)
    }

    @Test func theEmbeddedDescriptionMatchesTheInterfaceFile() throws {
        let repository = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let file = try String(contentsOfFile: repository + "/Sources/WirewatchControl/io.wirewatch.varlink", encoding: .utf8)
        #expect(file == WirewatchInterface.description)
    }

    @Test func statusReportsStateAndCounts() {
        let reply = handler().handle(VarlinkCall(method: "io.wirewatch.GetStatus"), from: root)
        #expect(reply.parameters["status"]?["state"] == "starting")
        #expect(reply.parameters["status"]?["articles"] == 0)
        #expect(reply.parameters["status"]?["inbox"]?.stringValue == folder + "/inbox")
    }

    @Test func unknownMethodsAndInterfacesGetTheStandardErrors() {
        let handler = handler()
        #expect(handler.handle(VarlinkCall(method: "io.wirewatch.Nope"), from: root).error == "org.varlink.service.MethodNotFound")
        #expect(handler.handle(VarlinkCall(method: "com.example.Nope"), from: root).error == "org.varlink.service.InterfaceNotFound")
        #expect(
            handler.handle(VarlinkCall(method: "org.varlink.service.GetInterfaceDescription"), from: root).error
                == "org.varlink.service.InvalidParameter")
    }

    @Test func reloadIsOnlyForRootAndTheDaemonsOwnUser() {
        let stranger = PeerCredentials(pid: 9, uid: 4242, gid: 4242)
        #expect(handler().handle(VarlinkCall(method: "io.wirewatch.Reload"), from: stranger).error == "io.wirewatch.PermissionDenied")
        #expect(handler().handle(VarlinkCall(method: "io.wirewatch.Reload"), from: root).error == nil)
    }
}

struct VarlinkMessageTests {
    @Test func callsParseAndRefuseWhatIsNotACall() throws {
        let call = try VarlinkCall.parse(Array(#"{"method":"io.wirewatch.GetStatus","more":true}"#.utf8))
        #expect(call == VarlinkCall(method: "io.wirewatch.GetStatus", more: true))
        #expect(throws: VarlinkCall.ParseError.notJSON) { try VarlinkCall.parse(Array("{".utf8)) }
        #expect(throws: VarlinkCall.ParseError.notAnObject) { try VarlinkCall.parse(Array("[1]".utf8)) }
        #expect(throws: VarlinkCall.ParseError.missingMethod) { try VarlinkCall.parse(Array("{}".utf8)) }
        #expect(throws: VarlinkCall.ParseError.parametersNotAnObject) {
            try VarlinkCall.parse(Array(#"{"method":"a.B","parameters":3}"#.utf8))
        }
    }

    @Test func repliesRoundTrip() throws {
        let reply = VarlinkReply.failure("io.wirewatch.NotFound", .object(["id": 3]))
        #expect(try VarlinkReply.parse(reply.encoded()) == reply)
    }
}

struct ControlAccessTests {
    static let groups: [String: UInt32] = ["wirewatch": 900, "wirewatch-admin": 901]
    static func lookup(_ name: String) -> UInt32? { groups[name] }
    static let control = DaemonConfiguration.Control(group: "wirewatch", adminGroup: "wirewatch-admin")

    @Test func rootAndTheDaemonsOwnUserMayDoEverything() {
        for uid: UInt32 in [0, 500] {
            let peer = PeerCredentials(pid: 1, uid: uid, gid: 100)
            #expect(ControlAccess.mayRead(peer, ownUID: 500, control: Self.control, groupID: Self.lookup))
            #expect(ControlAccess.mayChange(peer, ownUID: 500, control: Self.control, groupID: Self.lookup))
        }
    }

    @Test func operatorsMayReadButNotChange() {
        let primary = PeerCredentials(pid: 1, uid: 1000, gid: 900)
        let supplementary = PeerCredentials(pid: 1, uid: 1001, gid: 100, groups: [27, 900])
        for peer in [primary, supplementary] {
            #expect(ControlAccess.mayRead(peer, ownUID: 500, control: Self.control, groupID: Self.lookup))
            #expect(!ControlAccess.mayChange(peer, ownUID: 500, control: Self.control, groupID: Self.lookup))
        }
    }

    @Test func adminsMayChangeAndRead() {
        let admin = PeerCredentials(pid: 1, uid: 1002, gid: 100, groups: [901])
        #expect(ControlAccess.mayChange(admin, ownUID: 500, control: Self.control, groupID: Self.lookup))
        #expect(ControlAccess.mayRead(admin, ownUID: 500, control: Self.control, groupID: Self.lookup))
    }

    @Test func othersMayDoNothingAndAMissingGroupAdmitsNobody() {
        let stranger = PeerCredentials(pid: 1, uid: 1003, gid: 100, groups: [27])
        #expect(!ControlAccess.mayRead(stranger, ownUID: 500, control: Self.control, groupID: Self.lookup))
        #expect(!ControlAccess.mayChange(stranger, ownUID: 500, control: Self.control, groupID: Self.lookup))
        let missing = DaemonConfiguration.Control(group: "no-such-group", adminGroup: "no-such-group")
        let member = PeerCredentials(pid: 1, uid: 1000, gid: 900)
        #expect(!ControlAccess.mayRead(member, ownUID: 500, control: missing, groupID: Self.lookup))
        let open = DaemonConfiguration.Control(group: "", adminGroup: "")
        #expect(ControlAccess.mayRead(stranger, ownUID: 500, control: open, groupID: Self.lookup))
        #expect(!ControlAccess.mayChange(stranger, ownUID: 500, control: open, groupID: Self.lookup))
    }
}
