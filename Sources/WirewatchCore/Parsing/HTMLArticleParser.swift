import Foundation

/// HTML pages: metadata from `<head>` (Open Graph, article:*, JSON-LD, `<title>`, `<time>`) and the
/// main text from the body, with navigation, banners, share bars, related lists, comments and
/// footers left out.
public struct HTMLArticleParser: Sendable {
    public init() {}

    /// The draft and the character encoding used.
    public func draft(_ bytes: [UInt8]) throws(ParseError) -> (ArticleDraft, String) {
        let declared = Self.declaredCharset(bytes)
        let (text, encoding) = Charsets.decode(bytes, declared: declared)
        guard let root = HTMLDocument.parse(utf8: Array(text.utf8)) else {
            throw ParseError(.malformedHTML, "the HTML could not be parsed")
        }
        var draft = ArticleDraft()
        let metadata = HTMLMetadata(root)
        metadata.apply(to: &draft)
        let extracted = ContentExtractor().extract(root, title: draft.title)
        draft.blocks = extracted.blocks
        draft.rules["body"] = extracted.rule
        if let jsonBody = metadata.jsonLDBody, Self.prefersStructuredBody(jsonBody, over: extracted.blocks) {
            draft.blocks = Self.blocks(fromText: jsonBody)
            draft.rules["body"] = "json-ld articleBody"
        }
        if draft.blocks.isEmpty {
            throw ParseError(.noBody, "no article text was found in the HTML")
        }
        return (draft, encoding)
    }

    /// JSON-LD `articleBody` is the publisher's own statement of the text: use it unless it is a
    /// teaser much shorter than what the page shows.
    static func prefersStructuredBody(_ body: String, over blocks: [Block]) -> Bool {
        let structured = body.count
        let extracted = blocks.filter { $0.kind == .paragraph }.reduce(0) { $0 + $1.text.count }
        return structured >= 200 && Double(structured) >= Double(extracted) * 0.6
    }

    /// Paragraphs from plain text with line breaks (or one long line split at sentence-level
    /// breaks that publishers collapse, such as two spaces).
    static func blocks(fromText text: String) -> [Block] {
        let cleaned = text.contains("<") ? HTMLArticleParser.blocks(fromFragment: text) : []
        if !cleaned.isEmpty { return cleaned }
        var blocks: [Block] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let paragraph = PlainTextParser.collapseWhitespace(line)
            if !paragraph.isEmpty { blocks.append(Block(.paragraph, paragraph)) }
        }
        return blocks
    }

    /// Blocks of an HTML fragment (a JSON body, a mail's HTML part without page structure).
    public static func blocks(fromFragment html: String) -> [Block] {
        guard let root = HTMLDocument.parse(utf8: Array(("<html><body><div>" + html + "</div></body></html>").utf8)) else { return [] }
        return ContentExtractor().blocks(in: root)
    }

    /// `<meta charset>` or `http-equiv` charset in the first 4 KiB.
    static func declaredCharset(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return "utf-8" }
        let head = String(decoding: bytes.prefix(4096), as: UTF8.self).lowercased()
        guard let range = head.firstRange(of: "charset=") else { return nil }
        let value = head[range.upperBound...].drop { $0 == "\"" || $0 == "'" || $0 == " " }
        let name = value.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        return name.isEmpty ? nil : String(name)
    }
}

/// Metadata from `<head>` and structured data.
struct HTMLMetadata {
    var meta: [String: String] = [:]
    var titleTag: String?
    var h1: String?
    var htmlLanguage: String?
    var canonical: String?
    var timeDatetime: String?
    var jsonLD: [[String: Any]] = []
    var itemprops: [String: String] = [:]

    init(_ root: HTMLNode) {
        root.forEach { node in
            switch node.name {
            case "meta":
                let key = (node["property"] ?? node["name"] ?? node["itemprop"] ?? "").lowercased()
                if !key.isEmpty, let content = node["content"], meta[key] == nil {
                    meta[key] = content.trimmingWhitespace()
                }
            case "title":
                if titleTag == nil { titleTag = PlainTextParser.collapseWhitespace(Substring(node.textContent)) }
            case "h1":
                if h1 == nil {
                    let text = PlainTextParser.collapseWhitespace(Substring(node.textContent))
                    if !text.isEmpty { h1 = text }
                }
            case "html":
                htmlLanguage = node["lang"]
            case "link":
                if node["rel"]?.lowercased() == "canonical" { canonical = node["href"] }
            case "time":
                if timeDatetime == nil { timeDatetime = node["datetime"] }
            case "script":
                if node["type"]?.lowercased() == "application/ld+json" {
                    let text = node.textContent
                    if let value = try? JSONSerialization.jsonObject(with: Data(text.utf8)) {
                        jsonLD += Self.flatten(value)
                    }
                }
            default:
                break
            }
            if let property = node["itemprop"], !node.isText, itemprops[property] == nil {
                let value = node["content"] ?? node["datetime"] ?? (property == "articleBody" ? nil : PlainTextParser.collapseWhitespace(Substring(node.textContent)))
                if let value, !value.isEmpty, value.count < 300 { itemprops[property] = value }
            }
        }
    }

    /// JSON-LD objects, with `@graph` lists opened up.
    static func flatten(_ value: Any) -> [[String: Any]] {
        if let list = value as? [Any] { return list.flatMap(flatten) }
        guard let object = value as? [String: Any] else { return [] }
        if let graph = object["@graph"] { return [object] + flatten(graph) }
        return [object]
    }

    static let articleTypes: Set<String> = ["newsarticle", "article", "reportagenewsarticle", "blogposting", "analysisnewsarticle", "opinionnewsarticle", "backgroundnewsarticle", "webpage", "liveblogposting", "report", "scholarlyarticle", "techarticle"]

    /// The JSON-LD object describing the article.
    var article: [String: Any]? {
        func types(_ object: [String: Any]) -> [String] {
            if let type = object["@type"] as? String { return [type.lowercased()] }
            return (object["@type"] as? [String])?.map { $0.lowercased() } ?? []
        }
        let candidates = jsonLD.filter { !Set(types($0)).isDisjoint(with: Self.articleTypes) }
        return candidates.first { $0["articleBody"] != nil } ?? candidates.first { types($0).contains { $0.contains("article") } } ?? candidates.first
    }

    var jsonLDBody: String? {
        (article?["articleBody"] as? String).map { $0.trimmingWhitespace() }
    }

    func apply(to draft: inout ArticleDraft) {
        let article = self.article
        // Title
        if let title = meta["og:title"] { draft.set(\.title, cleanTitle(title), field: "title", rule: "og:title") }
        if let title = article?["headline"] as? String { draft.set(\.title, cleanTitle(title), field: "title", rule: "json-ld headline") }
        if let title = meta["twitter:title"] { draft.set(\.title, cleanTitle(title), field: "title", rule: "twitter:title") }
        if let h1 { draft.set(\.title, h1, field: "title", rule: "<h1>") }
        if let titleTag { draft.set(\.title, cleanTitle(titleTag), field: "title", rule: "<title>") }
        // Source
        if let site = meta["og:site_name"] { draft.set(\.source, site, field: "source", rule: "og:site_name") }
        if let publisher = article?["publisher"] {
            draft.set(\.source, Self.name(publisher), field: "source", rule: "json-ld publisher")
        }
        if let name = meta["application-name"] { draft.set(\.source, name, field: "source", rule: "application-name") }
        // URL
        if let url = canonical, url.hasPrefix("http") { draft.set(\.url, url, field: "url", rule: "link rel=canonical") }
        if let url = meta["og:url"] { draft.set(\.url, url, field: "url", rule: "og:url") }
        if draft.source == nil, let url = draft.url, let host = Self.host(url) {
            draft.set(\.source, host, field: "source", rule: "host of the URL")
        }
        // Date
        let dateCandidates: [(String, String?)] = [
            ("article:published_time", meta["article:published_time"]),
            ("json-ld datePublished", article?["datePublished"] as? String),
            ("itemprop datePublished", itemprops["datePublished"]),
            ("meta date", meta["date"] ?? meta["pubdate"] ?? meta["publishdate"] ?? meta["dc.date.issued"] ?? meta["dcterms.created"] ?? meta["parsely-pub-date"] ?? meta["sailthru.date"] ?? meta["og:published_time"] ?? meta["publish-date"]),
            ("<time datetime>", timeDatetime),
            ("json-ld dateCreated", article?["dateCreated"] as? String),
        ]
        for (rule, value) in dateCandidates {
            guard let value, let date = DateParser.parse(value) else { continue }
            draft.set(\.published, date, field: "published", rule: rule)
        }
        // Author
        if let author = article?["author"] { draft.set(\.author, Self.name(author), field: "author", rule: "json-ld author") }
        if let author = meta["author"], !author.hasPrefix("http") { draft.set(\.author, author, field: "author", rule: "meta author") }
        if let author = meta["article:author"], !author.hasPrefix("http") { draft.set(\.author, author, field: "author", rule: "article:author") }
        if let author = itemprops["author"], author.count < 80 { draft.set(\.author, author, field: "author", rule: "itemprop author") }
        // Language
        if let language = htmlLanguage?.lowercased().prefix(2), language == "de" || language == "en" {
            draft.set(\.language, String(language), field: "language", rule: "html lang")
        }
    }

    /// A `<title>` without its site name (`Headline | Site`, `Headline - Site`).
    func cleanTitle(_ title: String) -> String {
        let title = PlainTextParser.collapseWhitespace(Substring(title))
        let site = meta["og:site_name"]?.lowercased()
        for separator in [" | ", " - ", " – ", " — ", " :: ", " · "] {
            let parts = title.components(separatedBy: separator)
            guard parts.count > 1 else { continue }
            let last = parts.last!.trimmingWhitespace()
            let first = parts.first!.trimmingWhitespace()
            if let site, last.lowercased() == site || site.contains(last.lowercased()) {
                return parts.dropLast().joined(separator: separator)
            }
            if let site, first.lowercased() == site || site.contains(first.lowercased()) {
                return parts.dropFirst().joined(separator: separator)
            }
            if last.split(separator: " ").count <= 3 && first.split(separator: " ").count > 3 {
                return parts.dropLast().joined(separator: separator)
            }
        }
        return title
    }

    static func name(_ value: Any) -> String? {
        if let text = value as? String { return text }
        if let object = value as? [String: Any] { return object["name"] as? String }
        if let list = value as? [Any] {
            let names = list.compactMap { name($0) }
            return names.isEmpty ? nil : names.joined(separator: ", ")
        }
        return nil
    }

    static func host(_ url: String) -> String? {
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        var host = rest.prefix { $0 != "/" && $0 != ":" && $0 != "?" }
        if host.hasPrefix("www.") { host = host.dropFirst(4) }
        return host.isEmpty ? nil : String(host)
    }
}
