import Foundation
import Testing
@testable import WirewatchCore

/// Constructed copies of a real article (seed 001) that an agency's clients publish: each must be
/// recognised as a copy of the original, and an article on a related story must not.
struct NearDuplicateTests {
    static let original: Article = try! SeedGoldenTests.parse("001_c880a8e2b3970301.txt")

    static func engineWithOriginal() -> DedupEngine {
        let engine = DedupEngine()
        _ = engine.add(input(original, id: 1))
        return engine
    }

    static func input(_ article: Article, id: Int64, source: String? = nil) -> DedupEngine.Input {
        DedupEngine.Input(
            articleID: id, profile: ArticleAnalyzer().profile(article), arrival: 1_718_000_000 + Double(id),
            source: source ?? "source-\(id)", title: article.title, segments: ArticleAnalyzer.segments(of: article))
    }

    static func edited(_ edit: (inout [String]) -> Void, title: String? = nil) -> Article {
        var paragraphs = original.paragraphs
        edit(&paragraphs)
        return Article(
            title: title ?? original.title, sections: [.init(heading: nil, paragraphs: paragraphs, isLead: true)],
            language: "de", format: .text, encoding: "utf-8")
    }

    func expectCopy(_ article: Article, _ comment: Comment) {
        let decision = Self.engineWithOriginal().add(Self.input(article, id: 2))
        #expect(decision.kind == .nearDuplicate || decision.kind == .exactDuplicate, comment)
        #expect(decision.duplicateOf == 1 || decision.nearDuplicateOf == 1, comment)
        #expect(decision.eventID == 1, comment)
    }

    @Test func aCopyWithoutItsLastParagraphIsANearDuplicate() {
        expectCopy(Self.edited { $0.removeLast() }, "trimmed")
    }

    @Test func aCopyWithOnlyItsFirstHalfIsANearDuplicateByContainment() {
        let copy = Self.edited { $0.removeLast($0.count / 2) }
        let decision = Self.engineWithOriginal().add(Self.input(copy, id: 2))
        #expect(decision.kind == .nearDuplicate)
        #expect((decision.evidence.containment ?? 0) >= 0.8)
    }

    @Test func aCopyUnderANewHeadlineIsANearDuplicate() {
        // The body is unchanged: exactly the same text under another headline.
        let decision = Self.engineWithOriginal().add(Self.input(Self.edited({ _ in }, title: "Kreml-Chef in Pjöngjang"), id: 2))
        #expect(decision.kind == .exactDuplicate)
        #expect(decision.duplicateOf == 1)
    }

    @Test func swappedQuoteMarksDoNotHideACopy() {
        let copy = Self.edited { paragraphs in
            paragraphs = paragraphs.map {
                $0.replacingOccurrences(of: "\"", with: "»").replacingOccurrences(of: "„", with: "«")
                    .replacingOccurrences(of: "“", with: "»")
            }
            paragraphs[0] += " Das berichtete die Agentur AFP."
        }
        expectCopy(copy, "quotes")
    }

    @Test func addedBoilerplateDoesNotHideACopy() {
        expectCopy(
            Self.edited { paragraphs in
                paragraphs.insert("Lesen Sie auch: Alle Entwicklungen im Liveblog.", at: 2)
                paragraphs.append("Dieser Artikel wurde automatisch aus dem Agenturmaterial übernommen. © AFP")
                paragraphs.append("Folgen Sie uns auf Twitter und Facebook für die neuesten Nachrichten.")
            }, "boilerplate")
    }

    @Test func reorderedParagraphsAndSentencesDoNotHideACopy() {
        expectCopy(
            Self.edited { paragraphs in
                paragraphs.swapAt(1, 3)
                paragraphs.swapAt(2, 4)
                let sentences = paragraphs[0].components(separatedBy: ". ")
                paragraphs[0] = sentences.reversed().joined(separator: ". ")
            }, "reordered")
    }

    @Test func aSlightlyRewordedCopyIsANearDuplicate() {
        expectCopy(
            Self.edited { paragraphs in
                paragraphs = paragraphs.map {
                    $0.replacingOccurrences(of: "Präsident", with: "Staatschef").replacingOccurrences(of: "Kreml", with: "Moskau")
                }
            }, "reworded")
    }

    @Test func anotherArticleOnTheSameEventIsNotACopy() throws {
        let other = try SeedGoldenTests.parse("002_3e2959cc9f6ec901.txt")
        let decision = Self.engineWithOriginal().add(Self.input(other, id: 2))
        #expect(decision.kind != .nearDuplicate && decision.kind != .exactDuplicate)
        #expect(decision.nearDuplicateOf == nil && decision.duplicateOf == nil)
    }

    @Test func aRelatedStoryElsewhereIsNeitherACopyNorTheSameEvent() throws {
        let vietnam = try ArticleParser().parse(EventClusteringTests.fixture("putin-vietnam-1.txt"), fileName: "v.txt")
        let decision = Self.engineWithOriginal().add(Self.input(vietnam, id: 2))
        #expect(decision.kind == .newEvent)
        #expect(decision.eventID != 1)
    }

    @Test func anExactCopyInAnotherWrapperIsAnExactDuplicate() throws {
        let html = """
            <html><head><meta property="og:title" content="\(Self.original.title!)"></head><body><article>
            \(Self.original.paragraphs.map { "<p>\($0.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;"))</p>" }.joined())
            </article></body></html>
            """
        let page = try ArticleParser().parse(Array(html.utf8), fileName: "copy.html")
        let decision = Self.engineWithOriginal().add(Self.input(page, id: 2))
        #expect(decision.kind == .exactDuplicate, "body: \(page.body.prefix(200))")
        #expect(decision.duplicateOf == 1)
    }
}
