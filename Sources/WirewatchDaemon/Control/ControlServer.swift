#if canImport(Glibc)
import Glibc
#endif
import CLinux
import CSystemd
import Logging
import WirewatchControl

/// Who is calling, from `SO_PEERCRED` and `SO_PEERGROUPS`.
public struct PeerCredentials: Sendable, Equatable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32
    /// Supplementary groups.
    public var groups: [UInt32]

    public init(pid: Int32, uid: UInt32, gid: UInt32, groups: [UInt32] = []) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
        self.groups = groups
    }

    /// Whether the caller runs with this group, as its primary group or a supplementary one.
    public func isMember(of group: UInt32) -> Bool { gid == group || groups.contains(group) }
}

/// Answers Varlink calls. Called on the control thread; must not block for long.
public protocol ControlHandler: Sendable {
    func handle(_ call: VarlinkCall, from peer: PeerCredentials) -> VarlinkReply
    /// The first replies of a `Follow` call (the current state), or one error reply.
    func follow(from peer: PeerCredentials) -> [VarlinkReply]
}

/// The Varlink control socket: a `poll` loop on a thread of its own, so no client (slow, stuck or
/// malicious) can hold up ingestion. Each connection's rules (limits, malformed input, stalled
/// clients) are a ``ControlConnection``; this class only moves bytes.
final class ControlServer: @unchecked Sendable {
    private let listener: Int32
    private let handler: any ControlHandler
    private let logger: Logger
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let stopRequested = AtomicFlag()
    private var connections: [Int32: ControlConnection] = [:]
    /// Connections that called `Follow` with `more`: they get every change the feed posts.
    private var followers = Set<Int32>()
    private let feed: ControlFeed?
    private var receiveBuffer = [UInt8](repeating: 0, count: 65536)

    static let maximumConnections = 1024

    init(listener: Int32, handler: any ControlHandler, logger: Logger, feed: ControlFeed? = nil) throws(SystemError) {
        self.listener = listener
        self.handler = handler
        self.logger = logger
        self.feed = feed
        _ = fcntl(listener, F_SETFL, fcntl(listener, F_GETFL) | O_NONBLOCK)
        _ = fcntl(listener, F_SETFD, FD_CLOEXEC)
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw SystemError("pipe", path: "") }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        (wakeRead, wakeWrite) = (ends[0], ends[1])
        let wake = wakeWrite
        feed?.onPost {
            var byte: UInt8 = 2
            _ = write(wake, &byte, 1)
        }
    }

    deinit {
        for descriptor in connections.keys { close(descriptor) }
        close(wakeRead)
        close(wakeWrite)
        close(listener)
    }

    /// Binds and listens on a Unix socket path (when not socket-activated). A stale socket file
    /// left by a crash is replaced; a live one (another daemon answers) is an error.
    static func bind(path: String, mode: mode_t = 0o660, group: UInt32? = nil) throws(SystemError) -> Int32 {
        try FileSystem.createDirectory(FileSystem.parentDirectory(of: path), mode: 0o755)
        if let existing = try FileSystem.observe(path) {
            guard existing.kind == .socket else { throw SystemError("bind (not a socket in the way)", path: path, errno: EEXIST) }
            if (try? VarlinkClient(path: path, timeout: 1)) != nil {
                throw SystemError("bind (another daemon is listening)", path: path, errno: EADDRINUSE)
            }
            unlink(path)
        }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw SystemError("socket", path: path) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(descriptor)
            throw SystemError("bind (path too long)", path: path, errno: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            let error = SystemError("bind", path: path)
            close(descriptor)
            throw error
        }
        chmod(path, mode)
        if let group { chown(path, uid_t.max, group) }  // uid -1: the owner stays
        guard listen(descriptor, 128) == 0 else {
            let error = SystemError("listen", path: path)
            close(descriptor)
            throw error
        }
        return descriptor
    }

    func stop() {
        stopRequested.set()
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    func run() {
        while !stopRequested.isSet {
            var descriptors = [
                pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
                pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
            ]
            let order = Array(connections.keys)
            for descriptor in order {
                let wantsOutput = connections[descriptor]?.wantsToWrite ?? false
                descriptors.append(pollfd(fd: descriptor, events: Int16(wantsOutput ? POLLIN | POLLOUT : POLLIN), revents: 0))
            }
            let ready = poll(&descriptors, nfds_t(descriptors.count), 1000)
            if ready < 0 {
                if errno == EINTR { continue }
                logger.error("poll on the control socket failed", metadata: ["error": "\(SystemError("poll", path: "control"))"])
                usleep(100_000)
                continue
            }
            if descriptors[1].revents != 0 {
                var drained = [UInt8](repeating: 0, count: 64)
                while read(wakeRead, &drained, drained.count) > 0 {}
            }
            if stopRequested.isSet { break }
            deliverChanges()
            if descriptors[0].revents != 0 { acceptAll() }
            for (index, descriptor) in order.enumerated() {
                let events = descriptors[index + 2].revents
                guard events != 0 else { continue }
                if events & Int16(POLLIN | POLLHUP | POLLERR) != 0 { receive(descriptor) }
                if connections[descriptor] != nil && events & Int16(POLLOUT) != 0 { flush(descriptor) }
            }
            sweep()
        }
    }

    /// Closes connections whose client has stalled (half a message, replies unread).
    private func sweep() {
        let now = Clock.monotonicNanoseconds()
        for (descriptor, connection) in connections {
            guard let reason = connection.shouldClose(now: now) else { continue }
            if reason != "done" {
                logger.debug("dropping a control client", metadata: ["pid": "\(connection.peer.pid)", "reason": "\(reason)"])
            }
            drop(descriptor)
        }
    }

    private func acceptAll() {
        while true {
            // Non-blocking and close-on-exec from the start: an alert hook started meanwhile must
            // not inherit a client's connection.
            let descriptor = accept4(listener, nil, nil, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
            if descriptor < 0 {
                if errno == EINTR { continue }
                if errno != EAGAIN && errno != EWOULDBLOCK {
                    logger.warning("accept on the control socket failed", metadata: ["error": "\(SystemError("accept", path: "control"))"])
                }
                return
            }
            guard connections.count < Self.maximumConnections else {
                close(descriptor)
                logger.warning("too many control connections; refusing one", metadata: ["limit": "\(Self.maximumConnections)"])
                continue
            }
            var pid: Int32 = 0
            var uid: UInt32 = 0
            var gid: UInt32 = 0
            guard wirewatch_peer_credentials(descriptor, &pid, &uid, &gid) == 0 else {
                close(descriptor)
                continue
            }
            var groups = [UInt32](repeating: 0, count: 256)
            let groupCount = groups.withUnsafeMutableBufferPointer { wirewatch_peer_groups(descriptor, $0.baseAddress, 256) }
            connections[descriptor] = ControlConnection(
                peer: PeerCredentials(pid: pid, uid: uid, gid: gid, groups: Array(groups.prefix(max(0, Int(groupCount))))))
        }
    }

    private func receive(_ descriptor: Int32) {
        let count = receiveBuffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if count < 0 && (errno == EAGAIN || errno == EINTR) { return }
        guard count > 0, var connection = connections[descriptor] else {
            drop(descriptor)
            return
        }
        let now = Clock.monotonicNanoseconds()
        switch connection.received(receiveBuffer[0..<count], now: now) {
        case .calls(let calls):
            for call in calls {
                if call.method == WirewatchInterface.Method.follow {
                    guard call.more else {
                        connection.queue(.failure(VarlinkStandardError.expectedMore), now: now)
                        continue
                    }
                    let replies = handler.follow(from: connection.peer)
                    for reply in replies { connection.queue(reply, now: now) }
                    if replies.last?.error == nil {
                        followers.insert(descriptor)
                        feed?.setFollowerCount(followers.count)
                    }
                    continue
                }
                let reply = handler.handle(call, from: connection.peer)
                if !call.oneway { connection.queue(reply, now: now) }
            }
        case .closeAfterFlush(let reason):
            logger.debug("control client sent a malformed message", metadata: ["pid": "\(connection.peer.pid)", "reason": "\(reason)"])
        case .close(let reason):
            logger.debug("dropping a control client", metadata: ["pid": "\(connection.peer.pid)", "reason": "\(reason)"])
            drop(descriptor)
            return
        }
        connections[descriptor] = connection
        flush(descriptor)
    }

    private func flush(_ descriptor: Int32) {
        guard var connection = connections[descriptor] else { return }
        while connection.wantsToWrite {
            let sent = connection.pendingOutput.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { break }
                drop(descriptor)
                return
            }
            connection.sent(sent, now: Clock.monotonicNanoseconds())
        }
        if connection.shouldClose(now: Clock.monotonicNanoseconds()) != nil {
            drop(descriptor)
            return
        }
        connections[descriptor] = connection
    }

    /// Sends what the feed has posted to every follower (a follower that does not read is dropped
    /// by its connection's limits, never waited for).
    private func deliverChanges() {
        guard let feed else { return }
        let changes = feed.take()
        guard !changes.isEmpty, !followers.isEmpty else { return }
        let now = Clock.monotonicNanoseconds()
        for descriptor in followers {
            guard var connection = connections[descriptor] else { continue }
            for change in changes { connection.queue(VarlinkReply(parameters: change, continues: true), now: now) }
            connections[descriptor] = connection
            flush(descriptor)
        }
    }

    private func drop(_ descriptor: Int32) {
        if followers.remove(descriptor) != nil { feed?.setFollowerCount(followers.count) }
        connections[descriptor] = nil
        close(descriptor)
    }
}
