import Foundation

/// The HTML form: one self-contained page (no scripts, no external resources), readable on a
/// laptop and on a phone, light or dark as the reader's system prefers.
public enum DigestHTML {
    public static func render(_ digest: Digest) -> String {
        var body = ""
        let count = "\(digest.events.count) \(digest.events.count == 1 ? "event" : "events")"
        body += "<header><h1>Wirewatch digest</h1><p class=\"meta\">\(escape(DigestTime.readable(digest.since))) – \(escape(DigestTime.readable(digest.until))) · \(count)</p></header>\n<main>\n"
        if !digest.heldAlerts.isEmpty {
            body += "<section class=\"held\"><h2>Alerts held during quiet hours</h2>\n<ul>\n"
            for alert in digest.heldAlerts {
                let target = alert.eventID != 0 && digest.events.contains { $0.id == alert.eventID } ? "#event-\(alert.eventID)" : nil
                let message = target.map { "<a href=\"\($0)\">\(escape(alert.message))</a>" } ?? escape(alert.message)
                body += "<li><time>\(escape(DigestTime.readable(alert.firedAt)))</time> <span class=\"source\">\(escape(alert.rule))</span> \(message)</li>\n"
            }
            body += "</ul></section>\n"
        }
        if digest.events.isEmpty { body += "<p class=\"empty\">Nothing new in this window.</p>\n" }
        for event in digest.events {
            body += "<article id=\"event-\(event.id)\">\n"
            body += "<h2>\(escape(event.headline))</h2>\n"
            body += "<p class=\"meta\">\(event.sources.count) \(event.sources.count == 1 ? "source" : "sources") · \(event.articleCount) \(event.articleCount == 1 ? "article" : "articles") · first seen \(escape(DigestTime.readable(event.firstSeen))) · last \(escape(DigestTime.readable(event.lastSeen)))</p>\n"
            if !event.summary.isEmpty {
                body += "<p class=\"summary\">\(event.summary.map(escape).joined(separator: " "))</p>\n"
            }
            if !event.additions.isEmpty {
                body += "<h3>What later sources added</h3>\n<ul class=\"additions\">\n"
                for addition in event.additions {
                    body += "<li><span class=\"source\">\(escape(addition.source))</span> \(escape(addition.sentence))</li>\n"
                }
                body += "</ul>\n"
            }
            if !event.sharedPassages.isEmpty {
                body += "<h3>Shared agency copy</h3>\n"
                for passage in event.sharedPassages {
                    body += "<blockquote>\(escape(passage.text))<span class=\"who\">articles \(passage.articleIDs.map(String.init).joined(separator: ", "))</span></blockquote>\n"
                }
            }
            body += "<h3>Sources</h3>\n<ol class=\"sources\">\n"
            for source in event.sources {
                let name = source.url.flatMap { url -> String? in
                    url.hasPrefix("http://") || url.hasPrefix("https://") ? "<a href=\"\(escape(url))\">\(escape(source.name))</a>" : nil
                } ?? escape(source.name)
                let copy = source.copyOf.map { " <span class=\"copy\">copy of article \($0)</span>" } ?? ""
                body += "<li>\(name) <time>\(escape(DigestTime.readable(source.firstSeen)))</time>\(copy)</li>\n"
            }
            body += "</ol>\n"
            if !event.names.isEmpty {
                body += "<p class=\"names\">\(event.names.map { "<span>\(escape($0))</span>" }.joined(separator: " "))</p>\n"
            }
            if !event.related.isEmpty {
                body += "<p class=\"related\">Related: \(event.related.map { "<a href=\"#event-\($0.id)\">\(escape($0.headline))</a>" }.joined(separator: " · "))</p>\n"
            }
            body += "</article>\n"
        }
        body += "</main>\n"
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Wirewatch digest \(escape(DigestTime.readable(digest.until)))</title>
            <style>
            :root { color-scheme: light dark; --ink: #1d232a; --muted: #5f6b76; --line: #d9dee3; --accent: #0b5cad; --quote: #f3f6f9; }
            @media (prefers-color-scheme: dark) { :root { --ink: #e6e9ec; --muted: #9aa6b1; --line: #39424b; --accent: #7ab8ff; --quote: #20262c; } }
            * { box-sizing: border-box; }
            body { margin: 0; font: 17px/1.55 -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; color: var(--ink); background: Canvas; }
            header, main { max-width: 44rem; margin: 0 auto; padding: 0 1.1rem; }
            header { padding-top: 1.6rem; border-bottom: 1px solid var(--line); }
            h1 { font-size: 1.5rem; margin: 0 0 .2rem; }
            h2 { font-size: 1.3rem; line-height: 1.3; margin: 0 0 .3rem; }
            h3 { font-size: .8rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 1.1rem 0 .4rem; }
            article { padding: 1.4rem 0; border-bottom: 1px solid var(--line); }
            .meta { color: var(--muted); font-size: .88rem; margin: 0 0 .8rem; }
            .summary { margin: .6rem 0; }
            ul, ol { margin: 0; padding-left: 1.3rem; }
            li { margin: .2rem 0; }
            .source { font-weight: 600; margin-right: .3rem; }
            .held { border: 1px solid var(--accent); border-radius: 6px; padding: .2rem 1rem .6rem; margin-bottom: 1.5rem; }
            .held ul { padding-left: 1.1rem; }
            blockquote { margin: .5rem 0; padding: .6rem .9rem; background: var(--quote); border-left: 3px solid var(--accent); border-radius: 4px; }
            .who { display: block; color: var(--muted); font-size: .8rem; margin-top: .3rem; }
            a { color: var(--accent); }
            time, .copy { color: var(--muted); font-size: .88rem; }
            .names span { display: inline-block; border: 1px solid var(--line); border-radius: 1rem; padding: 0 .55rem; margin: .15rem .1rem 0 0; font-size: .85rem; }
            .related { font-size: .9rem; }
            .empty { color: var(--muted); padding: 2rem 0; }
            </style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }

    static func escape(_ text: String) -> String {
        func special(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "\"")
                || byte == UInt8(ascii: "'")
        }
        guard text.utf8.contains(where: special) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): bytes.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): bytes.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): bytes.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): bytes.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): bytes.append(contentsOf: "&#39;".utf8)
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
