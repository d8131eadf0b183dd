import Foundation
import WirewatchCore

#if canImport(Glibc)
import Glibc
#endif

/// Times in digests: ISO 8601 in UTC, to the second.
enum DigestTime {
    static func iso(_ seconds: Double) -> String { UTCTime.iso8601(seconds) }

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

    /// A JSON string: runs that need no escaping are copied whole.
    func string(_ text: String) {
        var text = text
        text.withUTF8 { source in
            bytes.append(UInt8(ascii: "\""))
            var start = 0
            for index in 0..<source.count {
                let byte = source[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if start < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[start..<index])) }
                escape(byte)
                start = index + 1
            }
            if start < source.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[start...])) }
            bytes.append(UInt8(ascii: "\""))
        }
        needsComma = true
    }

    private func escape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
        case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
        }
    }
}

/// The Markdown form.
public enum DigestMarkdown {
    public static func render(_ digest: Digest) -> String {
        String(decoding: bytes(digest), as: UTF8.self)
    }

    /// The document as UTF-8, written straight into one buffer.
    static func bytes(_ digest: Digest) -> [UInt8] {
        var out = ByteText(capacity: 1 << 12 + digest.events.count * 3072)
        out.add("# Wirewatch digest\n\n")
        out.add(DigestTime.readable(digest.since))
        out.add(" to ")
        out.add(DigestTime.readable(digest.until))
        out.add(": ")
        out.count(digest.events.count, "event", "events")
        out.add(".\n")
        if !digest.heldAlerts.isEmpty {
            out.add("\n## Alerts held during quiet hours\n\n")
            for alert in digest.heldAlerts {
                out.add("- ")
                out.add(DigestTime.readable(alert.firedAt))
                out.add(", ")
                out.markdown(alert.rule)
                out.add(": ")
                out.markdown(alert.message)
                out.add("\n")
            }
        }
        for event in digest.events {
            out.add("\n## ")
            out.markdown(event.headline)
            out.add("\n\nFirst seen ")
            out.add(DigestTime.readable(event.firstSeen))
            out.add(", last ")
            out.add(DigestTime.readable(event.lastSeen))
            out.add("; ")
            out.count(event.sources.count, "source", "sources")
            out.add(", ")
            out.count(event.articleCount, "article", "articles")
            out.add(".\n")
            if !event.summary.isEmpty {
                out.add("\n")
                out.join(event.summary, separator: " ") { out, sentence in
                    out.markdown(sentence)
                }
                out.add("\n")
            }
            if !event.additions.isEmpty {
                out.add("\n**What later sources added**\n\n")
                for addition in event.additions {
                    out.add("- ")
                    out.markdown(addition.source)
                    out.add(": ")
                    out.markdown(addition.sentence)
                    out.add("\n")
                }
            }
            if !event.sharedPassages.isEmpty {
                out.add("\n**Shared agency copy**\n")
                for passage in event.sharedPassages {
                    out.add("\n> ")
                    out.markdown(passage.text)
                    out.add(" _(articles ")
                    out.join(passage.articleIDs, separator: ", ") { out, id in
                        out.number(id)
                    }
                    out.add(")_\n")
                }
            }
            out.add("\n**Sources**\n\n")
            for source in event.sources {
                out.add("- ")
                if let url = source.url {
                    out.add("[")
                    out.markdown(source.name)
                    out.add("](")
                    out.add(url)
                    out.add(")")
                } else {
                    out.markdown(source.name)
                }
                out.add(", ")
                out.add(DigestTime.readable(source.firstSeen))
                if let copy = source.copyOf {
                    out.add(", copy of article ")
                    out.number(copy)
                }
                out.add("\n")
            }
            if !event.names.isEmpty {
                out.add("\n**Names:** ")
                out.join(event.names, separator: ", ") { out, name in
                    out.markdown(name)
                }
                out.add("\n")
            }
            if !event.related.isEmpty {
                out.add("\n**Related:** ")
                out.join(event.related, separator: "; ") { out, related in
                    out.markdown(related.headline)
                    out.add(" (")
                    out.add(related.sharedNames.joined(separator: ", "))
                    out.add(")")
                }
                out.add("\n")
            }
        }
        return out.bytes
    }
}
