import Foundation
import Testing
import WirewatchControl
import WirewatchStore

/// The daemon stores parsed articles; files that cannot be parsed go to `failed/` with the parser's
/// reason; `wirewatch parse` shows what was extracted.
@Suite(.serialized)
struct ParsingIntegrationTests {
    static let repository = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/")

    @Test func theDaemonStoresTheParsedArticleAndFailsWhatCannotBeParsed() throws {
        let daemon = try DaemonHarness()
        defer { daemon.remove() }
        try daemon.start()
        let seed = try String(contentsOfFile: Self.repository + "/seeds/001_c880a8e2b3970301.txt", encoding: .utf8)
        try daemon.renameIn("001.txt", seed)
        try daemon.renameIn("nobody.json", #"{"title": "Nur ein Titel", "url": "https://example.com/x"}"#)
        try daemon.renameIn("broken.json", #"{"title": "Kaputt", "body": "#)
        // The report is written after the commit, when the file is moved: wait for it too.
        try daemon.waitUntil("stored and failed", timeout: 20) {
            try daemon.storedNames() == ["001.txt"] && daemon.store().counts().failed == 2
                && FileManager.default.fileExists(atPath: daemon.failed + "/nobody.json.error.json")
        }
        let store = try daemon.store()
        let file = try #require(try store.allFiles().first)
        let article = try #require(try store.article(id: file.articleID))
        #expect(article.title == "Putin vereinbart in Nordkorea enge Zusammenarbeit und dankt für Ukraine-Hilfe")
        #expect(article.source == "The National Times")
        #expect(article.language == "de")
        #expect(article.format == "text")
        #expect(article.body?.contains("Textgröße ändern") == false)
        let reasons = try store.allFailures().map(\.reasonCode).sorted()
        #expect(reasons == ["malformed-json", "no-body"])
        let report = try String(contentsOfFile: daemon.failed + "/nobody.json.error.json", encoding: .utf8)
        #expect(report.contains("\"reason\" : \"no-body\""))
        #expect(try daemon.stop() == 0)
    }

    @Test func parseJSONPrintsOneObjectPerFileWithTheDocumentedFields() throws {
        let folder = NSTemporaryDirectory() + "wirewatch-parse-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data().write(to: URL(fileURLWithPath: folder + "/empty.txt"))
        let result = try runTool(
            DaemonHarness.cliPath,
            ["parse", "--json", Self.repository + "/seeds/000_e7c496c3c614537c.txt", folder + "/empty.txt"])
        #expect(result.status == 1)  // one file failed
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        let first = try JSONValue.decode(Array(lines[0].utf8))
        let keys: Set<String> = [
            "path", "format", "encoding", "title", "source", "published", "author", "language", "url", "lead", "body",
            "sections", "rules", "error",
        ]
        guard case .object(let object) = first else {
            Issue.record("not an object")
            return
        }
        #expect(Set(object.keys) == keys)
        #expect(first["published"] == "2024-06")
        #expect(first["language"] == "de")
        #expect(first["error"] == .null)
        guard case .array(let sections)? = first["sections"] else {
            Issue.record("no sections")
            return
        }
        #expect(sections.count > 1)
        #expect(sections.first?["lead"] == true)
        #expect(first["body"]?.stringValue?.contains("\n\n") == true)
        let second = try JSONValue.decode(Array(lines[1].utf8))
        #expect(second["error"]?.stringValue?.hasPrefix("empty:") == true)
        #expect(second["title"] == .null)
    }

    @Test func parseShowsAReadableSummary() throws {
        let result = try runTool(DaemonHarness.cliPath, ["parse", Self.repository + "/seeds/004_77b36c938f220c04.txt"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("title      Vor Besuch in Pjöngjang"))
        #expect(result.stdout.contains("published  2024-06-18"))
        #expect(result.stdout.contains("removed"))
    }
}
