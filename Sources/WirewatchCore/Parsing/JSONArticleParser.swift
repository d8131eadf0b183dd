import Foundation

/// JSON objects with the field names feeds use (`title`/`headline`, `body`/`text`/`content`,
/// `source`/`site`, `published`/`date`/`datePublished`, `url`), a list of them, or JSON lines.
/// A body that holds HTML is read as HTML.
public struct JSONArticleParser: Sendable {
    static let titleKeys = ["title", "headline", "name", "subject"]
    static let bodyKeys = ["body", "text", "content", "articleBody", "article_body", "fulltext", "full_text", "story", "description"]
    static let leadKeys = ["lead", "summary", "teaser", "abstract", "standfirst"]
    static let sourceKeys = ["source", "site", "site_name", "siteName", "publisher", "outlet", "feed"]
    static let dateKeys = ["published", "date", "datePublished", "published_at", "publishedAt", "pubDate", "pub_date", "created_at", "createdAt", "time", "timestamp"]
    static let urlKeys = ["url", "link", "href", "canonical_url", "uri"]
    static let authorKeys = ["author", "authors", "byline", "creator"]
    static let languageKeys = ["language", "lang", "inLanguage"]

    public init() {}

    public func draft(_ text: String) throws(ParseError) -> ArticleDraft {
        let objects = try Self.objects(text)
        guard let object = objects.lazy.compactMap(Self.articleObject).first else {
            throw ParseError(.noBody, "the JSON has no article body (looked for \(Self.bodyKeys.joined(separator: ", ")))")
        }
        var draft = ArticleDraft()
        if objects.count > 1 { draft.rules["input"] = "first article of \(objects.count) JSON values" }
        draft.set(\.title, Self.string(object, Self.titleKeys).map(HTMLText.stripTags), field: "title", rule: "json \(Self.key(object, Self.titleKeys) ?? "")")
        draft.set(\.source, Self.string(object, Self.sourceKeys), field: "source", rule: "json \(Self.key(object, Self.sourceKeys) ?? "")")
        draft.set(\.url, Self.string(object, Self.urlKeys), field: "url", rule: "json \(Self.key(object, Self.urlKeys) ?? "")")
        draft.set(\.author, Self.string(object, Self.authorKeys), field: "author", rule: "json \(Self.key(object, Self.authorKeys) ?? "")")
        if let language = Self.string(object, Self.languageKeys)?.lowercased().prefix(2), language.count == 2 {
            draft.set(\.language, String(language), field: "language", rule: "json \(Self.key(object, Self.languageKeys) ?? "")")
        }
        if let dateKey = Self.key(object, Self.dateKeys) {
            let date: PublishedDate?
            if let number = object[dateKey] as? NSNumber {
                date = Self.epoch(number.doubleValue)
            } else {
                date = (object[dateKey] as? String).flatMap(DateParser.parse)
            }
            draft.set(\.published, date, field: "published", rule: "json \(dateKey)")
        }
        if let lead = Self.string(object, Self.leadKeys) {
            draft.blocks.append(Block(.paragraph, HTMLText.stripTags(lead)))
        }
        let bodyKey = Self.key(object, Self.bodyKeys)!
        let body = Self.string(object, [bodyKey]) ?? ""
        if HTMLText.looksLikeHTML(body) {
            draft.blocks += HTMLArticleParser.blocks(fromFragment: body)
            draft.rules["body"] = "json \(bodyKey) (HTML)"
        } else {
            for block in PlainTextParser.rawBlocks(body) {
                for paragraph in PlainTextParser.paragraphs(block) {
                    let heading = block.count == 1 && PlainTextParser.isHeadingLike(paragraph) && paragraph.count < 80
                    draft.blocks.append(Block(heading ? .heading : .paragraph, paragraph))
                }
            }
            draft.rules["body"] = "json \(bodyKey)"
        }
        return draft
    }

    /// The values in the text: one value, or one per line (JSON lines).
    static func objects(_ text: String) throws(ParseError) -> [[String: Any]] {
        if let value = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) {
            if let object = value as? [String: Any] { return [object] }
            if let array = value as? [Any] { return array.compactMap { $0 as? [String: Any] } }
            throw ParseError(.malformedJSON, "the JSON is neither an object nor a list of objects")
        }
        var objects: [[String: Any]] = []
        for (number, line) in text.split(separator: "\n").enumerated() where !line.trimmingWhitespace().isEmpty {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                throw ParseError(.malformedJSON, "the JSON is malformed (line \(number + 1) is not a JSON object)")
            }
            objects.append(object)
        }
        guard !objects.isEmpty else { throw ParseError(.malformedJSON, "the JSON is malformed") }
        return objects
    }

    /// The object itself when it has a body, or an object nested one level down that has one.
    static func articleObject(_ object: [String: Any]) -> [String: Any]? {
        if string(object, bodyKeys.filter { $0 != "description" }) != nil { return object }
        for key in ["article", "data", "item", "story", "post", "result", "document"] {
            if let nested = object[key] as? [String: Any], string(nested, bodyKeys) != nil { return nested }
        }
        if string(object, ["description"]).map({ $0.count > 200 }) == true { return object }
        return nil
    }

    static func key(_ object: [String: Any], _ keys: [String]) -> String? {
        keys.first { string(object, [$0]) != nil || object[$0] is NSNumber && dateKeys.contains($0) }
    }

    /// A string field; objects give their `name`, lists their first string.
    static func string(_ object: [String: Any], _ keys: [String]) -> String? {
        for key in keys {
            switch object[key] {
            case let text as String where !text.trimmingWhitespace().isEmpty:
                return text
            case let nested as [String: Any]:
                if let name = nested["name"] as? String ?? nested["title"] as? String ?? nested["text"] as? String { return name }
            case let list as [Any]:
                let names = list.compactMap { ($0 as? String) ?? (($0 as? [String: Any])?["name"] as? String) }
                if !names.isEmpty { return names.joined(separator: ", ") }
            default:
                continue
            }
        }
        return nil
    }

    /// Seconds (or milliseconds) since 1970.
    static func epoch(_ value: Double) -> PublishedDate? {
        let seconds = value > 1e11 ? value / 1000 : value
        guard seconds > 0, seconds < 4.2e9 else { return nil }
        var remaining = Int(seconds)
        let second = remaining % 60
        remaining /= 60
        let minute = remaining % 60
        remaining /= 60
        let hour = remaining % 24
        let days = remaining / 24
        // Civil from days (Howard Hinnant).
        let z = days + 719_468
        let era = z / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return PublishedDate(year: year, month: month, day: day, hour: hour, minute: minute, second: second, utcOffsetMinutes: 0, precision: .second)
    }
}
