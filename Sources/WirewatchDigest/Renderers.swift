import Foundation

/// Times in digests: ISO 8601 in UTC, to the minute.
enum DigestTime {
    static func iso(_ seconds: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: seconds.rounded(.down)))
    }

    /// "2024-06-18 12:05 UTC", for people.
    static func readable(_ seconds: Double) -> String {
        let iso = iso(seconds)
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(5)) + " UTC"
    }
}

/// The JSON form: `{"schema": "wirewatch-digest/1", "generated_at", "since", "until", "events": [...]}`,
/// each event with `headline`, `sources` (one entry per distinct source), `summary`, `additions`,
/// `shared_passages`, `names` and `related`. Keys are sorted, so equal digests are equal bytes.
public enum DigestJSON {
    public static func render(_ digest: Digest) -> [UInt8] {
        let events: [[String: Any]] = digest.events.map { event in
            [
                "id": event.id, "headline": event.headline, "first_seen": DigestTime.iso(event.firstSeen),
                "last_seen": DigestTime.iso(event.lastSeen), "importance": (event.importance * 1000).rounded() / 1000,
                "articles": event.articleCount, "new_sources": event.newSources,
                "sources": event.sources.map { source -> [String: Any] in
                    [
                        "name": source.name, "first_seen": DigestTime.iso(source.firstSeen), "url": source.url ?? NSNull(),
                        "article_id": source.articleID, "copy_of": source.copyOf.map { $0 as Any } ?? NSNull(),
                    ]
                },
                "summary": event.summary,
                "additions": event.additions.map { ["source": $0.source, "sentence": $0.sentence] },
                "shared_passages": event.sharedPassages.map { ["text": $0.text, "article_ids": $0.articleIDs] as [String: Any] },
                "names": event.names,
                "related": event.related.map { ["id": $0.id, "headline": $0.headline, "shared_names": $0.sharedNames] as [String: Any] },
            ]
        }
        let object: [String: Any] = [
            "schema": Digest.schema, "generated_at": DigestTime.iso(digest.generatedAt), "since": DigestTime.iso(digest.since),
            "until": DigestTime.iso(digest.until), "events": events,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Array(data) + [0x0A]
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
        var result = ""
        for character in text {
            if "\\`*_[]<>#|".contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
