import Foundation
import Testing
@testable import WirewatchCore

struct ParseErrorTests {
    /// The typed error of parsing `bytes`, or nil when an article came back.
    static func error(_ bytes: [UInt8], fileName: String? = "input.txt") -> ParseError? {
        do {
            _ = try ArticleParser().parse(bytes, fileName: fileName)
            return nil
        } catch {
            return error
        }
    }

    @Test func anEmptyFileIsEmpty() {
        #expect(Self.error([])?.code == .empty)
    }

    @Test(arguments: ["   ", "\n\n\n", " \t\r\n \r\n", "\u{0C}\n"])
    func whitespaceOnlyIsWhitespaceOnly(_ text: String) {
        #expect(Self.error(Array(text.utf8))?.code == .whitespaceOnly)
    }

    @Test func nulBytesAreBinary() {
        let bytes = Array("Ein ganz normaler Satz über das Wetter in Berlin.".utf8) + [0, 0, 1, 2] + Array("Noch mehr Text.".utf8)
        #expect(Self.error(bytes)?.code == .binary)
    }

    @Test func aPNGRenamedToTxtIsBinary() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52]
            + Array(repeating: 0x41, count: 64)
        let error = Self.error(png, fileName: "foto.txt")
        #expect(error?.code == .binary)
        #expect(error?.message.contains("PNG") == true)
    }

    @Test func aPDFRenamedToTxtIsBinary() {
        #expect(Self.error(Array("%PDF-1.7\n%âãÏÓ\n1 0 obj\n".utf8), fileName: "doc.txt")?.code == .binary)
    }

    @Test func aFileOverTheSizeLimitIsTooLarge() {
        let parser = ArticleParser(maximumSize: 100)
        #expect(throws: ParseError.self) { try parser.parse(Array(repeating: 0x41, count: 101)) }
        do {
            _ = try parser.parse(Array(repeating: 0x41, count: 101))
        } catch {
            #expect(error.code == .tooLarge)
        }
    }

    @Test func brokenJSONIsMalformedJSON() {
        let error = Self.error(Array(#"{"title": "x", "body": "#.utf8), fileName: "broken.json")
        #expect(error?.code == .malformedJSON)
    }

    @Test func brokenJSONWithoutAJsonExtensionIsStillMalformedJSON() {
        #expect(Self.error(Array(#"{"title": "x", "body": "#.utf8), fileName: "broken.txt")?.code == .malformedJSON)
    }

    @Test func aJSONListOfNumbersHasNoBody() {
        let code = Self.error(Array("[1, 2, 3]".utf8), fileName: "list.json")?.code
        #expect(code == .noBody || code == .malformedJSON)
    }

    @Test func jsonWithoutABodyFieldHasNoBody() {
        let json = #"{"title": "Regierung beschließt neues Klimapaket", "published": "2024-06-18", "source": "Tagesblatt"}"#
        #expect(Self.error(Array(json.utf8), fileName: "nobody.json")?.code == .noBody)
    }

    @Test func jsonWithAnEmptyBodyHasNoBody() {
        #expect(Self.error(Array(#"{"title": "Klimapaket", "body": "   "}"#.utf8), fileName: "empty.json")?.code == .noBody)
    }

    @Test func aMailWithoutAnyBodyHasNoBody() {
        let mail = "From: Tagesblatt <news@tagesblatt.example>\nTo: leser@example.com\nSubject: Klimapaket beschlossen\nDate: Tue, 18 Jun 2024 10:30:00 +0200\n\n"
        #expect(Self.error(Array(mail.utf8), fileName: "leer.eml")?.code == .noBody)
    }

    @Test func aMailWithOnlyHeadersAndNoBlankLineHasNoBody() {
        let mail = "From: Tagesblatt <news@tagesblatt.example>\nTo: leser@example.com\nSubject: Klimapaket beschlossen\n"
        #expect(Self.error(Array(mail.utf8), fileName: "leer.eml")?.code == .noBody)
    }

    @Test func aMultipartMailWithEmptyPartsHasNoBody() {
        let mail = """
            From: Tagesblatt <news@tagesblatt.example>
            Subject: Klimapaket beschlossen
            MIME-Version: 1.0
            Content-Type: multipart/alternative; boundary="b"

            --b
            Content-Type: text/plain; charset=utf-8


            --b
            Content-Type: image/png
            Content-Transfer-Encoding: base64

            iVBORw0KGgo=
            --b--
            """
        #expect(Self.error(Array(mail.utf8), fileName: "leer.eml")?.code == .noBody)
    }

    @Test func onlyFurnitureHasNoBody() {
        let text = "Mehr lesen\n\nTeilen\n\nFacebook\n\nTwitter\n"
        #expect(Self.error(Array(text.utf8))?.code == .noBody)
    }

    @Test func anHTMLPageWithoutTextHasNoBody() {
        let html = "<html><head><title>Leer</title><script>var x = 1;</script></head><body><nav><a href=\"/\">Startseite</a></nav></body></html>"
        let code = Self.error(Array(html.utf8), fileName: "leer.html")?.code
        #expect(code == .noBody)
    }

    @Test(arguments: ["leer.txt", "inbox/2024/broken.json", "nachricht.eml"])
    func anErrorCarriesTheFileNamePassedIn(_ name: String) {
        let error = Self.error([], fileName: name)
        #expect(error?.file == name)
        #expect(error?.description.hasPrefix(name + ": ") == true)
    }

    @Test func aParserErrorCarriesTheFileNameToo() {
        let error = Self.error(Array(#"{"title": "x", "body": "#.utf8), fileName: "kaputt.json")
        #expect(error?.file == "kaputt.json")
        #expect(error?.description.contains("kaputt.json") == true)
    }

    @Test func withoutAFileNameTheErrorIsJustItsMessage() {
        let error = Self.error([], fileName: nil)
        #expect(error?.file == nil)
        #expect(error?.description == error?.message)
    }

    @Test func everyErrorHasAMessageForAnOperator() {
        let inputs: [[UInt8]] = [[], Array("  ".utf8), [0x89, 0x50, 0x4E, 0x47, 0, 0], Array(#"{"a": "#.utf8), Array(#"{"a": 1}"#.utf8)]
        for input in inputs {
            let error = Self.error(input)
            #expect(error != nil)
            #expect(error?.message.isEmpty == false)
        }
    }
}

/// Mutated inputs must never crash the parser: each gives an article or a typed error.
struct ParserRobustnessTests {
    /// SplitMix64: deterministic, so a failure can be replayed.
    struct Random: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func corpus() throws -> [(name: String, bytes: [UInt8])] {
        var corpus: [(name: String, bytes: [UInt8])] = []
        let folder = SeedGoldenTests.repository + "/seeds"
        for file in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() where file.hasSuffix(".txt") {
            corpus.append((file, Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file)))))
        }
        corpus.append(("page.html", Array(HTMLFormatTests.fullPage.utf8)))
        corpus.append(("small.html", Array("<html lang=\"de\"><head><meta charset=\"iso-8859-1\"><title>Gr\u{FC}\u{DF}e | Blatt</title><meta property=\"og:title\" content=\"Gr\u{FC}\u{DF}e\"><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":\"H\",\"datePublished\":\"2024-06-18T10:30:00+02:00\",\"author\":{\"name\":\"A\"},\"articleBody\":\"Text\"}</script></head><body><article><time datetime=\"2024-06-18\">x</time><p>\(Prose.first)</p><h2>Zwischen</h2><p>\(Prose.second)</p></article><footer>f</footer></body></html>".utf8)))
        corpus.append(("article.json", Array(#"{"title": "Klimapaket", "body": "<p>Erster Absatz, mit Komma.</p><p>Zweiter</p>", "source": "Blatt", "published": "2024-06-18T10:30:00+02:00", "url": "https://x.example/a", "article": {"body": "nested"}}"#.utf8)))
        corpus.append(("lines.jsonl", Array("{\"headline\": \"A\", \"articleBody\": \"Text eins, zwei.\", \"datePublished\": 1718699400}\n[{\"title\": \"B\", \"text\": \"x\"}]\n".utf8)))
        corpus.append(("mail.eml", Array("""
            From: =?utf-8?Q?T=C3=A4gesblatt?= <news@blatt.example>
            To: a@b.example
            Subject: =?iso-8859-1?B?R3L832U=?= =?utf-8?Q?_aus_M=C3=BCnchen?=
            Date: Tue, 18 Jun 2024 10:30:00 +0200
            MIME-Version: 1.0
            Content-Type: multipart/alternative; boundary="XYZ"

            --XYZ
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            View in browser

            Gr=C3=BC=C3=9Fe aus M=C3=BCnchen, schrieb der B=C3=BCrger=
            meister am Montag.

            Unsubscribe
            --XYZ
            Content-Type: text/html; charset=iso-8859-1
            Content-Transfer-Encoding: base64

            PGh0bWw+PGJvZHk+PHA+R3L832U8L3A+PC9ib2R5PjwvaHRtbD4=
            --XYZ--
            """.utf8)))
        corpus.append(("doc.md", Array("---\ntitle: \"T\"\ndate: 2024-06-18\nsource: S\n---\n# H\n\nText mit [Link](https://x) und **fett**.\n\n## Zwei\n\n- Punkt\n1. Eins\n```\ncode\n".utf8)))
        return corpus
    }

    static let insertions: [[UInt8]] = [
        Array("<".utf8), Array("{".utf8), Array("=?".utf8), [0], [0xFF], Array("</p>".utf8), Array("<!--".utf8),
        Array("\"".utf8), Array("=?utf-8?B?".utf8), Array("\r".utf8), Array("\n\n".utf8), [0xC3], [0xE2, 0x80],
        Array("--XYZ\n".utf8), Array("]]>".utf8), Array("&#x".utf8), Array("---\n".utf8), Array("date ".utf8),
    ]

    static func mutate(_ input: [UInt8], corpus: [(name: String, bytes: [UInt8])], random: inout Random) -> [UInt8] {
        var bytes = input
        let rounds = Int.random(in: 1...4, using: &random)
        for _ in 0..<rounds {
            switch Int.random(in: 0..<6, using: &random) {
            case 0 where !bytes.isEmpty:  // byte flips
                for _ in 0..<Int.random(in: 1...8, using: &random) {
                    let index = Int.random(in: 0..<bytes.count, using: &random)
                    bytes[index] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
                }
            case 1 where !bytes.isEmpty:  // truncation
                bytes.removeSubrange(Int.random(in: 0..<bytes.count, using: &random)...)
            case 2:  // insertions of troublesome bytes
                let piece = insertions.randomElement(using: &random)!
                bytes.insert(contentsOf: piece, at: Int.random(in: 0...bytes.count, using: &random))
            case 3:  // splice with another input
                let other = corpus.randomElement(using: &random)!.bytes
                let cut = Int.random(in: 0...bytes.count, using: &random)
                let from = Int.random(in: 0...other.count, using: &random)
                bytes = Array(bytes[..<cut]) + Array(other[from...])
            case 4 where !bytes.isEmpty:  // delete a range
                let start = Int.random(in: 0..<bytes.count, using: &random)
                let end = min(bytes.count, start + Int.random(in: 1...64, using: &random))
                bytes.removeSubrange(start..<end)
            case 5 where !bytes.isEmpty:  // duplicate a range
                let start = Int.random(in: 0..<bytes.count, using: &random)
                let end = min(bytes.count, start + Int.random(in: 1...256, using: &random))
                let copy = Array(bytes[start..<end])
                bytes.insert(contentsOf: copy, at: Int.random(in: 0...bytes.count, using: &random))
            default:
                bytes.append(contentsOf: insertions.randomElement(using: &random)!)
            }
        }
        return bytes
    }

    @Test func theUnmutatedCorpusParsesWithoutCrashing() throws {
        for (name, bytes) in try Self.corpus() {
            do {
                let article = try ArticleParser().parse(bytes, fileName: name)
                #expect(!article.paragraphs.isEmpty, "\(name)")
            } catch {
                #expect(error.file == name)
            }
        }
    }

    @Test func threeThousandMutatedInputsNeverCrashTheParser() throws {
        let corpus = try Self.corpus()
        var random = Random(state: 0x5EED_2024_0618)
        var articles = 0
        var errors: [ParseError.Code: Int] = [:]
        for iteration in 0..<3000 {
            let (name, original) = corpus[iteration % corpus.count]
            let input = Self.mutate(original, corpus: corpus, random: &random)
            do {
                let article = try ArticleParser().parse(input, fileName: name)
                articles += 1
                // An article always has text, and no empty paragraph.
                #expect(!article.paragraphs.isEmpty, "iteration \(iteration), \(name)")
                #expect(!article.paragraphs.contains { $0.trimmingWhitespace().isEmpty }, "iteration \(iteration), \(name)")
                #expect(!article.sections.contains { $0.paragraphs.isEmpty }, "iteration \(iteration), \(name)")
            } catch {
                // The typed throw guarantees a ParseError; it must name the file.
                errors[error.code, default: 0] += 1
                #expect(error.file == name, "iteration \(iteration)")
                #expect(!error.message.isEmpty)
            }
        }
        #expect(articles > 1000, "only \(articles) of 3000 mutated inputs gave an article; errors: \(errors)")
    }

    @Test func everyPrefixOfASmallHTMLPageParsesWithoutCrashing() {
        let page = Array("<html><head><title>T | S</title><meta property=\"og:title\" content=\"T\"></head><body><article><p>\(Prose.first)</p></article></body></html>".utf8)
        for length in 0...page.count {
            _ = try? ArticleParser().parse(Array(page[..<length]), fileName: "prefix.html")
        }
    }

    @Test func everyPrefixOfASmallMailParsesWithoutCrashing() {
        let mail = Array("From: A <a@b.example>\nSubject: =?utf-8?Q?Gr=C3=BC=C3=9Fe?= =?iso-8859-1?B?R3L832U=?=\nContent-Type: multipart/alternative; boundary=\"b\"\n\n--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nGr=C3=BC=\n=C3=9Fe =3\n--b--\n".utf8)
        for length in 0...mail.count {
            _ = try? ArticleParser().parse(Array(mail[..<length]), fileName: "prefix.eml")
        }
    }
}

struct ShortInputTests {
    @Test func aOneLineNoteIsItsOwnBodyNotAHeading() throws {
        let article = try ArticleParser().parse(Array("Waiting before the daemon started: 12\n".utf8), fileName: "note.txt")
        #expect(article.paragraphs == ["Waiting before the daemon started: 12"])
    }
}
