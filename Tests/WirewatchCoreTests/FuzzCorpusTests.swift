import Foundation
import Testing
import WirewatchCore

/// Inputs that once broke a parser, or were made to probe its edges: each must parse or be refused
/// with a ParseError, never crash.
struct FuzzCorpusTests {
    static let folder = "/" + #filePath.split(separator: "/").dropLast(1).joined(separator: "/") + "/FuzzCorpus"

    static var inputs: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    @Test(arguments: inputs)
    func aCorpusInputParsesOrIsRefusedWithAReason(name: String) throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.folder + "/" + name)))
        do {
            let article = try ArticleParser().parse(bytes, fileName: name)
            #expect(!article.paragraphs.isEmpty)
        } catch {
            #expect(!error.message.isEmpty)
            #expect(error.file == name)
        }
    }

    @Test func theCorpusIsNotEmpty() {
        #expect(Self.inputs.count >= 5)
    }
}
