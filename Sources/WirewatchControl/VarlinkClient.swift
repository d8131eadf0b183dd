#if canImport(Glibc)
import Glibc
#endif

/// Why a call could not be made or answered.
public enum VarlinkClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing listens at the path (the daemon is not running).
    case notRunning(path: String, reason: String)
    /// The socket exists but may not be opened.
    case permissionDenied(path: String)
    case timedOut(seconds: Double)
    case connectionClosed
    case malformedReply(String)
    case io(String)

    public var description: String {
        switch self {
        case .notRunning(let path, let reason): "cannot connect to \(path) (\(reason)): is wirewatchd running?"
        case .permissionDenied(let path): "permission denied on \(path): join the group that owns it"
        case .timedOut(let seconds): "no reply within \(seconds) s"
        case .connectionClosed: "the daemon closed the connection"
        case .malformedReply(let detail): "malformed reply: \(detail)"
        case .io(let detail): detail
        }
    }
}

/// A blocking Varlink client over a Unix socket, for the CLI and tests.
public final class VarlinkClient {
    private let descriptor: Int32
    private var decoder = VarlinkFrameDecoder(maximumMessageSize: 16 << 20)
    private var pending: [[UInt8]] = []
    public let timeout: Double

    public init(path: String, timeout: Double = 10) throws(VarlinkClientError) {
        self.timeout = timeout
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .io("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(descriptor)
            throw .io("socket path too long: \(path)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if result != 0 {
            let code = errno
            close(descriptor)
            if code == EACCES || code == EPERM { throw .permissionDenied(path: path) }
            throw .notRunning(path: path, reason: String(cString: strerror(code)))
        }
    }

    deinit {
        close(descriptor)
    }

    /// Sends a call and waits for its (first) reply.
    public func call(_ call: VarlinkCall) throws(VarlinkClientError) -> VarlinkReply {
        try send(call)
        return try nextReply()
    }

    public func send(_ call: VarlinkCall) throws(VarlinkClientError) {
        let bytes = VarlinkFrameDecoder.frame(call.encoded())
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + written, $0.count - written, Int32(MSG_NOSIGNAL)) }
            if result < 0 {
                if errno == EINTR { continue }
                throw .io("send: \(String(cString: strerror(errno)))")
            }
            written += result
        }
    }

    /// Waits for the next reply (for calls with `more`).
    public func nextReply() throws(VarlinkClientError) -> VarlinkReply {
        while pending.isEmpty {
            var descriptors = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptors, 1, Int32(timeout * 1000))
            if ready == 0 { throw .timedOut(seconds: timeout) }
            if ready < 0 {
                if errno == EINTR { continue }
                throw .io("poll: \(String(cString: strerror(errno)))")
            }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count < 0 {
                if errno == EINTR { continue }
                throw .io("recv: \(String(cString: strerror(errno)))")
            }
            if count == 0 { throw .connectionClosed }
            do {
                pending += try decoder.feed(buffer[0..<count])
            } catch {
                throw .malformedReply("reply larger than \(decoder.maximumMessageSize) bytes")
            }
        }
        let message = pending.removeFirst()
        do {
            return try VarlinkReply.parse(message)
        } catch {
            throw .malformedReply(String(decoding: message.prefix(200), as: UTF8.self))
        }
    }
}
