import Foundation
import Testing
@testable import WirewatchCore

struct ArticleAnalyzerTests {
    static func article(_ text: String, language: String? = nil, name: String = "a.txt") throws -> Article {
        var article = try ArticleParser().parse(Array(text.utf8), fileName: name)
        if let language { article.language = language }
        return article
    }

    static func profile(_ text: String, language: String? = nil) throws -> ArticleProfile {
        ArticleAnalyzer().profile(try article(text, language: language))
    }

    static func has(_ profile: ArticleProfile, name word: String, language: String) -> Bool {
        let analyzer = ArticleAnalyzer()
        let probe = analyzer.profile(
            Article(
                title: nil, sections: [.init(heading: nil, paragraphs: ["Gestern sprach \(word) lange."], isLead: true)],
                language: language, format: .text, encoding: "utf-8"))
        guard let term = probe.names.first else { return false }
        return profile.names.contains { $0.hash == term.hash }
    }

    @Test func aGermanGenitiveSOnANameIsTheSameNameAsWithout() throws {
        let genitive = try Self.profile("Die Raketen Nordkoreas und die Armee Russlands waren Thema des Treffens in der Hauptstadt.", language: "de")
        #expect(Self.has(genitive, name: "Nordkorea", language: "de"))
        #expect(Self.has(genitive, name: "Russland", language: "de"))
    }

    @Test func germanContentWordsAreStemmed() {
        let analyzer = ArticleAnalyzer()
        #expect(analyzer.stem("besuche", language: "de") == analyzer.stem("besuch", language: "de"))
        #expect(analyzer.stem("visits", language: "en") == analyzer.stem("visit", language: "en"))
    }

    @Test func stopWordsAndReportingVerbsAreNotContentTerms() throws {
        let profile = try Self.profile("Der Minister sagte, dass die Regierung und das Parlament sich einig seien.", language: "de")
        let analyzer = ArticleAnalyzer()
        let sagte = try Self.profile("Er sagte es.", language: "de")
        #expect(profile.content.count >= 3)
        #expect(sagte.content.isEmpty, "\(sagte.content)")
        _ = analyzer
    }

    @Test func aCapitalisedSentenceStartIsANameOnlyWhenANameFollows() throws {
        let profile = ArticleAnalyzer().profile(
            Article(
                title: "Wahl in Russland",
                sections: [.init(heading: nil, paragraphs: ["Heute wurde gewählt. Wladimir Putin gewann die Wahl deutlich, wie erwartet wurde."], isLead: true)],
                language: "de", format: .text, encoding: "utf-8"))
        #expect(!Self.has(profile, name: "Heute", language: "de"))
        #expect(Self.has(profile, name: "Wladimir", language: "de"))
        #expect(Self.has(profile, name: "Putin", language: "de"))
    }

    @Test func numbersAreTheirOwnSpace() throws {
        let profile = try Self.profile("The quake of magnitude 5.6 killed 23 people and injured 1,200 in 2013.", language: "en")
        #expect(profile.numbers.count == 4)
        #expect(!profile.content.isEmpty)
    }

    @Test func aRoundupsOtherStoriesDoNotCountAsTheArticle() throws {
        let lead = try Self.profile(
            """
            Putin besucht Nordkorea

            Der russische Präsident Wladimir Putin ist zu einem Staatsbesuch in Nordkorea eingetroffen und wurde in Pjöngjang von Kim Jong Un empfangen.
            """, language: "de")
        let roundup = ArticleAnalyzer().profile(
            Article(
                title: "Putin besucht Nordkorea",
                sections: [
                    .init(heading: nil, paragraphs: ["Der russische Präsident Wladimir Putin ist zu einem Staatsbesuch in Nordkorea eingetroffen und wurde in Pjöngjang von Kim Jong Un empfangen."], isLead: true),
                    .init(heading: "Weitere Meldungen", paragraphs: ["In Hamburg hat ein Sturm Bäume entwurzelt und den Bahnverkehr lahmgelegt."], isLead: false),
                ], language: "de", format: .text, encoding: "utf-8"))
        #expect(roundup.content.map(\.hash) == lead.content.map(\.hash))
        #expect(roundup.names.map(\.hash) == lead.names.map(\.hash))
        // The other story still belongs to the body: copies of the whole text are recognised.
        #expect(roundup.shingleCount > lead.shingleCount)
    }

    @Test func theBodyKeyIgnoresCaseQuotesDashesAndSpacing() throws {
        let a = try Self.profile("Titel\n\n„Wir kommen“, sagte er – heute.\n\nDann   ging er.")
        let b = try Self.profile("Anderer Titel\n\n»wir KOMMEN«, sagte er - heute.\n\nDann ging er.")
        #expect(a.bodyKey == b.bodyKey)
        let c = try Self.profile("Titel\n\n„Wir kommen“, sagte er – morgen.\n\nDann ging er.")
        #expect(a.bodyKey != c.bodyKey)
    }

    @Test func theSameTextInPlainTextHTMLAndMailHasOneBodyKey() throws {
        let paragraphs = [
            "Der russische Präsident Wladimir Putin ist in Pjöngjang eingetroffen.",
            "Es ist sein erster Besuch in Nordkorea seit 24 Jahren.",
        ]
        let text = try Self.article("Putin in Pjöngjang\n\n" + paragraphs.joined(separator: "\n\n"))
        let html = try ArticleParser().parse(
            Array("""
                <html><head><title>Putin in Pjöngjang – Beispiel-Zeitung</title></head><body>
                <nav><a href="/">Start</a></nav><article><h1>Putin in Pjöngjang</h1>
                <p>\(paragraphs[0])</p><p>\(paragraphs[1])</p></article><footer>Impressum</footer></body></html>
                """.utf8), fileName: "a.html")
        let mail = try ArticleParser().parse(
            Array("""
                From: redaktion@example.org\r
                To: leser@example.org\r
                Subject: Putin in Pjöngjang\r
                Date: Tue, 18 Jun 2024 20:00:00 +0200\r
                Content-Type: text/plain; charset=utf-8\r
                \r
                \(paragraphs[0])\r
                \r
                \(paragraphs[1])\r
                """.utf8), fileName: "a.eml")
        let analyzer = ArticleAnalyzer()
        let keys = [text, html, mail].map { analyzer.profile($0).bodyKey }
        #expect(Set(keys).count == 1, "bodies: \([text.body, html.body, mail.body])")
    }

    @Test func sentencesOfSixOrMoreWordsAreKeyedWithSampledFourGrams() throws {
        let profile = try Self.profile("Titel\n\nKurz so. Dies ist ein etwas längerer Satz mit genug Wörtern darin.")
        #expect(profile.sentences.count == 1)
        let sentence = profile.sentences[0]
        #expect(sentence.sketch.last == sentence.key)
        #expect(sentence.sketch.dropLast().allSatisfy { $0 % ArticleProfile.Sentence.sampling == 0 })
        // The same words give the same samples in another text.
        let other = try Self.profile("Anderes\n\nHier steht mehr. Dies ist ein etwas längerer Satz mit genug Wörtern darin.")
        #expect(other.sentences.last?.sketch == sentence.sketch)
    }

    @Test func placesAreCountedByCountryWithCapitalsAndGenitives() throws {
        let profile = try Self.profile(
            "Putin in Hanoi\n\nDer Präsident reiste von Pjöngjang nach Vietnam. Die Regierung Vietnams empfing ihn in Hanoi, Nordkoreas Führung hatte ihn verabschiedet.",
            language: "de")
        let vietnam = Places.place("vietnam")!
        let northKorea = Places.place("nordkorea")!
        #expect(profile.places.first?.place == vietnam)
        #expect(profile.places.first { $0.place == vietnam }?.count == 5)  // title counts twice
        #expect(profile.places.first { $0.place == northKorea }?.count == 2)
        #expect(Places.place("sri lanka") == Places.place("colombo"))
        #expect(Places.place("saudi arabien") == Places.place("riad"))
    }

    @Test func theProfileIsTheSameEveryTime() throws {
        let text = String(decoding: try SeedGoldenTests.seedBytes("001_c880a8e2b3970301.txt"), as: UTF8.self)
        let article = try Self.article(text)
        #expect(ArticleAnalyzer().profile(article) == ArticleAnalyzer().profile(article))
    }
}
