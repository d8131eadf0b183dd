#if canImport(Glibc)
import Glibc
#endif
import WirewatchControl
import WirewatchStore

/// The daemon's Varlink methods: `org.varlink.service` and `io.wirewatch`.
struct DaemonControlHandler: ControlHandler {
    let daemon: Daemon
    /// Changing methods are for root and the daemon's own user (which `ExecReload=` runs as).
    let ownUID = geteuid()

    func handle(_ call: VarlinkCall, from peer: PeerCredentials) -> VarlinkReply {
        switch call.method {
        case "org.varlink.service.GetInfo":
            return VarlinkReply(
                parameters: .object([
                    "vendor": .string(WirewatchInterface.vendor), "product": .string(WirewatchInterface.product),
                    "version": .string(WirewatchInterface.version), "url": .string(WirewatchInterface.url),
                    "interfaces": .array([.string("org.varlink.service"), .string(WirewatchInterface.name)]),
                ]))
        case "org.varlink.service.GetInterfaceDescription":
            switch call.parameters["interface"]?.stringValue {
            case WirewatchInterface.name?:
                return VarlinkReply(parameters: .object(["description": .string(WirewatchInterface.description)]))
            case "org.varlink.service"?:
                return VarlinkReply(parameters: .object(["description": .string(WirewatchInterface.serviceDescription)]))
            case let other?:
                return .failure(VarlinkStandardError.interfaceNotFound, .object(["interface": .string(other)]))
            case nil:
                return .failure(VarlinkStandardError.invalidParameter, .object(["parameter": "interface"]))
            }
        case WirewatchInterface.Method.getStatus:
            guard mayRead(peer) else {
                return Self.denied(call.method)
            }
            return VarlinkReply(parameters: .object(["status": status()]))
        case WirewatchInterface.Method.listEvents, WirewatchInterface.Method.getEvent, WirewatchInterface.Method.listArticles,
            WirewatchInterface.Method.getArticle, WirewatchInterface.Method.explain, WirewatchInterface.Method.listAlerts:
            guard mayRead(peer) else {
                return Self.denied(call.method)
            }
            guard let store = daemon.store else {
                return .failure(WirewatchInterface.Error.internalError, .object(["reason": "the store is not open yet"]))
            }
            let queries = ControlQueries(store: store)
            do {
                switch call.method {
                case WirewatchInterface.Method.listEvents: return try queries.listEvents(call.parameters)
                case WirewatchInterface.Method.getEvent: return try queries.getEvent(call.parameters)
                case WirewatchInterface.Method.listArticles: return try queries.listArticles(call.parameters)
                case WirewatchInterface.Method.listAlerts: return try queries.listAlerts(call.parameters)
                case WirewatchInterface.Method.explain:
                    return try queries.explain(call.parameters, configuration: daemon.configuration.dedup)
                default: return try queries.getArticle(call.parameters)
                }
            } catch {
                return error.reply
            }
        case WirewatchInterface.Method.pause, WirewatchInterface.Method.resume, WirewatchInterface.Method.rescan:
            guard mayChange(peer) else {
                return Self.denied(call.method)
            }
            switch call.method {
            case WirewatchInterface.Method.pause:
                daemon.pause()
            case WirewatchInterface.Method.resume:
                daemon.resume()
            default:
                return VarlinkReply(parameters: .object(["queued": .number(Double(daemon.rescan()))]))
            }
            return VarlinkReply(parameters: .object(["state": .string(daemon.currentState.rawValue)]))
        case WirewatchInterface.Method.buildDigest:
            guard mayChange(peer) else {
                return Self.denied(call.method)
            }
            do {
                let since = try ControlQueries.time(call.parameters, "since")
                let until = try ControlQueries.time(call.parameters, "until")
                if let since, let until, since > until {
                    return .failure(
                        WirewatchInterface.Error.invalidParameter, .object(["parameter": "since", "reason": "is after until"]))
                }
                let written = try daemon.buildDigest(since: since, until: until)
                return VarlinkReply(
                    parameters: .object([
                        "paths": .array(written.paths.map(JSONValue.string)), "events": .number(Double(written.events)),
                        "since": .string(Clock.iso8601(written.since)), "until": .string(Clock.iso8601(written.until)),
                    ]))
            } catch let failure as ControlQueries.Failure {
                return failure.reply
            } catch {
                return .failure(WirewatchInterface.Error.internalError, .object(["reason": .string("\(error)")]))
            }
        case WirewatchInterface.Method.retry:
            guard mayChange(peer) else {
                return Self.denied(call.method)
            }
            guard let file = call.parameters["file"]?.stringValue else {
                return .failure(
                    WirewatchInterface.Error.invalidParameter,
                    .object(["parameter": "file", "reason": "the name of a file in the failed folder is required"]))
            }
            do {
                return VarlinkReply(parameters: .object(["inbox_path": .string(try daemon.retry(file))]))
            } catch {
                switch error {
                case .notFound(let name):
                    return .failure(WirewatchInterface.Error.notFound, .object(["kind": "failed file", "id": .string(name)]))
                case .invalid(let reason):
                    return .failure(WirewatchInterface.Error.invalidParameter, .object(["parameter": "file", "reason": .string(reason)]))
                case .failed(let systemError):
                    return .failure(WirewatchInterface.Error.internalError, .object(["reason": .string("\(systemError)")]))
                }
            }
        case WirewatchInterface.Method.reload:
            guard mayChange(peer) else {
                return Self.denied(call.method)
            }
            switch daemon.reload() {
            case .applied(let source, let warnings):
                return VarlinkReply(parameters: .object(["source": .string(source), "warnings": .array(warnings.map { .string($0) })]))
            case .rejected(let error):
                return .failure(
                    WirewatchInterface.Error.invalidConfiguration,
                    .object([
                        "source": .string(error.source),
                        "problems": .array(error.problems.map { .string($0.description) }),
                    ]))
            }
        default:
            let interface = call.method.split(separator: ".").dropLast().joined(separator: ".")
            if interface != WirewatchInterface.name && interface != "org.varlink.service" {
                return .failure(VarlinkStandardError.interfaceNotFound, .object(["interface": .string(interface)]))
            }
            return .failure(VarlinkStandardError.methodNotFound, .object(["method": .string(call.method)]))
        }
    }

    /// The current state for a new follower: the status, then the most recently active events.
    func follow(from peer: PeerCredentials) -> [VarlinkReply] {
        guard mayRead(peer) else {
            return [Self.denied(WirewatchInterface.Method.follow)]
        }
        var replies = [VarlinkReply(parameters: .object(["change": .object(["kind": "status", "status": status()])]), continues: true)]
        if let store = daemon.store, let recent = try? store.events(matching: EventQuery(limit: 20)) {
            for event in recent.items.reversed() {
                replies.append(
                    VarlinkReply(parameters: .object(["change": .object(["kind": "event", "event": ControlQueries.event(event)])]), continues: true))
            }
        }
        return replies
    }

    static func denied(_ method: String) -> VarlinkReply {
        .failure(WirewatchInterface.Error.permissionDenied, .object(["method": .string(method)]))
    }

    /// Changing methods: root, the daemon's own user and members of `control.admin_group`.
    private func mayChange(_ peer: PeerCredentials) -> Bool {
        ControlAccess.mayChange(peer, ownUID: ownUID, control: daemon.configuration.control, groupID: ControlAccess.groupID)
    }

    /// Reading methods: those, and members of `control.group` (anyone when it is empty).
    private func mayRead(_ peer: PeerCredentials) -> Bool {
        ControlAccess.mayRead(peer, ownUID: ownUID, control: daemon.configuration.control, groupID: ControlAccess.groupID)
    }

    private func status() -> JSONValue {
        let counts = daemon.counts()
        var status: [String: JSONValue] = [
            "state": .string(daemon.currentState.rawValue),
            "version": .string(WirewatchInterface.version),
            "uptime_seconds": .number(Double(daemon.uptimeSeconds)),
            "inbox": .string(daemon.configuration.paths.inbox),
            "articles": .number(Double(counts.articles)),
            "files": .number(Double(counts.files)),
            "exact_duplicates": .number(Double(counts.exactDuplicates)),
            "failed": .number(Double(counts.failed)),
            "queued": .number(Double(counts.queued)),
            "overflows": .number(Double(counts.overflows)),
            "rescans": .number(Double(counts.rescans)),
            "alerts_pending": .number(Double(daemon.alertsPending)),
        ]
        if let lastError = daemon.lastError { status["last_error"] = .string(lastError) }
        return .object(status)
    }
}
