import WirewatchControl

/// One control connection as a state machine without sockets: bytes in, calls out, replies
/// queued, bytes sent, and when to give up on the client. The server does the I/O; the rules
/// (message limits, malformed input, slow and stuck clients) live here and are tested alone.
struct ControlConnection {
    /// What the server should do after a read.
    enum Input: Equatable {
        /// Complete calls to answer, in order.
        case calls([VarlinkCall])
        /// Answer nothing more: send what is queued, then close.
        case closeAfterFlush(reason: String)
        /// Close at once.
        case close(reason: String)
    }

    static let maximumMessageSize = 1 << 20
    /// Replies a client has not read, at most.
    static let maximumPendingOutput = 16 << 20
    /// A message begun must be finished within this time, and queued replies must start moving
    /// within it (a client that sends half a message and hangs, or stops reading).
    static let stallTimeout: UInt64 = 10_000_000_000

    let peer: PeerCredentials
    private var decoder = VarlinkFrameDecoder(maximumMessageSize: ControlConnection.maximumMessageSize)
    private var output: [UInt8] = []
    /// Where unsent output begins (sent bytes are dropped in bulk).
    private var outputStart = 0
    private(set) var closing = false
    /// Since when a message has been begun and not finished, or replies have waited unsent.
    private var partialSince: UInt64?
    private var outputWaitingSince: UInt64?

    init(peer: PeerCredentials) {
        self.peer = peer
    }

    /// Bytes waiting to be sent.
    var pendingOutput: ArraySlice<UInt8> { output[outputStart...] }
    var wantsToWrite: Bool { outputStart < output.count }

    /// Takes received bytes.
    mutating func received(_ bytes: some Sequence<UInt8>, now: UInt64) -> Input {
        guard !closing else { return .calls([]) }
        let messages: [[UInt8]]
        do {
            messages = try decoder.feed(bytes)
        } catch {
            closing = true
            return .close(reason: "a message over \(Self.maximumMessageSize) bytes")
        }
        partialSince = decoder.pendingByteCount > 0 ? (messages.isEmpty ? partialSince ?? now : now) : nil
        var calls: [VarlinkCall] = []
        for message in messages {
            do {
                calls.append(try VarlinkCall.parse(message))
            } catch {
                // Answer what came before, then a typed error for this one, then stop.
                closing = true
                if !calls.isEmpty { return .calls(calls) }
                queue(
                    .failure(
                        VarlinkStandardError.invalidParameter,
                        .object(["parameter": .string("message: \(Self.describe(error))")])),
                    now: now)
                return .closeAfterFlush(reason: "a malformed message (\(Self.describe(error)))")
            }
        }
        return .calls(calls)
    }

    /// Queues a reply; false when the client has let too much pile up (it must be dropped).
    @discardableResult
    mutating func queue(_ reply: VarlinkReply, now: UInt64) -> Bool {
        output += VarlinkFrameDecoder.frame(reply.encoded())
        if outputWaitingSince == nil { outputWaitingSince = now }
        return output.count - outputStart <= Self.maximumPendingOutput
    }

    /// Notes that `count` queued bytes went out.
    mutating func sent(_ count: Int, now: UInt64) {
        outputStart += count
        if outputStart == output.count {
            output.removeAll(keepingCapacity: output.count <= 1 << 16)
            outputStart = 0
            outputWaitingSince = nil
        } else {
            outputWaitingSince = now
            if outputStart > 1 << 16 && outputStart * 2 > output.count {
                output.removeFirst(outputStart)
                outputStart = 0
            }
        }
    }

    /// Why the connection should be closed now, if it should.
    func shouldClose(now: UInt64) -> String? {
        if closing && !wantsToWrite { return "done" }
        if output.count - outputStart > Self.maximumPendingOutput { return "the client does not read its replies" }
        if let since = partialSince, now &- since > Self.stallTimeout { return "a message begun and not finished" }
        if let since = outputWaitingSince, now &- since > Self.stallTimeout { return "the client stopped reading" }
        return nil
    }

    static func describe(_ error: VarlinkCall.ParseError) -> String {
        switch error {
        case .notJSON: "not JSON"
        case .notAnObject: "not a JSON object"
        case .missingMethod: "no method"
        case .parametersNotAnObject: "parameters not an object"
        }
    }
}
