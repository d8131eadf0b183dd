#if canImport(Glibc)
import Glibc
#endif
import Foundation
import WirewatchCore

/// Reads `[alerts]`: the sinks, quiet hours and the `[[alerts.rule]]` list. Every problem of a rule
/// is reported with the rule's name.
extension Reader {
    mutating func readAlerts(_ table: TOMLTable, into alerts: inout DaemonConfiguration.AlertSettings) {
        rejectUnknown(
            in: table, prefix: "alerts.", known: ["quiet_hours", "time_zone", "jsonl", "journal", "exec", "webhook", "rule"])
        if let zone = timeZone(table, prefix: "alerts.") { alerts.timeZone = zone }
        if let value = table["quiet_hours"] {
            if case .string(let text) = value.kind, let quiet = QuietHours(text, timeZone: alerts.timeZone) {
                alerts.quietHours = quiet
            } else if case .string(let text) = value.kind, text.isEmpty {
                alerts.quietHours = nil
            } else {
                problem("alerts.quiet_hours", value.line, "must be a span of the day such as \"22:00-06:30\" (or \"\" for none)")
            }
        }
        for (key, path) in [("jsonl", \DaemonConfiguration.AlertSettings.jsonl), ("journal", \.journal)] {
            guard let value = table[key] else { continue }
            if case .boolean(let enabled) = value.kind { alerts[keyPath: path] = enabled } else {
                problem("alerts." + key, value.line, "must be true or false")
            }
        }
        if let exec = subtable(table, "exec", prefix: "alerts.") { alerts.exec = readExec(exec) }
        if let webhook = subtable(table, "webhook", prefix: "alerts.") { alerts.webhook = readWebhook(webhook) }
        if let value = table["rule"] {
            guard case .array(let items) = value.kind else {
                problem("alerts.rule", value.line, "must be a list of rules, each under its own [[alerts.rule]] header")
                return
            }
            var rules: [AlertRule] = []
            var watches: [(rule: String, names: [String], line: Int?)] = []
            var seen: Set<String> = []
            for (index, item) in items.enumerated() {
                guard case .table(let rule) = item.kind else {
                    problem("alerts.rule", item.line, "each rule must be a table ([[alerts.rule]])")
                    continue
                }
                if let (parsed, watching) = readRule(rule, index: index, seen: &seen) {
                    rules.append(parsed)
                    if !watching.isEmpty { watches.append((parsed.name, watching, rule["watch"]?.line)) }
                }
            }
            let names = seen
            let spikes = Set(rules.filter { if case .spike = $0.kind { true } else { false } }.map(\.name))
            for watch in watches {
                for name in watch.names {
                    let why: String
                    if name == watch.rule {
                        why = "a rule cannot watch itself"
                    } else if !names.contains(name) {
                        why = "there is no rule named \"\(name)\""
                    } else if spikes.contains(name) {
                        why = "\"\(name)\" is a spike rule, which fires for no single event; watch watchlist, new or breaking rules"
                    } else {
                        continue
                    }
                    problem("alerts.rule \"\(watch.rule)\".watch", watch.line, why)
                }
            }
            alerts.rules = rules
        }
    }

    private mutating func subtable(_ table: TOMLTable, _ key: String, prefix: String) -> TOMLTable? {
        guard let value = table[key] else { return nil }
        guard case .table(let inner) = value.kind else {
            problem(prefix + key, value.line, "must be a table ([\(prefix)\(key)]), not \(value.typeName)")
            return nil
        }
        return inner
    }

    private mutating func readExec(_ table: TOMLTable) -> DaemonConfiguration.AlertSettings.ExecHook? {
        rejectUnknown(in: table, prefix: "alerts.exec.", known: ["command", "timeout", "retries"])
        var hook = DaemonConfiguration.AlertSettings.ExecHook(command: [], timeout: .seconds(10), retries: 5)
        guard let value = table["command"] else {
            problem("alerts.exec.command", table.line, "is required: the program and its arguments, such as [\"/usr/local/bin/notify\", \"--team\", \"news\"]")
            return nil
        }
        let words = strings(value)
        guard let words, let program = words.first, !program.isEmpty else {
            problem("alerts.exec.command", value.line, "must be a non-empty list of strings: the program and its arguments")
            return nil
        }
        guard program.hasPrefix("/") else {
            problem("alerts.exec.command", value.line, "the program must be an absolute path, not \"\(program)\" (no shell and no PATH search)")
            return nil
        }
        guard access(program, X_OK) == 0 else {
            problem("alerts.exec.command", value.line, "\(program) is not an executable file: \(String(cString: strerror(errno)))")
            return nil
        }
        hook.command = words
        readTimeoutAndRetries(table, prefix: "alerts.exec.", timeout: &hook.timeout, retries: &hook.retries)
        return hook
    }

    private mutating func readWebhook(_ table: TOMLTable) -> DaemonConfiguration.AlertSettings.Webhook? {
        rejectUnknown(in: table, prefix: "alerts.webhook.", known: ["url", "timeout", "retries", "headers"])
        var webhook = DaemonConfiguration.AlertSettings.Webhook(url: "", timeout: .seconds(10), retries: 5, headers: [:])
        guard let value = table["url"] else {
            problem("alerts.webhook.url", table.line, "is required: the http:// or https:// URL alerts are posted to")
            return nil
        }
        guard case .string(let url) = value.kind, let components = URLComponents(string: url),
            ["http", "https"].contains(components.scheme?.lowercased() ?? ""), !(components.host ?? "").isEmpty
        else {
            problem("alerts.webhook.url", value.line, "must be an http:// or https:// URL with a host, such as \"https://hooks.example.com/wirewatch\"")
            return nil
        }
        webhook.url = url
        readTimeoutAndRetries(table, prefix: "alerts.webhook.", timeout: &webhook.timeout, retries: &webhook.retries)
        if let value = table["headers"] {
            if case .table(let headers) = value.kind {
                for name in headers.keys {
                    let valid = !name.isEmpty && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }
                    if case .string(let text)? = headers[name]?.kind, valid, !text.contains(where: { $0 == "\r" || $0 == "\n" }) {
                        webhook.headers[name] = text
                    } else {
                        problem("alerts.webhook.headers.\(name)", headers[name]?.line, "must be a header name with a one-line string value")
                    }
                }
            } else {
                problem("alerts.webhook.headers", value.line, "must be a table such as { Authorization = \"Bearer ...\" }")
            }
        }
        return webhook
    }

    private mutating func readTimeoutAndRetries(_ table: TOMLTable, prefix: String, timeout: inout Duration, retries: inout Int) {
        if let value = table["timeout"], let duration = duration(value, key: prefix + "timeout") {
            if duration < .seconds(1) || duration > .seconds(600) {
                problem(prefix + "timeout", value.line, "must be between 1s and 10m")
            } else {
                timeout = duration
            }
        }
        if let value = table["retries"] {
            if case .integer(let count) = value.kind, (0...20).contains(count) { retries = Int(count) } else {
                problem(prefix + "retries", value.line, "must be an integer from 0 to 20")
            }
        }
    }

    /// One `[[alerts.rule]]`, and the rules it watches (for growth rules).
    private mutating func readRule(_ table: TOMLTable, index: Int, seen: inout Set<String>) -> (AlertRule, [String])? {
        let kindKeys: [String: Set<String>] = [
            "watchlist": [], "new": [], "breaking": ["sources", "within"], "growth": ["watch"],
            "spike": ["window", "baseline", "factor", "min_articles"],
        ]
        let common: Set<String> = ["name", "kind", "any", "all", "none", "cooldown", "priority", "quiet_hours"]
        var name = "#\(index + 1)"
        if let value = table["name"] {
            if case .string(let text) = value.kind, !text.isEmpty, text.count <= 64,
                text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) })
            {
                name = text
                guard seen.insert(text).inserted else {
                    problem("alerts.rule \"\(text)\".name", value.line, "another rule has this name; names must be unique")
                    return nil
                }
            } else {
                problem("alerts.rule \(name).name", value.line, "must be 1 to 64 letters, digits, '_', '-' or '.'")
                return nil
            }
        } else {
            problem("alerts.rule \(name)", table.line, "needs a name (name = \"...\")")
            return nil
        }
        let prefix = "alerts.rule \"\(name)\"."
        let before = problems.count
        guard let kindValue = table["kind"], case .string(let kindName) = kindValue.kind, let specific = kindKeys[kindName] else {
            problem(prefix + "kind", table["kind"]?.line ?? table.line, "must be one of watchlist, new, breaking, growth, spike")
            return nil
        }
        for key in table.keys where !common.contains(key) && !specific.contains(key) {
            let owner = kindKeys.first { $0.value.contains(key) }?.key
            problem(
                prefix + key, table[key]?.line,
                owner.map { "only applies to rules of kind \($0), not \(kindName)" }
                    ?? "unknown key (known here: \((common.union(specific)).sorted().joined(separator: ", ")))")
        }
        var terms = TermFilter()
        let matcher = TermMatcher()
        for (key, path) in [("any", \TermFilter.any), ("all", \.all), ("none", \.none)] {
            guard let value = table[key] else { continue }
            guard let list = strings(value) else {
                problem(prefix + key, value.line, "must be a list of terms such as [\"Nordkorea\", \"Kim Jong Un\"]")
                continue
            }
            for term in list where matcher.term(term) == nil {
                problem(prefix + key, value.line, "the term \"\(term)\" has no word in it")
            }
            terms[keyPath: path] = list
        }
        var rule = AlertRule(name: name, kind: .watchlist, terms: terms, cooldown: 3600, priority: 5)
        if let value = table["cooldown"], let cooldown = duration(value, key: prefix + "cooldown") {
            if cooldown > .seconds(365 * 86_400) {
                problem(prefix + "cooldown", value.line, "must be at most 365d")
            } else {
                rule.cooldown = cooldown.inSeconds
            }
        }
        if let value = table["quiet_hours"] {
            if case .boolean(let honours) = value.kind { rule.honoursQuietHours = honours } else {
                problem(prefix + "quiet_hours", value.line, "must be true (held during [alerts] quiet_hours) or false (always sent)")
            }
        }
        var watching: [String] = []
        switch kindName {
        case "watchlist":
            if !terms.selects {
                problem(prefix + "any", table.line, "a watchlist needs terms in any or all (without them it would fire for every event)")
            }
            rule.priority = 5
        case "new":
            rule.kind = .newEvent
            rule.priority = 6
        case "breaking":
            var sources = 3
            var within = 3600.0
            if let value = table["sources"] {
                if case .integer(let count) = value.kind, (2...1000).contains(count) { sources = Int(count) } else {
                    problem(prefix + "sources", value.line, "must be an integer from 2 to 1000 (distinct sources)")
                }
            }
            if let value = table["within"], let span = duration(value, key: prefix + "within") {
                if span < .seconds(60) || span > .seconds(30 * 86_400) {
                    problem(prefix + "within", value.line, "must be between 1m and 30d")
                } else {
                    within = span.inSeconds
                }
            }
            rule.kind = .breaking(sources: sources, within: within)
            rule.priority = 4
        case "growth":
            if let value = table["watch"] {
                if let names = strings(value), !names.isEmpty { watching = names } else {
                    problem(prefix + "watch", value.line, "must be a list of rule names such as [\"nordkorea\"]")
                }
            }
            if watching.isEmpty && !terms.selects {
                problem(prefix + "watch", table.line, "a growth rule needs rules to watch (watch = [...]) or terms in any or all")
            }
            rule.kind = .growth(watching: watching)
            rule.priority = 6
        default:  // spike
            var window = 3600.0
            var baseline = 86_400.0
            var factor = 3.0
            var minimum = 5
            if let value = table["window"], let span = duration(value, key: prefix + "window") {
                if span < .seconds(60) || span > .seconds(7 * 86_400) { problem(prefix + "window", value.line, "must be between 1m and 7d") } else { window = span.inSeconds }
            }
            if let value = table["baseline"], let span = duration(value, key: prefix + "baseline") { baseline = span.inSeconds }
            if baseline < 2 * window || baseline > 100 * window {
                problem(prefix + "baseline", table["baseline"]?.line ?? table.line, "must be 2 to 100 times the window (\(Int(baseline))s for a \(Int(window))s window)")
            }
            if let value = table["factor"] {
                if let number = number(value), number > 1, number <= 1000 { factor = number } else {
                    problem(prefix + "factor", value.line, "must be a number above 1, such as 3 (times the baseline)")
                }
            }
            if let value = table["min_articles"] {
                if case .integer(let count) = value.kind, (1...1_000_000).contains(count) { minimum = Int(count) } else {
                    problem(prefix + "min_articles", value.line, "must be an integer of at least 1")
                }
            }
            rule.kind = .spike(window: window, baseline: baseline, factor: factor, minimum: minimum)
            rule.priority = 4
        }
        if let value = table["priority"] {
            if let priority = Self.priority(value) { rule.priority = priority } else {
                problem(prefix + "priority", value.line, "must be a syslog priority: emerg, alert, crit, err, warning, notice, info, debug (or 0 to 7)")
            }
        }
        return problems.count == before ? (rule, watching) : nil
    }

    private static func priority(_ value: TOMLValue) -> Int? {
        let names = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"]
        switch value.kind {
        case .integer(let number) where (0...7).contains(number): return Int(number)
        case .string(let name): return names.firstIndex(of: name.lowercased()) ?? (name.lowercased() == "error" ? 3 : nil)
        default: return nil
        }
    }

    private func strings(_ value: TOMLValue) -> [String]? {
        guard case .array(let items) = value.kind else { return nil }
        var result: [String] = []
        for item in items {
            guard case .string(let text) = item.kind, !text.isEmpty else { return nil }
            result.append(text)
        }
        return result
    }
}
