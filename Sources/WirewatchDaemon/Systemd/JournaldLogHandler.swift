#if canImport(Glibc)
import Glibc
#endif
import CSystemd
import Logging

/// Stable `MESSAGE_ID=`s, one per kind of event, so operators can filter with
/// `journalctl MESSAGE_ID=...`. Log calls name the kind in the `event` metadata key.
public enum JournalMessageID {
    public static let byEvent: [String: String] = [
        "article-stored": "8a1e5c0f2b7d4e6a9c3f5b1d7e9a2c41",
        "exact-duplicate": "8a1e5c0f2b7d4e6a9c3f5b1d7e9a2c42",
        "file-failed": "8a1e5c0f2b7d4e6a9c3f5b1d7e9a2c43",
        "rescan-after-overflow": "8a1e5c0f2b7d4e6a9c3f5b1d7e9a2c44",
        "config-reloaded": "8a1e5c0f2b7d4e6a9c3f5b1d7e9a2c45",
        "config-rejected": "8a1e5c0f2b7d4e6a9c3f5b1d7e9a2c46",
        "recovered": "8a1e5c0f2b7d4e6a9c3f5b1d7e9a2c47",
        "claim-failed": "8a1e5c0f2b7d4e6a9c3f5b1d7e9a2c48",
        "daemon-ready": "8a1e5c0f2b7d4e6a9c3f5b1d7e9a2c49",
        "daemon-stopping": "8a1e5c0f2b7d4e6a9c3f5b1d7e9a2c4a",
    ]
}

/// The minimum log level, shared by all handlers so a reload can change it at once.
public final class SharedLogLevel: Sendable {
    private let value: SharedText

    public init(_ level: Logger.Level) {
        value = SharedText()
        value.set(level.rawValue)
    }

    public var level: Logger.Level {
        get { value.current.flatMap(Logger.Level.init(rawValue:)) ?? .info }
    }

    public func set(_ level: Logger.Level) {
        value.set(level.rawValue)
    }
}

/// Writes structured journal entries through `sd_journal_sendv_with_location`: `MESSAGE=`,
/// `PRIORITY=` from the level, `MESSAGE_ID=` from the `event` metadata, and every other metadata
/// key as a `WIREWATCH_KEY=` field (`file` becomes `WIREWATCH_FILE=`).
public struct JournaldLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public let label: String
    private let sharedLevel: SharedLogLevel

    public init(label: String, level: SharedLogLevel) {
        self.label = label
        self.sharedLevel = level
    }

    public var logLevel: Logger.Level {
        get { sharedLevel.level }
        set { sharedLevel.set(newValue) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let fields = Self.fields(level: event.level, message: "\(event.message)", metadata: merged, identifier: label)
        Self.send(fields, file: event.file, line: event.line, function: event.function)
    }

    /// The journal fields of one entry (pure, for tests).
    public static func fields(level: Logger.Level, message: String, metadata: Logger.Metadata, identifier: String) -> [String] {
        var fields = [
            "MESSAGE=" + message + Self.suffix(metadata),
            "PRIORITY=\(priority(level))",
            "SYSLOG_IDENTIFIER=" + identifier,
        ]
        if case .string(let kind)? = metadata["event"], let id = JournalMessageID.byEvent[kind] {
            fields.append("MESSAGE_ID=" + id)
        }
        for key in metadata.keys.sorted() {
            fields.append("WIREWATCH_" + fieldName(key) + "=" + "\(metadata[key]!)")
        }
        return fields
    }

    /// A short `(file=..., reason=...)` tail so the plain MESSAGE still says what happened.
    static func suffix(_ metadata: Logger.Metadata) -> String {
        let shown = ["file", "reason", "error", "article"].compactMap { key in metadata[key].map { "\(key)=\($0)" } }
        return shown.isEmpty ? "" : " (" + shown.joined(separator: ", ") + ")"
    }

    /// syslog priorities: 2 critical, 3 error, 4 warning, 5 notice, 6 info, 7 debug.
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// Journal field names: uppercase letters, digits and underscores, not starting with a digit.
    static func fieldName(_ key: String) -> String {
        let mapped = key.uppercased().map { ($0.isLetter && $0.isASCII) || ($0.isNumber && $0.isASCII) ? $0 : "_" }
        return String(mapped)
    }

    @discardableResult
    static func send(_ fields: [String], file: String, line: UInt, function: String) -> Int32 {
        // journald reads the fields from iovecs; copy each into memory that stays put for the call.
        var buffers: [UnsafeMutableRawBufferPointer] = []
        var iovecs: [iovec] = []
        for field in fields {
            let bytes = Array(field.utf8)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
            buffer.copyBytes(from: bytes)
            buffers.append(buffer)
            iovecs.append(iovec(iov_base: buffer.baseAddress, iov_len: bytes.count))
        }
        let result = sd_journal_sendv_with_location("CODE_FILE=" + file, "CODE_LINE=\(line)", function, &iovecs, Int32(iovecs.count))
        for buffer in buffers { buffer.deallocate() }
        return result
    }
}
