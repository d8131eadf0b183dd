/// A Varlink call: `{"method": "io.wirewatch.GetStatus", "parameters": {...}}`.
public struct VarlinkCall: Sendable, Equatable {
    public var method: String
    public var parameters: JSONValue
    /// The caller wants no reply.
    public var oneway: Bool
    /// The caller accepts several replies (`continues: true` on all but the last).
    public var more: Bool

    public init(method: String, parameters: JSONValue = .object([:]), oneway: Bool = false, more: Bool = false) {
        self.method = method
        self.parameters = parameters
        self.oneway = oneway
        self.more = more
    }

    /// Why a message is not a call.
    public enum ParseError: Error, Equatable, Sendable {
        case notJSON
        case notAnObject
        case missingMethod
        case parametersNotAnObject
    }

    /// Parses one message (without its NUL).
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> VarlinkCall {
        let value: JSONValue
        do {
            value = try JSONValue.decode(bytes)
        } catch {
            throw .notJSON
        }
        guard case .object(let object) = value else { throw .notAnObject }
        guard let method = object["method"]?.stringValue, !method.isEmpty else { throw .missingMethod }
        let parameters = object["parameters"] ?? .object([:])
        guard case .object = parameters else { throw .parametersNotAnObject }
        return VarlinkCall(
            method: method, parameters: parameters, oneway: object["oneway"]?.boolValue ?? false,
            more: object["more"]?.boolValue ?? false)
    }

    public func encoded() -> [UInt8] {
        var object: [String: JSONValue] = ["method": .string(method), "parameters": parameters]
        if oneway { object["oneway"] = true }
        if more { object["more"] = true }
        return JSONValue.object(object).encoded()
    }
}

/// A Varlink reply: parameters, or an error name with parameters.
public struct VarlinkReply: Sendable, Equatable {
    public var parameters: JSONValue
    /// A fully qualified error name, e.g. `io.wirewatch.NotFound`.
    public var error: String?
    public var continues: Bool

    public init(parameters: JSONValue = .object([:]), error: String? = nil, continues: Bool = false) {
        self.parameters = parameters
        self.error = error
        self.continues = continues
    }

    public static func failure(_ error: String, _ parameters: JSONValue = .object([:])) -> VarlinkReply {
        VarlinkReply(parameters: parameters, error: error)
    }

    public func encoded() -> [UInt8] {
        var object: [String: JSONValue] = ["parameters": parameters]
        if let error { object["error"] = .string(error) }
        if continues { object["continues"] = true }
        return JSONValue.object(object).encoded()
    }

    public static func parse(_ bytes: [UInt8]) throws -> VarlinkReply {
        let value = try JSONValue.decode(bytes)
        return VarlinkReply(
            parameters: value["parameters"] ?? .object([:]), error: value["error"]?.stringValue,
            continues: value["continues"]?.boolValue ?? false)
    }
}

/// Error names of the standard `org.varlink.service` interface.
public enum VarlinkStandardError {
    public static let interfaceNotFound = "org.varlink.service.InterfaceNotFound"
    public static let methodNotFound = "org.varlink.service.MethodNotFound"
    public static let methodNotImplemented = "org.varlink.service.MethodNotImplemented"
    public static let invalidParameter = "org.varlink.service.InvalidParameter"
    public static let permissionDenied = "org.varlink.service.PermissionDenied"
    public static let expectedMore = "org.varlink.service.ExpectedMore"
}
