import Testing
@testable import WirewatchCore

struct TokenizerTests {
    struct Seen: Equatable {
        var word: String
        var capitalised: Bool
        var sentenceStart: Bool
        var number: Bool
    }

    static func tokens(_ text: String) -> [Seen] {
        var tokenizer = Tokenizer()
        var seen: [Seen] = []
        ByteWords.withBytes(of: text) { bytes in
            tokenizer.tokens(in: bytes) { token in
                seen.append(
                    Seen(
                        word: String(decoding: token.folded, as: UTF8.self), capitalised: token.isCapitalised,
                        sentenceStart: token.startsSentence, number: token.isNumber))
            }
        }
        return seen
    }

    static func words(_ text: String) -> [String] { tokens(text).map(\.word) }

    @Test func wordsAreLowercasedIncludingUmlauts() {
        #expect(Self.words("Österreich ÜBER Ärzte") == ["österreich", "über", "ärzte"])
    }

    @Test func sharpSIsFoldedToDoubleS() {
        #expect(Self.words("Straße Strasse") == ["strasse", "strasse"])
    }

    @Test func hyphensSplitWordsSoSpellingsOfANameAgree() {
        #expect(Self.words("Kim Jong-un") == Self.words("Kim Jong Un"))
    }

    @Test func typographicQuotesAndDashesAreNotPartOfWords() {
        #expect(Self.words("»Wir« – „sagte“ ‚er‘ \"so\"") == ["wir", "sagte", "er", "so"])
    }

    @Test func anEnglishPossessiveIsDropped() {
        #expect(Self.words("Lohan's lawyer, Putin’s visit") == ["lohan", "lawyer", "putin", "visit"])
    }

    @Test func apostrophesInsideWordsStay() {
        #expect(Self.words("don't") == ["don't"])
    }

    @Test func thousandsSeparatorsAreRemovedAndDecimalCommasBecomePoints() {
        #expect(Self.words("6,900 6.900 200,000 5,6 4.6 2024") == ["6900", "6900", "200000", "5.6", "4.6", "2024"])
    }

    @Test func numbersAreMarked() {
        #expect(Self.tokens("Es starben 23 Menschen").map(\.number) == [false, false, true, false])
    }

    @Test func capitalisedWordsAfterASentenceEndStartASentence() {
        let seen = Self.tokens("Er kam. Putin sprach! Kim schwieg? Dann")
        #expect(seen.filter(\.sentenceStart).map(\.word) == ["er", "putin", "kim", "dann"])
        #expect(seen.filter(\.capitalised).count == 4)
    }

    @Test func anOrdinalDateOrAnInitialDoesNotEndASentence() {
        let seen = Self.tokens("Am 18. Juni traf J. Smith den Präsidenten.")
        #expect(seen.first { $0.word == "juni" }?.sentenceStart == false)
        #expect(seen.first { $0.word == "smith" }?.sentenceStart == false)
    }

    @Test func anyByteSequenceIsTokenizedWithoutCrashing() {
        var random = SplitMix64(seed: 9)
        var tokenizer = Tokenizer()
        for _ in 0..<500 {
            let bytes = (0..<Int.random(in: 0..<300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            bytes.withUnsafeBufferPointer { buffer in tokenizer.tokens(in: buffer) { _ in } }
        }
    }
}
