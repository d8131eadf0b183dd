import ArgumentParser
import Foundation
import WirewatchControl

/// The time span and page of every list: `events`, `articles`, `alerts`.
struct ListWindow: ParsableArguments {
    @Option(help: ArgumentHelp("Only since this time: an ISO 8601 date or time, or an age such as 24h, 7d, 30m.", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("Only until this time (same forms as --since).", valueName: "time"))
    var until: String?

    @Option(help: "At most this many (1 to 1000).")
    var limit: Int = 50

    @Option(help: "Skip this many (for paging).")
    var offset: Int = 0

    /// The interface's parameters: ages become absolute times.
    func parameters(now: Date = Date()) throws -> [String: JSONValue] {
        var parameters = try TimeArgument.parameters(since: since, until: until, now: now)
        parameters["limit"] = .number(Double(limit))
        parameters["offset"] = .number(Double(offset))
        return parameters
    }

    /// Says how to see the rest when `shown` items of the reply's `total` were printed.
    func printMore(shown: Int, reply: VarlinkReply) {
        let total = reply.parameters["total"]?.intValue ?? shown
        if total > offset + shown { print("\(shown) of \(total); more with --offset \(offset + shown)") }
    }
}

/// Filters shared by `events` and `articles`: a window and words.
struct ListFilters: ParsableArguments {
    @OptionGroup var window: ListWindow

    @Option(name: [.short, .long], help: ArgumentHelp("Words the title (or an event's names) must contain.", valueName: "words"))
    var query: String?

    /// The interface's parameters: ages become absolute times.
    func parameters(now: Date = Date()) throws -> [String: JSONValue] {
        var parameters = try window.parameters(now: now)
        if let query { parameters["query"] = .string(query) }
        return parameters
    }
}

/// `--since 24h` and friends.
enum TimeArgument {
    /// An ISO 8601 text as it is, or an age (`90s`, `30m`, `24h`, `7d`, `2w`) as the time that long ago.
    static func absolute(_ text: String, now: Date) -> String? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        if let unit = text.last.flatMap({ units[$0] }), let amount = Double(text.dropLast()), amount >= 0 {
            let formatter = ISO8601DateFormatter()
            return formatter.string(from: now.addingTimeInterval(-amount * unit))
        }
        return text.first?.isNumber == true && text.contains("-") ? text : nil
    }

    /// `since` and `until` as the interface's parameters (ages made absolute); exits with 2,
    /// saying what is accepted, when one is neither form.
    static func parameters(since: String?, until: String?, now: Date) throws -> [String: JSONValue] {
        var parameters: [String: JSONValue] = [:]
        for (name, value) in [("since", since), ("until", until)] {
            guard let value else { continue }
            guard let time = absolute(value, now: now) else {
                fail("wirewatch: --\(name) \(value): give an ISO 8601 date or time (2024-06-18, 2024-06-18T12:00Z) or an age (24h, 7d, 30m)")
                throw ExitCode(2)
            }
            parameters[name] = .string(time)
        }
        return parameters
    }
}

/// Rendering shared by the browsing commands: aligned columns, relative times.
enum Table {
    static func render(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        let head = line(header)
        return ([colour ? "\u{1B}[1m" + head + "\u{1B}[0m" : head] + rows.map(line)).joined(separator: "\n")
    }

    /// Bold headers only on a terminal, and never with `NO_COLOR` set (https://no-color.org).
    static let colour = isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true

    /// "5m ago", "3h ago", "2d ago" for an ISO 8601 time; the text itself when it cannot be read.
    static func relative(_ iso: String?, now: Date = Date()) -> String {
        guard let iso else { return "—" }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = formatter.date(from: iso) else { return iso }
        let seconds = Int(now.timeIntervalSince(date))
        if seconds < 0 { return "in the future" }
        if seconds < 60 { return "\(seconds)s ago" }
        if seconds < 3600 { return "\(seconds / 60)m ago" }
        if seconds < 172_800 { return "\(seconds / 3600)h ago" }
        return "\(seconds / 86400)d ago"
    }

    static func clip(_ text: String?, _ width: Int) -> String {
        guard let text, !text.isEmpty else { return "—" }
        return text.count <= width ? text : String(text.prefix(width - 1)) + "…"
    }

    static func number(_ value: JSONValue?) -> String {
        value?.intValue.map(String.init) ?? "—"
    }
}

struct Events: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List events, most recently active first.",
        discussion: "Filters: --since/--until (active since, begun until), --query (title or names), --min-sources.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var filters: ListFilters

    @Option(help: "Only events with at least this many distinct sources.")
    var minSources: Int?

    @Flag(help: "Print the reply as one JSON object.")
    var json = false

    func run() throws {
        var parameters = try filters.parameters()
        if let minSources { parameters["min_sources"] = .number(Double(minSources)) }
        let reply = try connection.call(WirewatchInterface.Method.listEvents, .object(parameters))
        try check(reply)
        if json {
            print(reply.parameters.description)
            return
        }
        guard case .array(let events)? = reply.parameters["events"], !events.isEmpty else {
            print("no events match")
            return
        }
        let rows = events.map { event in
            [
                Table.number(event["id"]), Table.number(event["sources"]), Table.number(event["articles"]),
                Table.relative(event["last_seen"]?.stringValue), Table.clip(event["title"]?.stringValue, 70),
            ]
        }
        print(Table.render(["EVENT", "SOURCES", "ARTICLES", "LAST SEEN", "TITLE"], rows))
        filters.window.printMore(shown: events.count, reply: reply)
    }
}

struct EventCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "event", abstract: "Show one event: its sources and articles.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The event id.")
    var id: Int

    @Flag(help: "Print the reply as one JSON object.")
    var json = false

    func run() throws {
        let reply = try connection.call(WirewatchInterface.Method.getEvent, .object(["id": .number(Double(id))]))
        try check(reply)
        if json {
            print(reply.parameters.description)
            return
        }
        let event = reply.parameters["event"] ?? .object([:])
        let current = event["id"]?.intValue ?? id
        if current != id { print("event \(id) was merged into event \(current)") }
        print("event \(current): \(event["title"]?.stringValue ?? "untitled")")
        print("first seen  \(event["first_seen"]?.stringValue ?? "—") (\(Table.relative(event["first_seen"]?.stringValue)))")
        print("last seen   \(event["last_seen"]?.stringValue ?? "—") (\(Table.relative(event["last_seen"]?.stringValue)))")
        if let published = event["published"]?.stringValue { print("published   \(published)") }
        if case .array(let names)? = event["top_names"], !names.isEmpty {
            print("names       \(names.compactMap(\.stringValue).joined(separator: ", "))")
        }
        if case .array(let sources)? = reply.parameters["sources"], !sources.isEmpty {
            print("\nsources")
            print(
                Table.render(
                    ["SOURCE", "FIRST SEEN", "ARTICLE"],
                    sources.map { [$0["source"]?.stringValue ?? "—", Table.relative($0["first_seen"]?.stringValue), Table.number($0["article_id"])] }))
        }
        if case .array(let articles)? = reply.parameters["articles"], !articles.isEmpty {
            print("\narticles")
            print(Articles.table(articles))
        }
    }
}

struct Articles: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List articles, newest first.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var filters: ListFilters

    @Option(help: "Only articles of this event.")
    var event: Int?

    @Flag(help: "Print the reply as one JSON object.")
    var json = false

    func run() throws {
        var parameters = try filters.parameters()
        if let event { parameters["event_id"] = .number(Double(event)) }
        let reply = try connection.call(WirewatchInterface.Method.listArticles, .object(parameters))
        try check(reply)
        if json {
            print(reply.parameters.description)
            return
        }
        guard case .array(let articles)? = reply.parameters["articles"], !articles.isEmpty else {
            print("no articles match")
            return
        }
        print(Self.table(articles))
        filters.window.printMore(shown: articles.count, reply: reply)
    }

    static func table(_ articles: [JSONValue]) -> String {
        Table.render(
            ["ARTICLE", "EVENT", "DECISION", "ARRIVED", "SOURCE", "TITLE"],
            articles.map { article in
                var decision = article["decision"]?.stringValue ?? "—"
                if let original = article["duplicate_of"]?.intValue ?? article["near_duplicate_of"]?.intValue {
                    decision += " of \(original)"
                }
                return [
                    Table.number(article["id"]), Table.number(article["event_id"]), decision,
                    Table.relative(article["first_seen"]?.stringValue), Table.clip(article["source"]?.stringValue, 24),
                    Table.clip(article["title"]?.stringValue, 60),
                ]
            })
    }
}

struct ArticleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "article", abstract: "Show one article: its fields, decision and shared passages.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The article id.")
    var id: Int

    @Flag(help: "Print the reply as one JSON object.")
    var json = false

    @Flag(help: "Print the whole body, not just its beginning.")
    var full = false

    func run() throws {
        let reply = try connection.call(WirewatchInterface.Method.getArticle, .object(["id": .number(Double(id))]))
        try check(reply)
        if json {
            print(reply.parameters.description)
            return
        }
        let detail = reply.parameters["article"] ?? .object([:])
        let article = detail["article"] ?? .object([:])
        print("article \(id): \(article["title"]?.stringValue ?? "untitled")")
        for (label, key) in [("source", "source"), ("published", "published"), ("language", "language"), ("file", "file")] {
            if let value = article[key]?.stringValue { print(label.padding(toLength: 12, withPad: " ", startingAt: 0) + value) }
        }
        for (label, key) in [("author", "author"), ("url", "url"), ("format", "format")] {
            if let value = detail[key]?.stringValue { print(label.padding(toLength: 12, withPad: " ", startingAt: 0) + value) }
        }
        print("arrived     \(article["first_seen"]?.stringValue ?? "—") (\(Table.relative(article["first_seen"]?.stringValue)))")
        var decision = article["decision"]?.stringValue ?? "not decided"
        if let event = article["event_id"]?.intValue { decision += ", event \(event)" }
        if let original = article["duplicate_of"]?.intValue { decision += ", the same text as article \(original)" }
        if let original = article["near_duplicate_of"]?.intValue { decision += ", a copy of article \(original)" }
        print("decision    \(decision)")
        if let body = detail["body"]?.stringValue {
            print("")
            print(full || body.count <= 600 ? body : String(body.prefix(600)) + "… (--full for all of it)")
        }
        if case .array(let passages)? = detail["shared_passages"], !passages.isEmpty {
            print("\nshared passages")
            for passage in passages {
                print("  article \(Table.number(passage["article_id"])): “\(Table.clip(passage["text"]?.stringValue, 140))”")
            }
        }
    }
}

/// `pause`, `resume` and `rescan`: one call each, for root and the admin group.
struct Pause: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop claiming files; new files wait in the inbox until `wirewatch resume`.")

    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let reply = try connection.call(WirewatchInterface.Method.pause)
        try check(reply)
        print("paused: files wait in the inbox; `wirewatch resume` claims them again")
    }
}

struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Claim files again after `wirewatch pause`.")

    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let reply = try connection.call(WirewatchInterface.Method.resume)
        try check(reply)
        print("resumed (\(reply.parameters["state"]?.stringValue ?? "running"))")
    }
}

struct DigestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Write a digest now (Markdown, JSON, HTML in the digests folder), by default since the previous one.")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: ArgumentHelp("Start of the window: an ISO 8601 time or an age such as 24h (default: the previous digest).", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("End of the window (default: now).", valueName: "time"))
    var until: String?

    @Flag(help: "Print the reply as one JSON object.")
    var json = false

    func run() throws {
        let parameters = try TimeArgument.parameters(since: since, until: until, now: Date())
        let reply = try connection.call(WirewatchInterface.Method.buildDigest, .object(parameters))
        try check(reply)
        if json {
            print(reply.parameters.description)
            return
        }
        let events = reply.parameters["events"]?.intValue ?? 0
        print("digest of \(events) \(events == 1 ? "event" : "events") from \(reply.parameters["since"]?.stringValue ?? "?") to \(reply.parameters["until"]?.stringValue ?? "?"):")
        if case .array(let paths)? = reply.parameters["paths"] {
            for path in paths { print("  \(path.stringValue ?? "")") }
        }
    }
}

struct Retry: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Move a file from the failed folder back into the inbox to be ingested again.")

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The file's name in the failed folder (or its path there).")
    var file: String

    func run() throws {
        let reply = try connection.call(WirewatchInterface.Method.retry, .object(["file": .string(file)]))
        try check(reply)
        print("moved back into the inbox as \(reply.parameters["inbox_path"]?.stringValue ?? file)")
    }
}

struct Rescan: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Scan the inbox for files the watcher has not reported.")

    @OptionGroup var connection: ConnectionOptions

    func run() throws {
        let reply = try connection.call(WirewatchInterface.Method.rescan)
        try check(reply)
        print("rescan requested; \(reply.parameters["queued"]?.intValue ?? 0) files queued")
    }
}

struct Follow: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print new articles and event changes as they happen, after the current state (Ctrl-C stops).")

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "One JSON object per change, one per line.")
    var json = false

    func run() throws {
        let client: VarlinkClient
        do {
            // Waiting for the next change is not a failure: no timeout between replies.
            client = try VarlinkClient(path: connection.socketPath, timeout: 86_400)
            try client.send(VarlinkCall(method: WirewatchInterface.Method.follow, more: true))
        } catch {
            _ = try connection.call(WirewatchInterface.Method.getStatus)  // reports why, with its exit code
            throw ExitCode(1)
        }
        while true {
            let reply: VarlinkReply
            do {
                reply = try client.nextReply()
            } catch .timedOut {
                continue
            } catch {
                fail("wirewatch: \(error)")
                throw ExitCode(1)
            }
            try check(reply)
            let change = reply.parameters["change"] ?? .object([:])
            // Written at once, line by line (stdout into a pipe is otherwise buffered).
            FileHandle.standardOutput.write(Data(((json ? change.description : Self.line(change)) + "\n").utf8))
            if !reply.continues { return }
        }
    }

    static func line(_ change: JSONValue) -> String {
        switch change["kind"]?.stringValue {
        case "status":
            let status = change["status"] ?? .object([:])
            return "status   \(status["state"]?.stringValue ?? "?"): \(Table.number(status["articles"])) articles, \(Table.number(status["queued"])) queued"
        case "event":
            let event = change["event"] ?? .object([:])
            var merged = ""
            if case .array(let ids)? = change["merged_events"], !ids.isEmpty {
                merged = " (took in \(ids.map { Table.number($0) }.joined(separator: ", ")))"
            }
            return "event    \(Table.number(event["id"]))\(merged): \(Table.number(event["sources"])) sources, \(Table.number(event["articles"])) articles  \(Table.clip(event["title"]?.stringValue, 70))"
        case "article":
            let article = change["article"] ?? .object([:])
            var decision = article["decision"]?.stringValue ?? "?"
            if let event = article["event_id"]?.intValue { decision += " \(event)" }
            return "article  \(Table.number(article["id"])): \(decision)  \(Table.clip(article["title"]?.stringValue, 70))"
        case "alert":
            let alert = change["alert"] ?? .object([:])
            let held = alert["held"] == .bool(true) ? " (held for the digest)" : ""
            return "alert    \(Table.number(alert["id"])): \(alert["rule"]?.stringValue ?? "?")\(held)  \(alert["message"]?.stringValue ?? "")"
        default:
            return change.description
        }
    }
}

struct Alerts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List alerts, most recent first.",
        discussion: "Filters: --since/--until (fired in that span), --rule, --event. Held alerts wait for the next digest.")

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var window: ListWindow

    @Option(help: ArgumentHelp("Only alerts of this rule.", valueName: "name"))
    var rule: String?

    @Option(help: ArgumentHelp("Only alerts about this event.", valueName: "id"))
    var event: Int?

    @Flag(help: "Print the reply as one JSON object.")
    var json = false

    func run() throws {
        var parameters = try window.parameters()
        if let rule { parameters["rule"] = .string(rule) }
        if let event { parameters["event_id"] = .number(Double(event)) }
        let reply = try connection.call(WirewatchInterface.Method.listAlerts, .object(parameters))
        try check(reply)
        if json {
            print(reply.parameters.description)
            return
        }
        guard case .array(let alerts)? = reply.parameters["alerts"], !alerts.isEmpty else {
            print("no alerts match")
            return
        }
        let rows = alerts.map { alert in
            var state = alert["held"] == .bool(true) ? "held" : "sent"
            if case .array(let pending)? = alert["pending"], !pending.isEmpty {
                state = "pending " + pending.compactMap(\.stringValue).joined(separator: ",")
            }
            return [
                Table.number(alert["id"]), Table.relative(alert["fired_at"]?.stringValue), alert["rule"]?.stringValue ?? "—",
                Table.number(alert["event_id"]), state, Table.clip(alert["message"]?.stringValue, 80),
            ]
        }
        print(Table.render(["ALERT", "FIRED", "RULE", "EVENT", "STATE", "MESSAGE"], rows))
        window.printMore(shown: alerts.count, reply: reply)
    }
}
