/// Markdown with optional YAML front matter (`title`, `date`, `source`, `author`, `url`, `lang`).
/// Headings become headings, lists and quotes become paragraphs, links keep their text, images,
/// code blocks, HTML comments and rules are dropped.
public struct MarkdownParser: Sendable {
    public init() {}

    public func draft(_ text: String) -> ArticleDraft {
        var draft = ArticleDraft()
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)[...]
        if lines.first?.trimmingWhitespace() == "---" {
            lines = lines.dropFirst()
            var frontMatter: [String: String] = [:]
            while let line = lines.first, line.trimmingWhitespace() != "---" && line.trimmingWhitespace() != "..." {
                lines = lines.dropFirst()
                guard let colon = line.firstIndex(of: ":"), line.first != " ", line.first != "-" else { continue }
                let key = line[..<colon].trimmingWhitespace().lowercased()
                let value = line[line.index(after: colon)...].trimmingWhitespace().trimmingQuotes()
                if !value.isEmpty { frontMatter[key] = value }
            }
            lines = lines.dropFirst()
            func first(_ keys: [String]) -> (String, String)? {
                keys.lazy.compactMap { key in frontMatter[key].map { (key, $0) } }.first
            }
            if let (key, value) = first(["title", "headline"]) { draft.set(\.title, value, field: "title", rule: "front matter \(key)") }
            if let (key, value) = first(["source", "site", "publisher"]) { draft.set(\.source, value, field: "source", rule: "front matter \(key)") }
            if let (key, value) = first(["author", "authors", "byline"]) { draft.set(\.author, value, field: "author", rule: "front matter \(key)") }
            if let (key, value) = first(["url", "link", "canonical"]) { draft.set(\.url, value, field: "url", rule: "front matter \(key)") }
            if let (key, value) = first(["date", "published", "pubdate", "datepublished"]) {
                draft.set(\.published, DateParser.parse(value), field: "published", rule: "front matter \(key)")
            }
            if let (key, value) = first(["lang", "language"]), value.count >= 2 {
                draft.set(\.language, String(value.prefix(2)).lowercased(), field: "language", rule: "front matter \(key)")
            }
        }
        var paragraph: [String] = []
        var inCode = false
        func flush() {
            if !paragraph.isEmpty {
                draft.blocks.append(Block(.paragraph, paragraph.joined(separator: " ")))
                paragraph = []
            }
        }
        for raw in lines {
            let line = raw.trimmingWhitespace()
            if line.hasPrefix("```") || line.hasPrefix("~~~") {
                inCode.toggle()
                flush()
                continue
            }
            if inCode { continue }
            if line.isEmpty || line.hasPrefix("<!--") || line == "---" || line == "***" || line == "___" {
                flush()
                continue
            }
            if line.hasPrefix("#") {
                flush()
                let level = line.prefix { $0 == "#" }.count
                let heading = Self.inline(line.dropFirst(level).trimmingWhitespace())
                if level == 1 && draft.title == nil && draft.blocks.isEmpty {
                    draft.set(\.title, heading, field: "title", rule: "first # heading")
                } else if !heading.isEmpty {
                    draft.blocks.append(Block(.heading, heading))
                }
                continue
            }
            if line.hasPrefix("![") && line.hasSuffix(")") { continue }
            var content = Substring(line)
            if content.hasPrefix(">") { content = content.drop { $0 == ">" || $0 == " " } }
            if let first = content.first, (first == "-" || first == "*" || first == "+"), content.dropFirst().first == " " {
                flush()
                content = content.dropFirst(2)
            } else if let dot = content.firstIndex(of: "."), dot != content.startIndex, content[..<dot].allSatisfy(\.isNumber),
                content[content.index(after: dot)...].first == " "
            {
                flush()
                content = content[content.index(after: dot)...].dropFirst()
            }
            paragraph.append(Self.inline(String(content)))
        }
        flush()
        draft.rules["body"] = "markdown"
        return draft
    }

    /// Inline markup removed: `**bold**`, `_em_`, `` `code` ``, `[text](url)` → text, images dropped.
    static func inline(_ text: String) -> String {
        var result = ""
        var characters = Array(text)[...]
        while let character = characters.first {
            if character == "!" && characters.dropFirst().first == "[" {
                if let close = characters.firstIndex(of: "]"), characters.index(after: close) < characters.endIndex,
                    characters[characters.index(after: close)] == "(", let end = characters[close...].firstIndex(of: ")")
                {
                    characters = characters[characters.index(after: end)...]
                    continue
                }
            }
            if character == "[", let close = characters.firstIndex(of: "]") {
                let label = characters[characters.index(after: characters.startIndex)..<close]
                let after = characters.index(after: close)
                if after < characters.endIndex, characters[after] == "(", let end = characters[after...].firstIndex(of: ")") {
                    result += String(label)
                    characters = characters[characters.index(after: end)...]
                    continue
                }
            }
            if character == "*" || character == "`" || (character == "_" && (result.last.map { !$0.isLetter } ?? true || characters.dropFirst().first.map { !$0.isLetter } ?? true)) {
                characters = characters.dropFirst()
                continue
            }
            result.append(character)
            characters = characters.dropFirst()
        }
        return PlainTextParser.collapseWhitespace(Substring(result))
    }
}
