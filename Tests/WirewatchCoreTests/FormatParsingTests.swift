import Foundation
import Testing
@testable import WirewatchCore

/// Shared prose for the fixtures: long, comma-rich German paragraphs that any extractor must keep.
enum Prose {
    static let first = "Die Bundesregierung hat am Dienstag in Berlin ein neues Klimapaket beschlossen, das den Ausbau der Windkraft, der Solarenergie und der Stromnetze in den kommenden Jahren deutlich beschleunigen soll."
    static let second = "Nach Angaben des Wirtschaftsministeriums sollen Genehmigungsverfahren künftig höchstens sechs Monate dauern, Gemeinden sollen an den Erträgen neuer Anlagen beteiligt werden, und für Bürger sind zusätzliche Förderprogramme vorgesehen."
    static let third = "Umweltverbände begrüßten die Pläne grundsätzlich, kritisierten aber, dass der Verkehrssektor erneut ausgespart werde, obwohl er seine Klimaziele seit Jahren verfehle und dringend Maßnahmen brauche."
    static let all = [first, second, third]

    static let english = [
        "The government announced on Tuesday that it would spend more than two billion pounds on new flood defences, after a winter in which thousands of homes were damaged by storms.",
        "Ministers said the money would be used to build walls and barriers along rivers that have flooded in the past, and that work would begin in the spring.",
        "Critics said the plan came too late for many of the families who had already lost their homes, and that the funding was not enough to protect the whole country.",
    ]
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Windows-1252 / Latin-1 bytes of a string made of Latin-1 characters.
func latin1(_ text: String) -> [UInt8] {
    text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
}

func parse(_ bytes: [UInt8], _ fileName: String? = nil) throws -> Article {
    try ArticleParser().parse(bytes, fileName: fileName)
}

// MARK: - HTML

struct HTMLFormatTests {
    /// A full page with every kind of furniture around one article.
    static let fullPage = """
        <!DOCTYPE html>
        <html lang="de">
        <head>
        <meta charset="utf-8">
        <title>Regierung beschließt neues Klimapaket | Tagesblatt</title>
        <meta property="og:title" content="Regierung beschließt neues Klimapaket">
        <meta property="og:site_name" content="Tagesblatt">
        <meta property="article:published_time" content="2024-06-18T10:30:00+02:00">
        <link rel="canonical" href="https://www.tagesblatt.example/politik/klimapaket-123">
        <style>body { font-family: serif; } .STYLEMARKER { color: red; }</style>
        <script>window.dataLayer = ["SCRIPTMARKER in head"];</script>
        </head>
        <body>
        <nav><ul><li><a href="/">Startseite</a></li><li><a href="/politik">NAVMARKER Politik</a></li><li><a href="/wirtschaft">Wirtschaft</a></li></ul></nav>
        <div class="cookie-banner"><p>COOKIEMARKER: Wir verwenden Cookies, um Ihnen ein besseres Erlebnis zu bieten, Inhalte zu personalisieren und Zugriffe zu analysieren.</p><button>Akzeptieren</button></div>
        <main>
        <article>
        <h1>Regierung beschließt neues Klimapaket</h1>
        <time datetime="2024-06-18T10:30:00+02:00">18. Juni 2024, 10:30 Uhr</time>
        <p>\(Prose.first)</p>
        <p>\(Prose.second)</p>
        <p>\(Prose.third)</p>
        <div class="share-buttons"><a href="https://facebook.com/share">SHAREMARKER Facebook</a> <a href="https://twitter.com/share">Twitter</a> <a href="mailto:?">E-Mail</a></div>
        </article>
        <ul class="related-articles">
        <li><a href="/a">RELATEDMARKER: Opposition kündigt Widerstand gegen das Klimapaket an, Details folgen</a></li>
        <li><a href="/b">Wie teuer wird der Strom, wenn die Netze ausgebaut werden, und wer zahlt dafür</a></li>
        </ul>
        <section id="comments"><h2>Kommentare</h2><p>COMMENTMARKER: Das ist doch alles viel zu wenig, und viel zu spät, meint ein Leser aus Hamburg, der sich seit Jahren darüber ärgert.</p></section>
        </main>
        <footer><p>FOOTERMARKER © 2024 Tagesblatt, alle Rechte vorbehalten, Impressum, Datenschutz, Kontakt und Mediadaten.</p></footer>
        <script>var tracking = { id: "SCRIPTMARKER in body", text: "Ein Satz, der wie Prosa aussieht, aber in einem Skript steht, und nie im Text landen darf." };</script>
        </body>
        </html>
        """

    /// A page with only the given head elements and the three paragraphs.
    static func page(head: String, htmlAttributes: String = "", body: String? = nil) -> [UInt8] {
        bytes("""
            <!DOCTYPE html>
            <html\(htmlAttributes)>
            <head>
            <meta charset="utf-8">
            \(head)
            </head>
            <body>
            \(body ?? "<article>" + Prose.all.map { "<p>\($0)</p>" }.joined(separator: "\n") + "</article>")
            </body>
            </html>
            """)
    }

    @Test func aFullPageIsReadAsHTML() throws {
        let article = try parse(bytes(Self.fullPage), "klima.html")
        #expect(article.format == .html)
        #expect(article.encoding == "utf-8")
    }

    @Test func theArticleParagraphsAreTheBody() throws {
        let article = try parse(bytes(Self.fullPage))
        #expect(article.paragraphs == Prose.all)
    }

    @Test(arguments: [
        "STYLEMARKER", "font-family", "SCRIPTMARKER", "NAVMARKER", "Startseite", "COOKIEMARKER", "Akzeptieren",
        "SHAREMARKER", "Twitter", "RELATEDMARKER", "Wie teuer wird der Strom", "COMMENTMARKER", "Kommentare",
        "FOOTERMARKER", "Impressum", "18. Juni 2024",
    ])
    func pageFurnitureIsNotInTheBody(_ marker: String) throws {
        let article = try parse(bytes(Self.fullPage))
        #expect(!article.body.contains(marker))
        #expect(!article.sections.contains { $0.heading?.contains(marker) == true })
    }

    @Test func theHeadlineIsNotRepeatedInTheBody() throws {
        let article = try parse(bytes(Self.fullPage))
        #expect(article.title == "Regierung beschließt neues Klimapaket")
        #expect(!article.body.contains("Regierung beschließt neues Klimapaket"))
    }

    @Test func theMetadataOfAFullPageIsRead() throws {
        let article = try parse(bytes(Self.fullPage))
        #expect(article.source == "Tagesblatt")
        #expect(article.published?.description == "2024-06-18T10:30:00+02:00")
        #expect(article.language == "de")
        #expect(article.url == "https://www.tagesblatt.example/politik/klimapaket-123")
    }

    @Test func ogTitleIsTheTitle() throws {
        let article = try parse(Self.page(head: """
            <title>Etwas ganz anderes im Titel-Tag des Dokuments | Tagesblatt</title>
            <meta property="og:title" content="Klimapaket: Was die Regierung plant">
            """))
        #expect(article.title == "Klimapaket: Was die Regierung plant")
        #expect(article.rules["title"] == "og:title")
    }

    @Test func anOgTitleWithTheSiteNameLosesTheSiteName() throws {
        let article = try parse(Self.page(head: """
            <meta property="og:title" content="Regierung beschließt neues Klimapaket | Tagesblatt">
            <meta property="og:site_name" content="Tagesblatt">
            """))
        #expect(article.title == "Regierung beschließt neues Klimapaket")
    }

    @Test(arguments: [
        "Regierung beschließt neues Klimapaket | Tagesblatt",
        "Regierung beschließt neues Klimapaket - Tagesblatt",
        "Regierung beschließt neues Klimapaket – Tagesblatt",
        "Regierung beschließt neues Klimapaket | tagesblatt.de",
    ])
    func theTitleTagFallbackLosesTheSiteName(_ titleTag: String) throws {
        let article = try parse(Self.page(head: "<title>\(titleTag)</title>"))
        #expect(article.title == "Regierung beschließt neues Klimapaket")
    }

    @Test func theTitleTagFallbackLosesTheSiteNameNamedByOgSiteName() throws {
        let article = try parse(Self.page(head: """
            <title>Tagesblatt Online | Klimapaket beschlossen</title>
            <meta property="og:site_name" content="Tagesblatt Online">
            """))
        #expect(article.title == "Klimapaket beschlossen")
        #expect(article.source == "Tagesblatt Online")
    }

    @Test func ogSiteNameIsTheSource() throws {
        let article = try parse(Self.page(head: "<meta property=\"og:site_name\" content=\"Rheinische Rundschau\">"))
        #expect(article.source == "Rheinische Rundschau")
        #expect(article.rules["source"] == "og:site_name")
    }

    @Test func articlePublishedTimeIsTheDate() throws {
        let article = try parse(Self.page(head: "<meta property=\"article:published_time\" content=\"2024-06-18T08:15:00Z\">"))
        #expect(article.published?.description == "2024-06-18T08:15:00Z")
        #expect(article.rules["published"] == "article:published_time")
    }

    @Test func jsonLDGivesHeadlineDateAndAuthor() throws {
        let article = try parse(Self.page(head: """
            <script type="application/ld+json">
            {"@context": "https://schema.org", "@type": "NewsArticle",
             "headline": "Bundestag stimmt über Klimapaket ab",
             "datePublished": "2024-06-19T07:00:00+02:00",
             "author": {"@type": "Person", "name": "Anna Muster"},
             "publisher": {"@type": "Organization", "name": "Tagesblatt"}}
            </script>
            """))
        #expect(article.title == "Bundestag stimmt über Klimapaket ab")
        #expect(article.published?.description == "2024-06-19T07:00:00+02:00")
        #expect(article.author == "Anna Muster")
        #expect(article.source == "Tagesblatt")
        #expect(!article.body.contains("schema.org"))
    }

    @Test func jsonLDInAGraphWithSeveralAuthorsIsRead() throws {
        let article = try parse(Self.page(head: """
            <script type="application/ld+json">
            {"@context": "https://schema.org", "@graph": [
              {"@type": "WebSite", "name": "Tagesblatt"},
              {"@type": "NewsArticle", "headline": "Klimapaket im Bundestag", "datePublished": "2024-06-19",
               "author": [{"@type": "Person", "name": "Anna Muster"}, {"@type": "Person", "name": "Ben Beispiel"}]}
            ]}
            </script>
            """))
        #expect(article.title == "Klimapaket im Bundestag")
        #expect(article.published?.description == "2024-06-19")
        #expect(article.author == "Anna Muster, Ben Beispiel")
    }

    @Test func aTimeElementGivesTheDate() throws {
        let body = "<article><time datetime=\"2024-06-18T10:30:00+02:00\">18. Juni 2024</time>"
            + Prose.all.map { "<p>\($0)</p>" }.joined() + "</article>"
        let article = try parse(Self.page(head: "<title>Klimapaket</title>", body: body))
        #expect(article.published?.description == "2024-06-18T10:30:00+02:00")
        #expect(article.rules["published"] == "<time datetime>")
        #expect(article.paragraphs == Prose.all)
    }

    @Test(arguments: [("de", "de"), ("de-DE", "de"), ("DE", "de")])
    func theHtmlLangAttributeIsTheLanguage(_ attribute: String, _ language: String) throws {
        let article = try parse(Self.page(head: "<title>Klimapaket</title>", htmlAttributes: " lang=\"\(attribute)\""))
        #expect(article.language == language)
        #expect(article.rules["language"] == "html lang")
    }

    @Test(arguments: ["en", "en-GB", "en-US"])
    func anEnglishHtmlLangAttributeIsEnglish(_ attribute: String) throws {
        let body = "<article>" + Prose.english.map { "<p>\($0)</p>" }.joined() + "</article>"
        let article = try parse(Self.page(head: "<title>Flood defences</title>", htmlAttributes: " lang=\"\(attribute)\"", body: body))
        #expect(article.language == "en")
        #expect(article.paragraphs == Prose.english)
    }

    @Test func withoutLangTheLanguageIsDetected() throws {
        let article = try parse(Self.page(head: "<title>Klimapaket</title>"))
        #expect(article.language == "de")
    }

    @Test func subheadingsInsideTheArticleBecomeSections() throws {
        let body = "<article><h1>Klimapaket</h1><p>\(Prose.first)</p><h2>Kritik der Verbände</h2><p>\(Prose.second)</p><p>\(Prose.third)</p></article>"
        let article = try parse(Self.page(head: "<title>Klimapaket</title>", body: body))
        #expect(article.paragraphs == Prose.all)
        #expect(article.sections.map(\.heading) == [nil, "Kritik der Verbände"])
    }

    @Test func inlineMarkupAndEntitiesAreFlattened() throws {
        let body = "<article><p>Die <b>Bundesregierung</b> hat am Dienstag in <a href=\"/berlin\">Berlin</a> ein neues Klimapaket beschlossen, das den Ausbau der Windkraft, der Solarenergie und der Stromnetze in den kommenden Jahren deutlich beschleunigen soll.</p><p>Nach Angaben des Wirtschaftsministeriums sollen Genehmigungsverfahren k&uuml;nftig h&ouml;chstens sechs Monate dauern, Gemeinden sollen an den Ertr&auml;gen neuer Anlagen beteiligt werden, und f&#252;r B&uuml;rger sind zus&auml;tzliche F&ouml;rderprogramme vorgesehen.</p><p>\(Prose.third)</p></article>"
        let article = try parse(Self.page(head: "<title>Klimapaket</title>", body: body))
        #expect(article.paragraphs == Prose.all)
    }

    @Test func truncatedHTMLStillYieldsTheParagraphsSeenSoFar() throws {
        let page = """
            <html><head><title>Regierung beschließt neues Klimapaket</title></head>
            <body><article><p>\(Prose.first)</p>
            <p>\(Prose.second)</p>
            <p>\(Prose.third)</p>
            <p class="art
            """
        let article = try parse(bytes(page), "cut.html")
        #expect(article.format == .html)
        #expect(article.paragraphs == Prose.all)
        #expect(article.title == "Regierung beschließt neues Klimapaket")
    }

    @Test func htmlCutInsideAParagraphKeepsTheFinishedParagraphs() throws {
        let page = "<html><head><title>Klimapaket</title></head><body><article><p>\(Prose.first)</p><p>\(Prose.second)</p><p>Umweltverbände begrüßten die Pläne grundsätzlich, kritisierten"
        let article = try parse(bytes(page), "cut.html")
        #expect(article.paragraphs.prefix(2) == Prose.all.prefix(2))
    }

    @Test func aLatin1PageDeclaredInMetaCharsetIsDecoded() throws {
        let page = """
            <html><head><meta charset="iso-8859-1"><title>Grüße aus München</title></head>
            <body><article><p>Herzliche Grüße aus München, schrieb der Bürgermeister am Montag an die Partnerstadt, und er lud die Delegation zu einem Besuch im Sommer ein.</p>
            <p>Die Stadträte begrüßten den Vorschlag, über die Kosten müsse aber noch gesprochen werden, hieß es aus dem Rathaus.</p></article></body></html>
            """
        let data = latin1(page)
        #expect(String(validating: data, as: UTF8.self) == nil, "the fixture must not be valid UTF-8")
        let article = try parse(data, "gruesse.html")
        #expect(article.title == "Grüße aus München")
        #expect(article.body.hasPrefix("Herzliche Grüße aus München, schrieb der Bürgermeister"))
        #expect(article.body.contains("begrüßten"))
        #expect(!article.body.contains("\u{FFFD}"))
        #expect(["windows-1252", "iso-8859-1"].contains(article.encoding))
    }

    @Test func aLatin1PageDeclaredByHttpEquivIsDecoded() throws {
        let page = """
            <html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><title>Grüße</title></head>
            <body><article><p>Herzliche Grüße aus München, schrieb der Bürgermeister am Montag an die Partnerstadt, und er lud die Delegation zu einem Besuch im Sommer ein.</p></article></body></html>
            """
        let article = try parse(latin1(page), "gruesse.html")
        #expect(article.body.contains("Grüße aus München"))
    }

    @Test func htmlIsRecognisedWithoutAnExtension() throws {
        let article = try parse(bytes(Self.fullPage), "article.txt")
        #expect(article.format == .html)
        #expect(article.paragraphs == Prose.all)
    }
}

// MARK: - E-mail

struct EmailFormatTests {
    static func base64(_ data: [UInt8]) -> String {
        Data(data).base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed])
    }

    @Test func multipartAlternativePrefersThePlainPart() throws {
        let mail = """
            From: "Tagesblatt Newsdesk" <newsdesk@tagesblatt.example>
            To: redaktion@example.com
            Subject: Klimapaket beschlossen
            Date: Tue, 18 Jun 2024 10:30:00 +0200
            Message-ID: <abc123@tagesblatt.example>
            MIME-Version: 1.0
            Content-Type: multipart/alternative; boundary="==BOUNDARY=="

            This is a multi-part message in MIME format.

            --==BOUNDARY==
            Content-Type: text/plain; charset="utf-8"
            Content-Transfer-Encoding: quoted-printable

            Die Bundesregierung hat am Dienstag in Berlin ein neues Klimapaket beschlos=
            sen, das den Ausbau der Windkraft deutlich beschleunigen soll.

            Umweltverb=C3=A4nde begr=C3=BC=C3=9Ften die Pl=C3=A4ne grunds=C3=A4tzlich, kri=
            tisierten aber den Verkehrssektor.

            --==BOUNDARY==
            Content-Type: text/html; charset="utf-8"

            <html><body><p>HTMLPARTMARKER Die Bundesregierung hat am Dienstag in Berlin ein neues Klimapaket beschlossen, das den Ausbau der Windkraft deutlich beschleunigen soll.</p></body></html>

            --==BOUNDARY==--
            """
        let article = try parse(bytes(mail), "klima.eml")
        #expect(article.format == .email)
        #expect(article.title == "Klimapaket beschlossen")
        #expect(article.source == "Tagesblatt Newsdesk")
        #expect(article.published?.description == "2024-06-18T10:30:00+02:00")
        #expect(article.paragraphs == [
            "Die Bundesregierung hat am Dienstag in Berlin ein neues Klimapaket beschlossen, das den Ausbau der Windkraft deutlich beschleunigen soll.",
            "Umweltverbände begrüßten die Pläne grundsätzlich, kritisierten aber den Verkehrssektor.",
        ])
        #expect(!article.body.contains("HTMLPARTMARKER"))
        #expect(!article.body.contains("multi-part"))
        #expect(!article.body.contains("="))
        #expect(article.encoding == "utf-8")
    }

    @Test func anHTMLOnlyMailWithABase64BodyIsRead() throws {
        let html = "<html><body><div class=\"content\">" + Prose.all.map { "<p>\($0)</p>" }.joined(separator: "\n")
            + "</div><p class=\"footer\"><a href=\"https://example.com/unsub\">Abmelden</a></p></body></html>"
        let mail = """
            From: Tagesblatt <newsletter@tagesblatt.example>
            To: leser@example.com
            Subject: Klimapaket beschlossen
            Date: Tue, 18 Jun 2024 10:30:00 +0200
            MIME-Version: 1.0
            Content-Type: text/html; charset=utf-8
            Content-Transfer-Encoding: base64

            \(Self.base64(bytes(html)))
            """
        let article = try parse(bytes(mail), "klima.eml")
        #expect(article.format == .email)
        #expect(article.title == "Klimapaket beschlossen")
        #expect(article.paragraphs == Prose.all)
        #expect(!article.body.contains("Abmelden"))
    }

    @Test func anRFC2047QuotedPrintableUTF8SubjectIsDecoded() throws {
        let mail = """
            From: news@tagesblatt.example
            Subject: =?utf-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen?=
            Date: Tue, 18 Jun 2024 10:30:00 +0200

            \(Prose.first)
            """
        let article = try parse(bytes(mail))
        #expect(article.format == .email)
        #expect(article.title == "Grüße aus München")
        #expect(article.source == "tagesblatt.example")
    }

    @Test func anRFC2047Base64Latin1SubjectIsDecoded() throws {
        let encoded = Data(latin1("Grüße aus München")).base64EncodedString()
        let mail = """
            From: Tagesblatt <news@tagesblatt.example>
            Subject: =?iso-8859-1?B?\(encoded)?=
            Date: Tue, 18 Jun 2024 10:30:00 +0200

            \(Prose.first)
            """
        let article = try parse(bytes(mail))
        #expect(article.title == "Grüße aus München")
    }

    @Test func adjacentEncodedWordsAreJoinedWithoutTheSpaceBetweenThem() throws {
        let mail = """
            From: Tagesblatt <news@tagesblatt.example>
            Subject: =?utf-8?Q?Gr=C3=BC=C3=9Fe_aus_?=
             =?utf-8?Q?M=C3=BCnchen?= und Berlin
            Date: Tue, 18 Jun 2024 10:30:00 +0200

            \(Prose.first)
            """
        let article = try parse(bytes(mail))
        #expect(article.title == "Grüße aus München und Berlin")
    }

    @Test func replyAndNewsletterPrefixesAreRemovedFromTheSubject() throws {
        let mail = """
            From: Tagesblatt <news@tagesblatt.example>
            Subject: Fwd: [Morgenlage] Klimapaket beschlossen
            Date: Tue, 18 Jun 2024 10:30:00 +0200

            \(Prose.first)
            """
        let article = try parse(bytes(mail))
        #expect(article.title == "Klimapaket beschlossen")
    }

    @Test func aLatin1PlainPartIsDecoded() throws {
        let mail = """
            From: Rathaus <presse@muenchen.example>
            To: redaktion@example.com
            Subject: Partnerschaft
            Date: Mon, 17 Jun 2024 09:00:00 +0200
            MIME-Version: 1.0
            Content-Type: text/plain; charset=iso-8859-1
            Content-Transfer-Encoding: 8bit

            Herzliche Grüße aus München, schrieb der Bürgermeister am Montag an die Partnerstadt, und er lud die Delegation zu einem Besuch im Sommer ein.
            """
        let data = latin1(mail)
        #expect(String(validating: data, as: UTF8.self) == nil)
        let article = try parse(data)
        #expect(article.format == .email)
        #expect(article.paragraphs == [
            "Herzliche Grüße aus München, schrieb der Bürgermeister am Montag an die Partnerstadt, und er lud die Delegation zu einem Besuch im Sommer ein."
        ])
        #expect(["windows-1252", "iso-8859-1"].contains(article.encoding))
    }

    @Test func aNewsletterGivesOnlyItsArticle() throws {
        let mail = """
            From: Tagesblatt Morgenlage <newsletter@tagesblatt.example>
            To: leser@example.com
            Subject: Klimapaket beschlossen
            Date: Tue, 18 Jun 2024 06:00:00 +0200
            MIME-Version: 1.0
            Content-Type: text/plain; charset=utf-8

            View in browser
            <https://tagesblatt.example/newsletter/2024-06-18>

            Klimapaket beschlossen

            \(Prose.first)

            \(Prose.second)

            \(Prose.third)

            Unsubscribe
            You are receiving this email because you signed up for the Morgenlage newsletter.
            Tagesblatt GmbH, Musterstraße 1, 10115 Berlin
            """
        let article = try parse(bytes(mail), "morgenlage.eml")
        #expect(article.format == .email)
        #expect(article.title == "Klimapaket beschlossen")
        #expect(article.source == "Tagesblatt Morgenlage")
        #expect(article.paragraphs == Prose.all)
        for furniture in ["View in browser", "https://", "Unsubscribe", "receiving this email", "Musterstraße"] {
            #expect(!article.body.contains(furniture), "\(furniture)")
        }
    }

    @Test func aMailWithCRLFLineEndsIsRead() throws {
        let mail = "From: Tagesblatt <news@tagesblatt.example>\r\nSubject: Klimapaket beschlossen\r\nDate: Tue, 18 Jun 2024 10:30:00 +0200\r\n\r\n\(Prose.first)\r\n\r\n\(Prose.second)\r\n"
        let article = try parse(bytes(mail))
        #expect(article.format == .email)
        #expect(article.title == "Klimapaket beschlossen")
        #expect(article.paragraphs == [Prose.first, Prose.second])
    }

    @Test func anAttachmentIsNotTheBody() throws {
        let mail = """
            From: Tagesblatt <news@tagesblatt.example>
            Subject: Klimapaket beschlossen
            Date: Tue, 18 Jun 2024 10:30:00 +0200
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b1"

            --b1
            Content-Type: text/plain; charset=utf-8

            \(Prose.first)

            --b1
            Content-Type: text/plain; charset=utf-8
            Content-Disposition: attachment; filename="notes.txt"

            ATTACHMENTMARKER Diese Notizen gehören nicht zum Artikel, sie sind nur angehängt worden.
            --b1--
            """
        let article = try parse(bytes(mail))
        #expect(article.paragraphs == [Prose.first])
        #expect(!article.body.contains("ATTACHMENTMARKER"))
    }
}

// MARK: - JSON

struct JSONFormatTests {
    static func json(_ object: [String: Any]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: object))
    }

    static func json(_ list: [[String: Any]]) throws -> [UInt8] {
        Array(try JSONSerialization.data(withJSONObject: list))
    }

    static let bodyText = Prose.all.joined(separator: "\n\n")

    @Test func anObjectWithTitleBodySourcePublishedAndURLIsRead() throws {
        let article = try parse(Self.json([
            "title": "Regierung beschließt neues Klimapaket", "body": Self.bodyText, "source": "Tagesblatt",
            "published": "2024-06-18T10:30:00+02:00", "url": "https://tagesblatt.example/klima",
        ]), "klima.json")
        #expect(article.format == .json)
        #expect(article.title == "Regierung beschließt neues Klimapaket")
        #expect(article.paragraphs == Prose.all)
        #expect(article.source == "Tagesblatt")
        #expect(article.published?.description == "2024-06-18T10:30:00+02:00")
        #expect(article.url == "https://tagesblatt.example/klima")
        #expect(article.language == "de")
    }

    @Test func schemaOrgFieldNamesAreRead() throws {
        let article = try parse(Self.json([
            "headline": "Regierung beschließt neues Klimapaket", "articleBody": Self.bodyText,
            "datePublished": "2024-06-18", "author": ["name": "Anna Muster"],
        ]))
        #expect(article.title == "Regierung beschließt neues Klimapaket")
        #expect(article.paragraphs == Prose.all)
        #expect(article.published?.description == "2024-06-18")
        #expect(article.author == "Anna Muster")
    }

    @Test func aNestedArticleObjectIsRead() throws {
        let article = try parse(Self.json([
            "status": "ok",
            "article": ["title": "Regierung beschließt neues Klimapaket", "body": Self.bodyText, "published": "2024-06-18"],
        ]))
        #expect(article.title == "Regierung beschließt neues Klimapaket")
        #expect(article.paragraphs == Prose.all)
        #expect(article.published?.description == "2024-06-18")
    }

    @Test func aListOfObjectsGivesItsFirstArticle() throws {
        let article = try parse(Self.json([
            ["title": "Erster Artikel", "body": Self.bodyText],
            ["title": "Zweiter Artikel", "body": "Ganz anderer Text, der hier nicht erscheinen darf, weil er zum zweiten Artikel gehört."],
        ]))
        #expect(article.title == "Erster Artikel")
        #expect(article.paragraphs == Prose.all)
    }

    @Test func jsonLinesGiveTheirFirstArticle() throws {
        let lines = [
            String(decoding: try Self.json(["title": "Erster Artikel", "body": Self.bodyText]), as: UTF8.self),
            String(decoding: try Self.json(["title": "Zweiter Artikel", "body": "Anderer Text des zweiten Artikels, der hier nicht erscheinen darf."]), as: UTF8.self),
        ]
        let article = try parse(bytes(lines.joined(separator: "\n") + "\n"), "feed.jsonl")
        #expect(article.format == .json)
        #expect(article.title == "Erster Artikel")
        #expect(article.paragraphs == Prose.all)
    }

    @Test func aBodyHoldingHTMLIsReadAsHTML() throws {
        let html = "<p>\(Prose.first)</p>\n<p><strong>\(Prose.second)</strong></p><script>alert('x')</script><p>\(Prose.third)</p>"
        let article = try parse(Self.json(["title": "Klimapaket", "body": html]))
        #expect(article.paragraphs == Prose.all)
        #expect(!article.body.contains("<"))
        #expect(!article.body.contains("alert"))
    }

    @Test func anEpochTimestampIsADate() throws {
        // 2024-06-18T08:30:00Z
        let article = try parse(Self.json(["title": "Klimapaket", "body": Self.bodyText, "published": 1_718_699_400]))
        #expect(article.published?.description == "2024-06-18T08:30:00Z")
    }

    @Test func jsonWithALeadingByteOrderMarkIsRead() throws {
        let article = try parse([0xEF, 0xBB, 0xBF] + Self.json(["title": "Klimapaket", "body": Self.bodyText]))
        #expect(article.format == .json)
        #expect(article.title == "Klimapaket")
    }
}

// MARK: - Markdown

struct MarkdownFormatTests {
    static let document = """
        ---
        title: "Regierung beschließt neues Klimapaket"
        date: 2024-06-18
        source: Tagesblatt
        author: Anna Muster
        ---

        Die **Bundesregierung** hat am Dienstag in [Berlin](https://berlin.example) ein neues Klimapaket beschlossen, das den Ausbau der Windkraft, der Solarenergie und der Stromnetze in den kommenden Jahren deutlich beschleunigen soll.

        ## Details des Pakets

        Nach Angaben des *Wirtschaftsministeriums* sollen Genehmigungsverfahren künftig höchstens sechs Monate dauern, Gemeinden sollen an den Erträgen neuer Anlagen beteiligt werden, und für Bürger sind zusätzliche Förderprogramme vorgesehen.

        ![Windräder](https://img.example/wind.jpg)

        ## Kritik

        Umweltverbände begrüßten die Pläne _grundsätzlich_, kritisierten aber, dass der Verkehrssektor erneut ausgespart werde, obwohl er seine Klimaziele seit Jahren verfehle und dringend Maßnahmen brauche.
        """

    @Test func frontMatterGivesTheMetadata() throws {
        let article = try parse(bytes(Self.document), "klima.md")
        #expect(article.format == .markdown)
        #expect(article.title == "Regierung beschließt neues Klimapaket")
        #expect(article.published?.description == "2024-06-18")
        #expect(article.source == "Tagesblatt")
        #expect(article.author == "Anna Muster")
        #expect(article.language == "de")
    }

    @Test func linksEmphasisAndImagesAreStripped() throws {
        let article = try parse(bytes(Self.document), "klima.md")
        #expect(article.paragraphs == Prose.all)
        for markup in ["**", "](", "https://", "_grund", "*Wirt", "![", "Windräder"] {
            #expect(!article.body.contains(markup), "\(markup)")
        }
    }

    @Test func subheadingsBecomeSectionHeadings() throws {
        let article = try parse(bytes(Self.document), "klima.md")
        #expect(article.sections.map(\.heading) == [nil, "Details des Pakets", "Kritik"])
        #expect(!article.paragraphs.contains("Details des Pakets"))
    }

    @Test func aLevelOneHeadingIsTheTitleWithoutFrontMatter() throws {
        let document = "# Regierung beschließt neues Klimapaket\n\n" + Prose.all.joined(separator: "\n\n") + "\n"
        let article = try parse(bytes(document), "klima.md")
        #expect(article.format == .markdown)
        #expect(article.title == "Regierung beschließt neues Klimapaket")
        #expect(article.paragraphs == Prose.all)
    }
}

// MARK: - Plain text

struct PlainTextFormatTests {
    static let text = "Regierung beschließt neues Klimapaket\n\n" + Prose.all.joined(separator: "\n\n") + "\n"

    @Test func aTitleLineAndParagraphsAreRead() throws {
        let article = try parse(bytes(Self.text), "klima.txt")
        #expect(article.format == .text)
        #expect(article.title == "Regierung beschließt neues Klimapaket")
        #expect(article.paragraphs == Prose.all)
        #expect(article.encoding == "utf-8")
    }

    @Test func crlfLineEndsAreRead() throws {
        let article = try parse(bytes(Self.text.replacingOccurrences(of: "\n", with: "\r\n")), "klima.txt")
        #expect(article.title == "Regierung beschließt neues Klimapaket")
        #expect(article.paragraphs == Prose.all)
        #expect(!article.body.contains("\r"))
    }

    @Test func crLineEndsAreRead() throws {
        let article = try parse(bytes(Self.text.replacingOccurrences(of: "\n", with: "\r")), "klima.txt")
        #expect(article.title == "Regierung beschließt neues Klimapaket")
        #expect(article.paragraphs == Prose.all)
        #expect(!article.body.contains("\r"))
    }

    @Test func aUTF8ByteOrderMarkIsDropped() throws {
        let article = try parse([0xEF, 0xBB, 0xBF] + bytes(Self.text), "klima.txt")
        #expect(article.title == "Regierung beschließt neues Klimapaket")
        #expect(article.title?.unicodeScalars.first != "\u{FEFF}")
        #expect(article.paragraphs == Prose.all)
        #expect(article.encoding == "utf-8-bom")
    }

    @Test func undeclaredWindows1252GermanIsDecoded() throws {
        let text = "Grüße aus München – „Partnerschaft“\n\nHerzliche Grüße aus München, schrieb der Bürgermeister am Montag an die Partnerstadt, und er lud die Delegation zu einem Besuch im Sommer ein.\n"
        var data: [UInt8] = []
        for scalar in text.unicodeScalars {
            switch scalar {
            case "–": data.append(0x96)
            case "„": data.append(0x84)
            case "“": data.append(0x93)
            default: data.append(UInt8(scalar.value))
            }
        }
        let article = try parse(data, "gruesse.txt")
        #expect(article.encoding == "windows-1252")
        #expect(article.title == "Grüße aus München – „Partnerschaft“")
        #expect(article.paragraphs == ["Herzliche Grüße aus München, schrieb der Bürgermeister am Montag an die Partnerstadt, und er lud die Delegation zu einem Besuch im Sommer ein."])
    }

    @Test(arguments: [
        ("18. Juni 2024", "2024-06-18"),
        ("18 Jun 2024", "2024-06-18"),
        ("June 18, 2024", "2024-06-18"),
        ("Dienstag, 18. Juni 2024, 10:30 Uhr", "2024-06-18T10:30"),
        ("18.06.2024", "2024-06-18"),
    ])
    func aDateLineUnderTheTitleIsThePublicationDate(_ line: String, _ iso: String) throws {
        let text = "Regierung beschließt neues Klimapaket\n\n\(line)\n\n" + Prose.all.joined(separator: "\n\n") + "\n"
        let article = try parse(bytes(text), "klima.txt")
        #expect(article.published?.description == iso)
        #expect(article.title == "Regierung beschließt neues Klimapaket")
        #expect(article.paragraphs == Prose.all)
    }

    @Test func aDateLineDirectlyBelowTheTitleIsThePublicationDate() throws {
        let text = "Regierung beschließt neues Klimapaket\n18. Juni 2024\n\n" + Prose.all.joined(separator: "\n\n") + "\n"
        let article = try parse(bytes(text), "klima.txt")
        #expect(article.published?.description == "2024-06-18")
        #expect(article.paragraphs == Prose.all)
    }

    @Test func aBylineInTheHeaderIsTheAuthor() throws {
        let text = "Regierung beschließt neues Klimapaket\n\nVon Anna Muster\n\n" + Prose.all.joined(separator: "\n\n") + "\n"
        let article = try parse(bytes(text), "klima.txt")
        #expect(article.author == "Anna Muster")
        #expect(article.paragraphs == Prose.all)
    }

    @Test func hardWrappedParagraphsAreJoined() throws {
        let text = """
            Regierung beschließt neues Klimapaket

            Die Bundesregierung hat am Dienstag in Berlin ein neues Klimapaket
            beschlossen, das den Ausbau der Windkraft, der Solarenergie und der
            Stromnetze in den kommenden Jahren deutlich beschleunigen soll.

            \(Prose.second)
            """
        let article = try parse(bytes(text), "klima.txt")
        #expect(article.paragraphs == [Prose.first, Prose.second])
    }

    @Test func anEnglishTextIsDetectedAsEnglish() throws {
        let text = "Government unveils flood defence plan\n\n" + Prose.english.joined(separator: "\n\n") + "\n"
        let article = try parse(bytes(text), "floods.txt")
        #expect(article.language == "en")
        #expect(article.title == "Government unveils flood defence plan")
    }

    @Test func aGermanTextIsDetectedAsGerman() throws {
        #expect(try parse(bytes(Self.text)).language == "de")
    }

    @Test func languageDetectionTellsGermanFromEnglish() {
        #expect(LanguageDetector.detect(Prose.english.joined(separator: " ")) == "en")
        #expect(LanguageDetector.detect(Prose.all.joined(separator: " ")) == "de")
        #expect(LanguageDetector.detect("Hallo") == nil)
    }

    @Test func withoutATitleLineTheFirstSentenceIsTheTitle() throws {
        let article = try parse(bytes(Prose.all.joined(separator: "\n\n")), "klima.txt")
        #expect(article.title == Prose.first)
        #expect(article.paragraphs == Prose.all)
    }
}
