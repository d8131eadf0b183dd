import Foundation
import Testing
import WirewatchControl
@testable import WirewatchDaemon

/// The control connection's rules, without sockets: framing, malformed and oversized input,
/// stalled clients, and a fuzzed message stream.
struct ControlConnectionTests {
    static let peer = PeerCredentials(pid: 1, uid: 1000, gid: 1000)
    static let second: UInt64 = 1_000_000_000

    static func frame(_ text: String) -> [UInt8] { Array(text.utf8) + [0] }

    @Test func callsSplitAcrossReadsComeOutWholeAndInOrder() {
        var connection = ControlConnection(peer: Self.peer)
        let bytes = Self.frame(#"{"method":"io.wirewatch.GetStatus"}"#) + Self.frame(#"{"method":"io.wirewatch.ListEvents","parameters":{"limit":5}}"#)
        var calls: [VarlinkCall] = []
        for chunk in stride(from: 0, to: bytes.count, by: 7).map({ bytes[$0..<min(bytes.count, $0 + 7)] }) {
            guard case .calls(let some) = connection.received(chunk, now: 0) else {
                Issue.record("closed")
                return
            }
            calls += some
        }
        #expect(calls.map(\.method) == ["io.wirewatch.GetStatus", "io.wirewatch.ListEvents"])
        #expect(calls[1].parameters["limit"]?.intValue == 5)
        #expect(connection.shouldClose(now: 0) == nil)
    }

    @Test func malformedJSONGetsATypedErrorAndTheConnectionClosesAfterIt() {
        var connection = ControlConnection(peer: Self.peer)
        let input = connection.received(Self.frame("{not json"), now: 0)
        guard case .closeAfterFlush = input else {
            Issue.record("expected closeAfterFlush, got \(input)")
            return
        }
        let reply = String(decoding: connection.pendingOutput, as: UTF8.self)
        #expect(reply.contains("org.varlink.service.InvalidParameter"))
        #expect(connection.shouldClose(now: 0) == nil)  // the error is still to be sent
        connection.sent(connection.pendingOutput.count, now: 0)
        #expect(connection.shouldClose(now: 0) == "done")
    }

    @Test func callsBeforeAMalformedMessageAreStillAnswered() {
        var connection = ControlConnection(peer: Self.peer)
        let input = connection.received(Self.frame(#"{"method":"a.b.C"}"#) + Self.frame("[1,2]"), now: 0)
        #expect(input == .calls([VarlinkCall(method: "a.b.C")]))
        #expect(connection.closing)
    }

    @Test func anOversizedMessageClosesTheConnection() {
        var connection = ControlConnection(peer: Self.peer)
        let chunk = [UInt8](repeating: 0x20, count: 1 << 16)
        var closed = false
        for _ in 0..<20 {
            if case .close = connection.received(chunk, now: 0) {
                closed = true
                break
            }
        }
        #expect(closed)
    }

    @Test func halfAMessageThenSilenceIsDroppedAfterTheStallTimeout() {
        var connection = ControlConnection(peer: Self.peer)
        _ = connection.received(Array(#"{"method":"io.wire"#.utf8), now: 0)
        #expect(connection.shouldClose(now: 5 * Self.second) == nil)
        #expect(connection.shouldClose(now: 11 * Self.second) != nil)
        // Finishing the message in time clears the clock.
        var prompt = ControlConnection(peer: Self.peer)
        _ = prompt.received(Array(#"{"method":"io.wire"#.utf8), now: 0)
        _ = prompt.received(Array(#"watch.GetStatus"}"#.utf8) + [0], now: 5 * Self.second)
        #expect(prompt.shouldClose(now: 20 * Self.second) == nil)
    }

    @Test func aClientThatStopsReadingIsDropped() {
        var connection = ControlConnection(peer: Self.peer)
        connection.queue(VarlinkReply(parameters: .object(["x": "y"])), now: 0)
        connection.sent(3, now: Self.second)
        #expect(connection.shouldClose(now: 5 * Self.second) == nil)
        #expect(connection.shouldClose(now: 12 * Self.second) == "the client stopped reading")
        // And one that lets replies pile up beyond the limit, at once.
        var flood = ControlConnection(peer: Self.peer)
        let big = VarlinkReply(parameters: .object(["x": .string(String(repeating: "a", count: 1 << 20))]))
        var accepted = true
        for _ in 0..<20 { accepted = flood.queue(big, now: 0) && accepted }
        #expect(!accepted)
        #expect(flood.shouldClose(now: 0) == "the client does not read its replies")
    }

    @Test func fuzzedStreamsNeverCrashAndEndInCallsOrAClose() {
        let valid = [
            #"{"method":"io.wirewatch.GetStatus"}"#, #"{"method":"io.wirewatch.GetEvent","parameters":{"id":3}}"#,
            #"{"method":"org.varlink.service.GetInfo","oneway":true}"#, #"{"method":"x","parameters":{"a":[1,{"b":null}],"c":"\u00e9"}}"#,
        ]
        var random = SystemRandomNumberGenerator()
        var closes = 0
        var callCount = 0
        for _ in 0..<3000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                var message = Array(valid.randomElement(using: &random)!.utf8)
                for _ in 0..<Int.random(in: 0...3, using: &random) where !message.isEmpty {
                    let index = Int.random(in: 0..<message.count, using: &random)
                    switch Int.random(in: 0..<4, using: &random) {
                    case 0: message[index] = UInt8.random(in: 0...255, using: &random)
                    case 1: message.remove(at: index)
                    case 2: message.insert(UInt8.random(in: 0...255, using: &random), at: index)
                    default: message.insert(contentsOf: message[index...].prefix(8), at: index)
                    }
                }
                bytes += message + [0]
            }
            var connection = ControlConnection(peer: Self.peer)
            var offset = 0
            while offset < bytes.count && !connection.closing {
                let size = Int.random(in: 1...64, using: &random)
                switch connection.received(bytes[offset..<min(bytes.count, offset + size)], now: 0) {
                case .calls(let calls):
                    callCount += calls.count
                    for call in calls { #expect(!call.method.isEmpty) }
                case .close, .closeAfterFlush:
                    closes += 1
                }
                offset += size
            }
        }
        #expect(callCount > 0)
        #expect(closes > 0)
    }
}
