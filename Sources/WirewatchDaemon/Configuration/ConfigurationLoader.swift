import Logging
import Foundation
import WirewatchCore
import WirewatchDigest

/// One thing wrong with a configuration file, with the key and line it concerns.
public struct ConfigurationProblem: Sendable, Equatable, CustomStringConvertible {
    /// Dotted key, e.g. `inbox.max_file_size`; empty for syntax errors.
    public var key: String
    /// 1-based line, when known.
    public var line: Int?
    public var message: String

    public init(key: String, line: Int?, message: String) {
        self.key = key
        self.line = line
        self.message = message
    }

    public var description: String {
        let location = line.map { "line \($0): " } ?? ""
        return key.isEmpty ? "\(location)\(message)" : "\(location)\(key): \(message)"
    }
}

/// A configuration file that cannot be used, with every problem found in it.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, or a description of where the text came from.
    public var source: String
    public var problems: [ConfigurationProblem]

    public init(source: String, problems: [ConfigurationProblem]) {
        self.source = source
        self.problems = problems
    }

    public var description: String {
        problems.map { problem in
            let location = problem.line.map { "\(source):\($0)" } ?? source
            return problem.key.isEmpty ? "\(location): \(problem.message)" : "\(location): \(problem.key): \(problem.message)"
        }.joined(separator: "\n")
    }
}

/// Reads `wirewatch.toml`: syntax, known keys only, types and ranges, with every problem reported.
public struct ConfigurationLoader: Sendable {
    /// Base for relative paths in the file (the file's folder).
    public var relativeTo: String

    public init(relativeTo: String) {
        self.relativeTo = relativeTo
    }

    /// Parses `text`; `source` names it in errors.
    public func load(_ text: String, source: String) throws(ConfigurationError) -> DaemonConfiguration {
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(text)
        } catch {
            throw ConfigurationError(
                source: source,
                problems: [ConfigurationProblem(key: "", line: error.line, message: "column \(error.column): \(error.message)")])
        }
        var reader = Reader(relativeTo: relativeTo)
        let configuration = reader.read(root)
        guard reader.problems.isEmpty else { throw ConfigurationError(source: source, problems: reader.problems) }
        return configuration
    }
}

/// Walks the parsed document, collecting problems rather than stopping at the first.
struct Reader {
    var relativeTo: String
    var problems: [ConfigurationProblem] = []

    init(relativeTo: String) {
        self.relativeTo = relativeTo
    }

    mutating func read(_ root: TOMLTable) -> DaemonConfiguration {
        var configuration = DaemonConfiguration.default
        rejectUnknown(in: root, prefix: "", known: ["paths", "inbox", "dedup", "control", "digest", "alerts", "log"])
        if let paths = table(root, "paths", prefix: "") {
            rejectUnknown(
                in: paths, prefix: "paths.",
                known: ["inbox", "processing", "archive", "failed", "database", "digests", "alerts", "control_socket"])
            path(paths, "inbox", into: &configuration.paths.inbox)
            path(paths, "processing", into: &configuration.paths.processing)
            path(paths, "archive", into: &configuration.paths.archive)
            path(paths, "failed", into: &configuration.paths.failed)
            path(paths, "database", into: &configuration.paths.database)
            path(paths, "digests", into: &configuration.paths.digests)
            path(paths, "alerts", into: &configuration.paths.alerts)
            path(paths, "control_socket", into: &configuration.paths.controlSocket)
        }
        if let inbox = table(root, "inbox", prefix: "") {
            rejectUnknown(
                in: inbox, prefix: "inbox.",
                known: ["max_file_size", "ignore", "stability_delay", "rescan_interval", "batch_size"])
            if let value = inbox["max_file_size"] {
                if let size = byteSize(value, key: "inbox.max_file_size") {
                    if size < 1 || size > 1 << 30 {
                        problem("inbox.max_file_size", value.line, "must be between 1 byte and 1 GiB, not \(size) bytes")
                    } else {
                        configuration.inbox.maxFileSize = size
                    }
                }
            }
            if let value = inbox["ignore"] {
                if case .array(let items) = value.kind {
                    var patterns: [String] = []
                    for item in items {
                        if case .string(let pattern) = item.kind, !pattern.isEmpty, !pattern.contains("/") {
                            patterns.append(pattern)
                        } else {
                            problem("inbox.ignore", item.line, "each pattern must be a non-empty string without '/', such as \"*.tmp\"")
                        }
                    }
                    configuration.inbox.ignore = patterns
                } else {
                    problem("inbox.ignore", value.line, "must be an array of glob patterns, not \(value.typeName)")
                }
            }
            if let value = inbox["stability_delay"], let delay = duration(value, key: "inbox.stability_delay") {
                if delay > .seconds(60) {
                    problem("inbox.stability_delay", value.line, "must be at most 60s")
                } else {
                    configuration.inbox.stabilityDelay = delay
                }
            }
            if let value = inbox["rescan_interval"], let interval = duration(value, key: "inbox.rescan_interval") {
                if interval < .seconds(1) {
                    problem("inbox.rescan_interval", value.line, "must be at least 1s")
                } else {
                    configuration.inbox.rescanInterval = interval
                }
            }
            if let value = inbox["batch_size"] {
                if case .integer(let size) = value.kind, size >= 1, size <= 10_000 {
                    configuration.inbox.batchSize = Int(size)
                } else {
                    problem("inbox.batch_size", value.line, "must be an integer between 1 and 10000")
                }
            }
        }
        if let dedup = table(root, "dedup", prefix: "") {
            readDedup(dedup, into: &configuration.dedup)
        }
        if let control = table(root, "control", prefix: "") {
            rejectUnknown(in: control, prefix: "control.", known: ["group", "admin_group"])
            for (key, path) in [("group", \DaemonConfiguration.Control.group), ("admin_group", \.adminGroup)] {
                guard let value = control[key] else { continue }
                if case .string(let name) = value.kind,
                    name.isEmpty || name.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) })
                {
                    configuration.control[keyPath: path] = name
                } else {
                    problem("control." + key, value.line, "must be a group name such as \"wirewatch\" (or \"\" for none)")
                }
            }
        }
        if let digest = table(root, "digest", prefix: "") {
            readDigest(digest, into: &configuration.digest)
        }
        if let alerts = table(root, "alerts", prefix: "") {
            readAlerts(alerts, into: &configuration.alerts)
            // Held alerts are delivered by the next digest: there must be one.
            if configuration.alerts.quietHours != nil,
                DigestSchedule.parse(configuration.digest.schedule, timeZone: configuration.digest.timeZone) == .off
            {
                problem(
                    "alerts.quiet_hours", alerts["quiet_hours"]?.line,
                    "alerts held in quiet hours go into the next digest, but digest.schedule is \"off\": set a schedule or drop the quiet hours")
            }
        }
        if let log = table(root, "log", prefix: "") {
            rejectUnknown(in: log, prefix: "log.", known: ["level"])
            if let value = log["level"] {
                if case .string(let name) = value.kind, let level = Logger.Level(rawValue: name.lowercased()) {
                    configuration.logLevel = level
                } else {
                    let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
                    problem("log.level", value.line, "must be one of \(names)")
                }
            }
        }
        checkLayout(configuration.paths, root: root)
        return configuration
    }

    private mutating func readDigest(_ table: TOMLTable, into digest: inout DaemonConfiguration.DigestSettings) {
        rejectUnknown(in: table, prefix: "digest.", known: ["schedule", "time_zone", "formats", "keep", "max_age"])
        if let zone = timeZone(table, prefix: "digest.") { digest.timeZone = zone }
        if let value = table["schedule"] {
            if case .string(let text) = value.kind, DigestSchedule.parse(text, timeZone: digest.timeZone) != nil {
                digest.schedule = text
            } else {
                problem("digest.schedule", value.line, "must be \"off\", \"every 6h\" (minutes, hours or days, at most 7d) or \"daily 07:00\"")
            }
        }
        if let value = table["formats"] {
            if case .array(let items) = value.kind {
                var formats: [String] = []
                for item in items {
                    if case .string(let name) = item.kind, ["md", "json", "html"].contains(name) {
                        if formats.contains(name) {
                            problem("digest.formats", item.line, "\"\(name)\" is listed twice")
                        } else {
                            formats.append(name)
                        }
                    } else {
                        problem("digest.formats", item.line, "each format must be \"md\", \"json\" or \"html\"")
                    }
                }
                if formats.isEmpty { problem("digest.formats", value.line, "name at least one format") } else { digest.formats = formats }
            } else {
                problem("digest.formats", value.line, "must be a list such as [\"md\", \"json\", \"html\"]")
            }
        }
        if let value = table["keep"] {
            if case .integer(let count) = value.kind, (0...100_000).contains(count) {
                digest.keep = Int(count)
            } else {
                problem("digest.keep", value.line, "must be an integer from 0 (keep all) to 100000")
            }
        }
        if let value = table["max_age"], let age = duration(value, key: "digest.max_age") {
            digest.maximumAge = age
        }
    }

    private mutating func readDedup(_ table: TOMLTable, into dedup: inout DedupConfiguration) {
        let durations: [(String, WritableKeyPath<DedupConfiguration, Double>)] = [
            ("window", \.window), ("near_duplicate_horizon", \.nearDuplicateHorizon),
        ]
        let fractions: [(String, WritableKeyPath<DedupConfiguration, Double>)] = [
            ("near_duplicate_similarity", \.nearDuplicateSimilarity),
            ("near_duplicate_containment", \.nearDuplicateContainment), ("event_similarity", \.eventSimilarity),
            ("event_merge_similarity", \.eventMergeSimilarity), ("consolidation_linkage", \.consolidationLinkage),
        ]
        let weights: [(String, WritableKeyPath<DedupConfiguration, Double>)] = [
            ("content_weight", \.contentWeight), ("names_weight", \.namesWeight), ("numbers_weight", \.numbersWeight),
        ]
        let counts: [(String, WritableKeyPath<DedupConfiguration, Int>, Int)] = [
            ("maximum_recent_articles", \.maximumRecentArticles, 1000),
            ("maximum_open_events", \.maximumOpenEvents, 1000),
        ]
        rejectUnknown(
            in: table, prefix: "dedup.",
            known: Set(durations.map(\.0) + fractions.map(\.0) + weights.map(\.0) + counts.map(\.0)))
        for (key, path) in durations {
            guard let value = table[key], let duration = duration(value, key: "dedup." + key) else { continue }
            let seconds = duration.inSeconds
            if seconds < 60 || seconds > 365 * 86_400 {
                problem("dedup." + key, value.line, "must be between 1m and 365d")
            } else {
                dedup[keyPath: path] = seconds
            }
        }
        for (key, path) in fractions {
            guard let value = table[key] else { continue }
            if let number = number(value), number > 0, number <= 1 {
                dedup[keyPath: path] = number
            } else {
                problem("dedup." + key, value.line, "must be a number above 0 and at most 1, such as 0.5")
            }
        }
        for (key, path) in weights {
            guard let value = table[key] else { continue }
            if let number = number(value), number >= 0, number <= 100 {
                dedup[keyPath: path] = number
            } else {
                problem("dedup." + key, value.line, "must be a number from 0 to 100 (weights are relative to each other)")
            }
        }
        if dedup.contentWeight + dedup.namesWeight + dedup.numbersWeight <= 0 {
            problem("dedup.content_weight", table["content_weight"]?.line, "the three weights must not all be 0")
        }
        for (key, path, minimum) in counts {
            guard let value = table[key] else { continue }
            if case .integer(let count) = value.kind, count >= minimum, count <= 100_000_000 {
                dedup[keyPath: path] = Int(count)
            } else {
                problem("dedup." + key, value.line, "must be an integer from \(minimum) to 100000000")
            }
        }
    }

    /// `time_zone` of `table`, when it is there and names a zone.
    mutating func timeZone(_ table: TOMLTable, prefix: String) -> String? {
        guard let value = table["time_zone"] else { return nil }
        if case .string(let zone) = value.kind, TimeZone(identifier: zone) != nil { return zone }
        problem(prefix + "time_zone", value.line, "must be a time zone name such as \"Europe/Berlin\" or \"UTC\"")
        return nil
    }

    func number(_ value: TOMLValue) -> Double? {
        switch value.kind {
        case .integer(let number): Double(number)
        case .float(let number) where number.isFinite: number
        default: nil
        }
    }

    /// Folders the daemon moves files between must be distinct and outside the inbox, or the daemon
    /// would watch its own moves.
    private mutating func checkLayout(_ paths: DaemonConfiguration.Paths, root: TOMLTable) {
        let inbox = normalised(paths.inbox)
        for (key, folder) in [("processing", paths.processing), ("archive", paths.archive), ("failed", paths.failed)] {
            let path = normalised(folder)
            let line = lineOf(root, "paths", key)
            if path == inbox {
                problem("paths.\(key)", line, "must not be the inbox itself")
            } else if path.hasPrefix(inbox + "/") {
                problem("paths.\(key)", line, "must not be inside the inbox (\(paths.inbox))")
            } else if inbox.hasPrefix(path + "/") {
                problem("paths.\(key)", line, "must not contain the inbox (\(paths.inbox))")
            }
        }
        let moved = [("processing", paths.processing), ("archive", paths.archive), ("failed", paths.failed)]
        for (index, (key, folder)) in moved.enumerated() {
            for (otherKey, other) in moved[(index + 1)...] where normalised(folder) == normalised(other) {
                problem("paths.\(otherKey)", lineOf(root, "paths", otherKey), "must differ from paths.\(key)")
            }
        }
    }

    private func lineOf(_ root: TOMLTable, _ table: String, _ key: String) -> Int? {
        guard case .table(let inner)? = root[table]?.kind else { return nil }
        return inner[key]?.line
    }

    private func normalised(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        return "/" + parts.joined(separator: "/")
    }

    mutating func problem(_ key: String, _ line: Int?, _ message: String) {
        problems.append(ConfigurationProblem(key: key, line: line, message: message))
    }

    mutating func rejectUnknown(in table: TOMLTable, prefix: String, known: Set<String>) {
        for key in table.keys where !known.contains(key) {
            let suggestion = known.sorted().joined(separator: ", ")
            problem(prefix + key, table[key]?.line, "unknown key (known here: \(suggestion))")
        }
    }

    mutating func table(_ root: TOMLTable, _ key: String, prefix: String) -> TOMLTable? {
        guard let value = root[key] else { return nil }
        guard case .table(let table) = value.kind else {
            problem(prefix + key, value.line, "must be a table ([\(key)]), not \(value.typeName)")
            return nil
        }
        return table
    }

    private mutating func path(_ table: TOMLTable, _ key: String, into target: inout String) {
        guard let value = table[key] else { return }
        guard case .string(let path) = value.kind, !path.isEmpty else {
            problem("paths.\(key)", value.line, "must be a non-empty string with a path")
            return
        }
        if path.utf8.contains(0) {
            problem("paths.\(key)", value.line, "must not contain NUL")
            return
        }
        target = path.hasPrefix("/") ? path : (relativeTo.hasSuffix("/") ? relativeTo : relativeTo + "/") + path
    }

    private mutating func byteSize(_ value: TOMLValue, key: String) -> Int64? {
        switch value.kind {
        case .integer(let bytes): return bytes
        case .string(let text):
            if let bytes = Units.parseByteSize(text) { return bytes }
            problem(key, value.line, "'\(text)' is not a size; write bytes as an integer or e.g. \"10 MiB\", \"512 KiB\"")
            return nil
        default:
            problem(key, value.line, "must be a size (an integer of bytes or a string such as \"10 MiB\"), not \(value.typeName)")
            return nil
        }
    }

    mutating func duration(_ value: TOMLValue, key: String) -> Duration? {
        switch value.kind {
        case .integer(let seconds) where seconds >= 0 && seconds < 1_000_000_000: return .seconds(seconds)
        case .float(let seconds) where seconds >= 0 && seconds < 1e9: return .milliseconds(Int64(seconds * 1000))
        case .string(let text):
            if let duration = Units.parseDuration(text) { return duration }
            problem(key, value.line, "'\(text)' is not a duration; write e.g. \"250ms\", \"5s\", \"10m\", \"72h\"")
            return nil
        default:
            problem(key, value.line, "must be a duration (seconds, or a string such as \"5s\"), not \(value.typeName)")
            return nil
        }
    }
}

extension Duration {
    /// The duration as a number of seconds.
    public var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Sizes and durations as people write them.
public enum Units {
    /// `"10 MiB"`, `"512KiB"`, `"1.5 MB"`, `"4096"`, `"4096 B"`; binary and decimal prefixes.
    public static func parseByteSize(_ text: String) -> Int64? {
        let (number, unit) = split(text)
        guard let number, number >= 0 else { return nil }
        let factor: Double
        switch unit.lowercased() {
        case "", "b", "bytes": factor = 1
        case "k", "kb": factor = 1000
        case "kib": factor = 1024
        case "m", "mb": factor = 1_000_000
        case "mib": factor = 1024 * 1024
        case "g", "gb": factor = 1_000_000_000
        case "gib": factor = 1024 * 1024 * 1024
        default: return nil
        }
        let bytes = number * factor
        guard bytes < 9e18 else { return nil }
        return Int64(bytes)
    }

    /// `"250ms"`, `"5s"`, `"1.5 s"`, `"10m"`, `"72h"`, `"1d"`; a bare number is seconds.
    public static func parseDuration(_ text: String) -> Duration? {
        let (number, unit) = split(text)
        guard let number, number >= 0, number < 1e9 else { return nil }
        let milliseconds: Double
        switch unit.lowercased() {
        case "ms": milliseconds = number
        case "", "s", "sec", "seconds": milliseconds = number * 1000
        case "m", "min", "minutes": milliseconds = number * 60_000
        case "h", "hours": milliseconds = number * 3_600_000
        case "d", "days": milliseconds = number * 86_400_000
        default: return nil
        }
        return .milliseconds(Int64(milliseconds.rounded()))
    }

    /// Formats a duration compactly for logs and `--check-config` output.
    public static func format(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 1000 != 0 { return "\(milliseconds)ms" }
        return "\(milliseconds / 1000)s"
    }

    private static func split(_ text: String) -> (Double?, String) {
        let trimmed = text.trimmingCharacters(in: " \t")
        let numberPart = trimmed.prefix { $0.isNumber || $0 == "." }
        let unit = trimmed.dropFirst(numberPart.count).trimmingCharacters(in: " \t")
        return (numberPart.isEmpty ? nil : Double(numberPart), unit)
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        let start = firstIndex { !characters.contains($0) } ?? endIndex
        let end = lastIndex { !characters.contains($0) }.map { index(after: $0) } ?? start
        return start < end ? String(self[start..<end]) : ""
    }
}
