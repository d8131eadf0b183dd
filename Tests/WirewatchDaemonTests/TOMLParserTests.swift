import Testing
@testable import WirewatchDaemon

struct TOMLParserTests {
    @Test func keysTablesAndValuesAreReadWithTheirLines() throws {
        let table = try TOMLParser.parse(
            """
            # comment
            title = "wire" # trailing comment

            [inbox]
            size = 10_240
            ratio = 0.5
            on = true
            names = [".*", '*.tmp',
                     "*~"]
            """)
        #expect(table["title"] == TOMLValue(kind: .string("wire"), line: 2))
        guard case .table(let inbox)? = table["inbox"]?.kind else {
            Issue.record("no inbox table")
            return
        }
        #expect(inbox["size"] == TOMLValue(kind: .integer(10_240), line: 5))
        #expect(inbox["ratio"]?.kind == .float(0.5))
        #expect(inbox["on"]?.kind == .boolean(true))
        guard case .array(let names)? = inbox["names"]?.kind else {
            Issue.record("no array")
            return
        }
        #expect(names.map(\.kind) == [.string(".*"), .string("*.tmp"), .string("*~")])
        #expect(names.map(\.line) == [8, 8, 9])
    }

    @Test func escapesAndMultiLineStringsAreDecoded() throws {
        let table = try TOMLParser.parse(
            #"""
            a = "tab\there \"q\" \u00FC"
            b = """
            line one
            line two"""
            c = '''C:\raw'''
            """#)
        #expect(table["a"]?.kind == .string("tab\there \"q\" ü"))
        #expect(table["b"]?.kind == .string("line one\nline two"))
        #expect(table["c"]?.kind == .string("C:\\raw"))
    }

    @Test func arraysOfTablesDottedKeysAndInlineTablesBuildNestedTables() throws {
        let table = try TOMLParser.parse(
            """
            [[alert]]
            name = "one"
            [[alert]]
            name = "two"
            match.terms = ["x"]
            point = { x = 1, y = 2 }
            """)
        guard case .array(let alerts)? = table["alert"]?.kind, alerts.count == 2,
            case .table(let second) = alerts[1].kind, case .table(let match)? = second["match"]?.kind,
            case .table(let point)? = second["point"]?.kind
        else {
            Issue.record("unexpected shape: \(table)")
            return
        }
        #expect(second["name"]?.kind == .string("two"))
        #expect(match["terms"]?.kind == .array([TOMLValue(kind: .string("x"), line: 5)]))
        #expect(point["y"]?.kind == .integer(2))
    }

    @Test(arguments: [
        ("a = ", 1),
        ("a = \"open", 1),
        ("a = 1\na = 2", 2),
        ("[t]\n[t]", 2),
        ("a = 1 b = 2", 1),
        ("\n\nx = bare", 3),
        ("a = 1979-05-27", 1),
        ("[t\nx=1", 1),
    ])
    func syntaxErrorsNameTheirLine(text: String, line: Int) {
        #expect(throws: TOMLSyntaxError.self) { try TOMLParser.parse(text) }
        do {
            _ = try TOMLParser.parse(text)
        } catch {
            #expect(error.line == line, "\(error)")
        }
    }

    @Test func arbitraryBytesNeverCrashTheParser() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("[]{}=\"'.,#\n \\abc123_-+tfu".utf8)
        for _ in 0..<3000 {
            let length = Int.random(in: 0..<60, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            _ = try? TOMLParser.parse(String(decoding: bytes, as: UTF8.self))
        }
    }
}
