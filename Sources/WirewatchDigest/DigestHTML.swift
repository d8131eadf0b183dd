import Foundation

/// The HTML form: one self-contained page (no scripts, no external resources), readable on a
/// laptop and on a phone, light or dark as the reader's system prefers.
public enum DigestHTML {
    public static func render(_ digest: Digest) -> String {
        String(decoding: bytes(digest), as: UTF8.self)
    }

    /// The page as UTF-8, written straight into one buffer.
    static func bytes(_ digest: Digest) -> [UInt8] {
        var out = ByteText(capacity: 1 << 16 + digest.events.count * 4096)
        out.add(pageStart)
        out.add("\n<title>Wirewatch digest ")
        out.html(DigestTime.readable(digest.until))
        out.add("</title>\n")
        out.add(pageHead)
        out.add("\n")
        out.add("<header><h1>Wirewatch digest</h1><p class=\"meta\">")
        out.html(DigestTime.readable(digest.since))
        out.add(" – ")
        out.html(DigestTime.readable(digest.until))
        out.add(" · ")
        out.count(digest.events.count, "event", "events")
        out.add("</p></header>\n<main>\n")
        if !digest.heldAlerts.isEmpty {
            out.add("<section class=\"held\"><h2>Alerts held during quiet hours</h2>\n<ul>\n")
            let shown = Set(digest.events.map(\.id))
            for alert in digest.heldAlerts {
                out.add("<li><time>")
                out.html(DigestTime.readable(alert.firedAt))
                out.add("</time> <span class=\"source\">")
                out.html(alert.rule)
                out.add("</span> ")
                if alert.eventID != 0 && shown.contains(alert.eventID) {
                    out.add("<a href=\"#event-")
                    out.number(alert.eventID)
                    out.add("\">")
                    out.html(alert.message)
                    out.add("</a>")
                } else {
                    out.html(alert.message)
                }
                out.add("</li>\n")
            }
            out.add("</ul></section>\n")
        }
        if digest.events.isEmpty { out.add("<p class=\"empty\">Nothing new in this window.</p>\n") }
        for event in digest.events {
            out.add("<article id=\"event-")
            out.number(event.id)
            out.add("\">\n<h2>")
            out.html(event.headline)
            out.add("</h2>\n<p class=\"meta\">")
            out.count(event.sources.count, "source", "sources")
            out.add(" · ")
            out.count(event.articleCount, "article", "articles")
            out.add(" · first seen ")
            out.html(DigestTime.readable(event.firstSeen))
            out.add(" · last ")
            out.html(DigestTime.readable(event.lastSeen))
            out.add("</p>\n")
            if !event.summary.isEmpty {
                out.add("<p class=\"summary\">")
                out.join(event.summary, separator: " ") { out, sentence in
                    out.html(sentence)
                }
                out.add("</p>\n")
            }
            if !event.additions.isEmpty {
                out.add("<h3>What later sources added</h3>\n<ul class=\"additions\">\n")
                for addition in event.additions {
                    out.add("<li><span class=\"source\">")
                    out.html(addition.source)
                    out.add("</span> ")
                    out.html(addition.sentence)
                    out.add("</li>\n")
                }
                out.add("</ul>\n")
            }
            if !event.sharedPassages.isEmpty {
                out.add("<h3>Shared agency copy</h3>\n")
                for passage in event.sharedPassages {
                    out.add("<blockquote>")
                    out.html(passage.text)
                    out.add("<span class=\"who\">articles ")
                    out.join(passage.articleIDs, separator: ", ") { out, id in
                        out.number(id)
                    }
                    out.add("</span></blockquote>\n")
                }
            }
            out.add("<h3>Sources</h3>\n<ol class=\"sources\">\n")
            for source in event.sources {
                out.add("<li>")
                if let url = source.url, url.hasPrefix("http://") || url.hasPrefix("https://") {
                    out.add("<a href=\"")
                    out.html(url)
                    out.add("\">")
                    out.html(source.name)
                    out.add("</a>")
                } else {
                    out.html(source.name)
                }
                out.add(" <time>")
                out.html(DigestTime.readable(source.firstSeen))
                out.add("</time>")
                if let copy = source.copyOf {
                    out.add(" <span class=\"copy\">copy of article ")
                    out.number(copy)
                    out.add("</span>")
                }
                out.add("</li>\n")
            }
            out.add("</ol>\n")
            if !event.names.isEmpty {
                out.add("<p class=\"names\">")
                for (index, name) in event.names.enumerated() {
                    out.add(index > 0 ? " <span>" : "<span>")
                    out.html(name)
                    out.add("</span>")
                }
                out.add("</p>\n")
            }
            if !event.related.isEmpty {
                out.add("<p class=\"related\">Related: ")
                out.join(event.related, separator: " · ") { out, related in
                    out.add("<a href=\"#event-")
                    out.number(related.id)
                    out.add("\">")
                    out.html(related.headline)
                    out.add("</a>")
                }
                out.add("</p>\n")
            }
            out.add("</article>\n")
        }
        out.add("</main>\n</body>\n</html>\n")
        return out.bytes
    }

    /// The page up to its title.
    static let pageStart = #"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
"""#

    /// The page from its title to its body.
    static let pageHead = #"""
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
"""#
}

/// UTF-8 output written into one buffer: text as it is, or escaped for HTML or Markdown with the
/// runs that need no escaping copied whole.
struct ByteText {
    var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func number(_ value: Int64) { add(String(value)) }

    /// Appends each item with `body`, `separator` between them.
    mutating func join<Items: Sequence>(_ items: Items, separator: String, _ body: (inout ByteText, Items.Element) -> Void) {
        var first = true
        for item in items {
            if !first { add(separator) }
            first = false
            body(&self, item)
        }
    }

    /// `1 source`, `3 sources`.
    mutating func count(_ value: Int, _ one: String, _ many: String) {
        add(String(value))
        add(value == 1 ? " " + one : " " + many)
    }

    mutating func html(_ text: String) {
        escaped(text) { byte in
            switch byte {
            case UInt8(ascii: "&"): "&amp;"
            case UInt8(ascii: "<"): "&lt;"
            case UInt8(ascii: ">"): "&gt;"
            case UInt8(ascii: "\""): "&quot;"
            case UInt8(ascii: "'"): "&#39;"
            default: nil
            }
        }
    }

    mutating func markdown(_ text: String) {
        escaped(text) { byte in
            switch byte {
            case UInt8(ascii: "\\"): "\\\\"
            case UInt8(ascii: "`"): "\\`"
            case UInt8(ascii: "*"): "\\*"
            case UInt8(ascii: "_"): "\\_"
            case UInt8(ascii: "["): "\\["
            case UInt8(ascii: "]"): "\\]"
            case UInt8(ascii: "<"): "\\<"
            case UInt8(ascii: ">"): "\\>"
            case UInt8(ascii: "#"): "\\#"
            case UInt8(ascii: "|"): "\\|"
            default: nil
            }
        }
    }

    /// Appends `text`, replacing each byte for which `replacement` gives a text.
    @inline(__always)
    mutating func escaped(_ text: String, _ replacement: (UInt8) -> StaticString?) {
        var text = text
        text.withUTF8 { source in
            var start = 0
            for index in 0..<source.count {
                guard let substitute = replacement(source[index]) else { continue }
                if start < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[start..<index])) }
                substitute.withUTF8Buffer { bytes.append(contentsOf: $0) }
                start = index + 1
            }
            if start < source.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: source[start...])) }
        }
    }
}
