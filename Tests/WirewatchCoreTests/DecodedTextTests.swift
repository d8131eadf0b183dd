import Testing
@testable import WirewatchCore

struct DecodedTextTests {
    @Test func validUTF8IsKeptAsIs() {
        let decoded = DecodedText.decode(Array("Grüße aus Pjöngjang".utf8))
        #expect(decoded.encoding == .utf8)
        #expect(decoded.text == "Grüße aus Pjöngjang")
    }

    @Test func aByteOrderMarkIsStripped() {
        let decoded = DecodedText.decode([0xEF, 0xBB, 0xBF] + Array("Titel".utf8))
        #expect(decoded.encoding == .utf8WithBOM)
        #expect(decoded.text == "Titel")
    }

    @Test func undeclaredLatin1GermanFallsBackToWindows1252() {
        // "Grüße – „Putin“" in Windows-1252.
        let bytes: [UInt8] = [0x47, 0x72, 0xFC, 0xDF, 0x65, 0x20, 0x96, 0x20, 0x84, 0x50, 0x75, 0x74, 0x69, 0x6E, 0x93]
        let decoded = DecodedText.decode(bytes)
        #expect(decoded.encoding == .windows1252)
        #expect(decoded.text == "Grüße – „Putin“")
    }

    @Test func utf16WithByteOrderMarkIsDecoded() {
        let decoded = DecodedText.decode([0xFF, 0xFE, 0x48, 0x00, 0x69, 0x00])
        #expect(decoded.encoding == .utf16LE)
        #expect(decoded.text == "Hi")
    }

    @Test func crlfAndLoneCRBecomeLF() {
        #expect(DecodedText.decode(Array("a\r\nb\rc\n".utf8)).text == "a\nb\nc\n")
    }
}

struct ContentScreeningTests {
    let limit: Int64 = 1000

    @Test func emptyBytesAreRejected() {
        #expect(ContentScreening.rejection(for: [], limit: limit) == .empty)
    }

    @Test func whitespaceOnlyIsRejected() {
        #expect(ContentScreening.rejection(for: Array(" \n\t\r\n".utf8), limit: limit) == .whitespaceOnly)
    }

    @Test func anImageRenamedToTxtIsBinary() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0x41, count: 20)
        #expect(ContentScreening.rejection(for: png, limit: limit)?.code == "binary")
    }

    @Test func nulBytesMeanBinary() {
        #expect(ContentScreening.rejection(for: Array("abc".utf8) + [0] + Array("def".utf8), limit: limit)?.code == "binary")
    }

    @Test func manyControlBytesMeanBinary() {
        let bytes = (0..<200).map { UInt8($0 % 2 == 0 ? 0x01 : 0x41) }
        #expect(ContentScreening.rejection(for: bytes, limit: limit)?.code == "binary")
    }

    @Test func oversizedContentIsRejected() {
        let bytes = [UInt8](repeating: 0x41, count: 1001)
        #expect(ContentScreening.rejection(for: bytes, limit: limit) == .tooLarge(size: 1001, limit: 1000))
    }

    @Test func ordinaryTextPasses() {
        #expect(ContentScreening.rejection(for: Array("Putin in Pjöngjang\n\nText.".utf8), limit: limit) == nil)
    }

    @Test func latin1TextPasses() {
        #expect(ContentScreening.rejection(for: [0x47, 0x72, 0xFC, 0xDF, 0x65], limit: limit) == nil)
    }
}

struct ClaimIDTests {
    @Test func aClaimIDRoundTripsThroughItsText() throws {
        let claim = ClaimID(arrivalMilliseconds: 1_763_882_649_123, tag: 0x9f3a)
        #expect(claim.rawValue == "1763882649123-00009f3a")
        let parsed = try #require(ClaimID(rawValue: claim.rawValue))
        #expect(parsed == claim)
        #expect(parsed.arrivalMilliseconds == 1_763_882_649_123)
    }

    @Test(arguments: ["", "123", "abc-00000000", "123-0000000", "123-0000000G", "123-ABCDEF12", "-1-00000000"])
    func malformedClaimIDsAreRefused(text: String) {
        #expect(ClaimID(rawValue: text) == nil)
    }

    @Test func aClaimedNameKeepsSubfoldersAndPercentSigns() throws {
        let name = ClaimedName(claimID: ClaimID(arrivalMilliseconds: 5, tag: 1), originalName: "feeds/a%2F b.txt")
        #expect(name.fileName == "5-00000001.feeds%2Fa%252F b.txt")
        let parsed = try #require(ClaimedName(fileName: name.fileName))
        #expect(parsed.originalName == "feeds/a%2F b.txt")
        #expect(parsed.claimID == name.claimID)
    }

    @Test func aLongNameIsShortenedToFitTheNameLimit() throws {
        let long = String(repeating: "x", count: 300) + ".txt"
        let name = ClaimedName(claimID: ClaimID(arrivalMilliseconds: 5, tag: 1), originalName: long)
        #expect(name.fileName.utf8.count <= 255)
        #expect(name.fileName.hasSuffix("x.txt"))
        #expect(ClaimedName(fileName: name.fileName) != nil)
    }

    @Test func namesNotMadeByTheDaemonAreNotClaims() {
        #expect(ClaimedName(fileName: "report.txt") == nil)
        #expect(ClaimedName(fileName: "5-00000001.") == nil)
    }
}

struct ContentHashTests {
    @Test func theHashIsTheSHA256OfTheBytes() {
        #expect(ContentHash(of: Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
