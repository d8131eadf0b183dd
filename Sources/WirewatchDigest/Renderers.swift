import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Times in digests: ISO 8601 in UTC, to the second.
enum DigestTime {
    static func iso(_ seconds: Double) -> String {
        var time = time_t(seconds.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// "2024-06-18 12:05 UTC", for people.
    static func readable(_ seconds: Double) -> String {
        let iso = iso(seconds)
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(5)) + " UTC"
    }
}

/// The JSON form: `{"schema": "wirewatch-digest/1", "generated_at", "since", "until", "events": [...],
/// "held_alerts": [...]}`,
/// each event with `headline`, `sources` (one entry per distinct source), `summary`, `additions`,
/// `shared_passages`, `names` and `related`. Keys are sorted, so equal digests are equal bytes.
/// Written directly (a digest of ten thousand events is tens of megabytes).
public enum DigestJSON {
    public static func render(_ digest: Digest) -> [UInt8] {
        let out = JSONWriter()
        out.object {
            out.key("events")
            out.array(digest.events) { event in
                out.object {
                    out.key("additions")
                    out.array(event.additions) { addition in
                        out.object {
                            out.field("sentence", addition.sentence)
                            out.field("source", addition.source)
                        }
                    }
                    out.field("articles", event.articleCount)
                    out.field("first_seen", DigestTime.iso(event.firstSeen))
                    out.field("headline", event.headline)
                    out.field("id", Int(event.id))
                    out.key("importance")
                    out.raw(String(format: "%.3f", event.importance))
                    out.field("last_seen", DigestTime.iso(event.lastSeen))
                    out.key("names")
                    out.array(event.names) { out.string($0) }
                    out.field("new_sources", event.newSources)
                    out.key("related")
                    out.array(event.related) { related in
                        out.object {
                            out.field("headline", related.headline)
                            out.field("id", Int(related.id))
                            out.key("shared_names")
                            out.array(related.sharedNames) { out.string($0) }
                        }
                    }
                    out.key("shared_passages")
                    out.array(event.sharedPassages) { passage in
                        out.object {
                            out.key("article_ids")
                            out.array(passage.articleIDs) { out.raw(String($0)) }
                            out.field("text", passage.text)
                        }
                    }
                    out.key("sources")
                    out.array(event.sources) { source in
                        out.object {
                            out.field("article_id", Int(source.articleID))
                            out.key("copy_of")
                            if let copy = source.copyOf { out.raw(String(copy)) } else { out.raw("null") }
                            out.field("first_seen", DigestTime.iso(source.firstSeen))
                            out.field("name", source.name)
                            out.key("url")
                            if let url = source.url { out.string(url) } else { out.raw("null") }
                        }
                    }
                    out.key("summary")
                    out.array(event.summary) { out.string($0) }
                }
            }
            out.field("generated_at", DigestTime.iso(digest.generatedAt))
            out.key("held_alerts")
            out.array(digest.heldAlerts) { alert in
                out.object {
                    out.field("event_id", Int(alert.eventID))
                    out.field("fired_at", DigestTime.iso(alert.firedAt))
                    out.field("id", Int(alert.id))
                    out.field("message", alert.message)
                    out.field("rule", alert.rule)
                }
            }
            out.field("schema", Digest.schema)
            out.field("since", DigestTime.iso(digest.since))
            out.field("until", DigestTime.iso(digest.until))
        }
        out.bytes.append(0x0A)
        return out.bytes
    }
}

/// A minimal streaming JSON writer: objects, arrays, strings (escaped), raw numbers.
final class JSONWriter {
    var bytes: [UInt8] = []
    private var needsComma = false

    init() { bytes.reserveCapacity(1 << 16) }

    func object(_ body: () -> Void) {
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
        body()
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    func array<T>(_ items: [T], _ body: (T) -> Void) {
        bytes.append(UInt8(ascii: "["))
        needsComma = false
        for item in items {
            if needsComma { bytes.append(UInt8(ascii: ",")) }
            needsComma = false
            body(item)
            needsComma = true
        }
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    func key(_ name: String) {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = false
        string(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    func field(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    func field(_ name: String, _ value: Int) {
        key(name)
        raw(String(value))
    }

    func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
        needsComma = true
    }

    func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }
}

/// The Markdown form.
public enum DigestMarkdown {
    public static func render(_ digest: Digest) -> String {
        var lines = [
            "# Wirewatch digest",
            "",
            "\(DigestTime.readable(digest.since)) to \(DigestTime.readable(digest.until)): \(digest.events.count) \(digest.events.count == 1 ? "event" : "events").",
        ]
        if !digest.heldAlerts.isEmpty {
            lines += ["", "## Alerts held during quiet hours", ""]
            for alert in digest.heldAlerts {
                lines.append("- \(DigestTime.readable(alert.firedAt)), \(escape(alert.rule)): \(escape(alert.message))")
            }
        }
        for event in digest.events {
            lines.append("")
            lines.append("## \(escape(event.headline))")
            lines.append("")
            lines.append(
                "First seen \(DigestTime.readable(event.firstSeen)), last \(DigestTime.readable(event.lastSeen)); \(event.sources.count) \(event.sources.count == 1 ? "source" : "sources"), \(event.articleCount) \(event.articleCount == 1 ? "article" : "articles").")
            if !event.summary.isEmpty {
                lines.append("")
                lines.append(event.summary.map(escape).joined(separator: " "))
            }
            if !event.additions.isEmpty {
                lines.append("")
                lines.append("**What later sources added**")
                lines.append("")
                for addition in event.additions { lines.append("- \(escape(addition.source)): \(escape(addition.sentence))") }
            }
            if !event.sharedPassages.isEmpty {
                lines.append("")
                lines.append("**Shared agency copy**")
                lines.append("")
                for passage in event.sharedPassages {
                    lines.append("> \(escape(passage.text)) _(articles \(passage.articleIDs.map(String.init).joined(separator: ", ")))_")
                    lines.append("")
                }
                lines.removeLast()
            }
            lines.append("")
            lines.append("**Sources**")
            lines.append("")
            for source in event.sources {
                let name = source.url.map { "[\(escape(source.name))](\($0))" } ?? escape(source.name)
                let copy = source.copyOf.map { ", copy of article \($0)" } ?? ""
                lines.append("- \(name), \(DigestTime.readable(source.firstSeen))\(copy)")
            }
            if !event.names.isEmpty {
                lines.append("")
                lines.append("**Names:** \(event.names.map(escape).joined(separator: ", "))")
            }
            if !event.related.isEmpty {
                lines.append("")
                lines.append("**Related:** " + event.related.map { "\(escape($0.headline)) (\($0.sharedNames.joined(separator: ", ")))" }.joined(separator: "; "))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Markdown's special characters at the start of text or inside it, made literal.
    static func escape(_ text: String) -> String {
        func special(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "\\"), UInt8(ascii: "`"), UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "["), UInt8(ascii: "]"),
                UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "#"), UInt8(ascii: "|"):
                return true
            default:
                return false
            }
        }
        guard text.utf8.contains(where: special) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            if special(byte) { bytes.append(UInt8(ascii: "\\")) }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
