import ArgumentParser
import Foundation
import WirewatchControl
import WirewatchCore

/// `wirewatch parse FILE...`: what the parser extracts, so an operator can see why a feed parses badly.
struct Parse: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what Wirewatch extracts from files: title, source, date, language, body, sections.",
        discussion: """
            Works offline, without the daemon. --json prints exactly one JSON object per file, one per line: \
            {"path", "format", "encoding", "title", "source", "published", "author", "language", "url", \
            "lead", "body", "sections": [{"heading", "text", "lead"}], "rules", "error"}.
            """)

    @Argument(help: ArgumentHelp("Files to parse.", valueName: "file"))
    var files: [String]

    @Flag(help: "One JSON object per file, one per line.")
    var json = false

    @Flag(help: "Print every paragraph, not just the first and the last.")
    var full = false

    func run() throws {
        var failures = 0
        for path in files {
            let result = Self.parse(path)
            if case .failure = result { failures += 1 }
            if json {
                print(Self.json(path: path, result).description)
            } else {
                print(Self.human(path: path, result, full: full))
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }

    static func parse(_ path: String) -> Result<Article, ParseError> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(ParseError(.unsupported, "cannot read the file", file: path))
        }
        do {
            return .success(try ArticleParser().parse(Array(data), fileName: (path as NSString).lastPathComponent))
        } catch {
            return .failure(error)
        }
    }

    static func json(path: String, _ result: Result<Article, ParseError>) -> JSONValue {
        func text(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
        switch result {
        case .success(let article):
            return .object([
                "path": .string(path), "format": .string(article.format.rawValue), "encoding": .string(article.encoding),
                "title": text(article.title), "source": text(article.source), "published": text(article.published?.description),
                "author": text(article.author), "language": text(article.language), "url": text(article.url),
                "lead": text(article.lead), "body": .string(article.body),
                "sections": .array(article.sections.map { section in
                    .object(["heading": text(section.heading), "text": .string(section.text), "lead": .bool(section.isLead)])
                }),
                "rules": .object(article.rules.mapValues { .string($0) }),
                "error": .null,
            ])
        case .failure(let error):
            var object: [String: JSONValue] = [:]
            for key in ["format", "encoding", "title", "source", "published", "author", "language", "url", "lead", "body"] {
                object[key] = .null
            }
            object["path"] = .string(path)
            object["sections"] = .array([])
            object["rules"] = .object([:])
            object["error"] = .string("\(error.code.rawValue): \(error.message)")
            return .object(object)
        }
    }

    static func human(path: String, _ result: Result<Article, ParseError>, full: Bool) -> String {
        switch result {
        case .failure(let error):
            return "\(path)\n  error      \(error.code.rawValue): \(error.message)\n"
        case .success(let article):
            var lines = ["\(path)  (\(article.format.rawValue), \(article.encoding), \(article.language ?? "language unknown"))"]
            func field(_ name: String, _ value: String?, rule key: String) {
                let shown = value ?? "—"
                let rule = article.rules[key].map { "  [\($0)]" } ?? ""
                lines.append("  " + name.padding(toLength: 10, withPad: " ", startingAt: 0) + " " + shown + rule)
            }
            field("title", article.title, rule: "title")
            field("source", article.source, rule: "source")
            field("published", article.published?.description, rule: "published")
            field("author", article.author, rule: "author")
            field("url", article.url, rule: "url")
            let paragraphs = article.paragraphs
            let characters = paragraphs.reduce(0) { $0 + $1.count }
            lines.append("  body       \(paragraphs.count) paragraphs, \(characters) characters  [\(article.rules["body"] ?? "")]")
            if let removed = article.rules["removed"] { lines.append("  removed    \(removed)") }
            if let tags = article.rules["tags"] { lines.append("  header     \(tags)") }
            for (index, section) in article.sections.enumerated() {
                let heading = section.heading.map { "“\($0)”" } ?? "(no heading)"
                lines.append("  section \(index + 1)  \(heading), \(section.paragraphs.count) paragraphs\(section.isLead ? ", lead story" : ", another story")")
                let shown = full || section.paragraphs.count <= 2 ? section.paragraphs : [section.paragraphs.first!, "…", section.paragraphs.last!]
                for paragraph in shown {
                    lines.append("      " + (full || paragraph.count <= 160 ? paragraph : String(paragraph.prefix(157)) + "…"))
                }
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }
}
