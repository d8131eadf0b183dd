import Foundation
import Testing
import WirewatchCore
@testable import WirewatchStore

final class StoreTests {
    let folder: String
    let store: Store

    init() throws {
        folder = NSTemporaryDirectory() + "wirewatch-store-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        store = try Store(path: folder + "/state.sqlite")
    }

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    func accepted(_ text: String, claim: UInt32, name: String = "a.txt") -> IngestionRecord {
        .accepted(
            AcceptedFile(
                claimID: ClaimID(arrivalMilliseconds: 1000, tag: claim), originalName: name,
                size: Int64(text.utf8.count), contentHash: ContentHash(of: Array(text.utf8)),
                text: DecodedText(text: text, encoding: .utf8), arrivedAt: 1, processedAt: 2,
                archivePath: "/archive/\(claim)-\(name)"))
    }

    @Test func newContentBecomesAnArticle() throws {
        let results = try store.record([accepted("one", claim: 1)])
        #expect(results == [.stored(fileID: 1, articleID: 1)])
        #expect(try store.articleText(id: 1) == "one")
        #expect(try store.counts() == StoreCounts(articles: 1, files: 1, exactDuplicates: 0, failed: 0))
    }

    @Test func sameBytesAreRecordedAsAnExactDuplicateOfTheFirstFile() throws {
        _ = try store.record([accepted("same", claim: 1)])
        let results = try store.record([accepted("same", claim: 2, name: "b.txt"), accepted("same", claim: 3)])
        #expect(results == [
            .exactDuplicate(fileID: 2, articleID: 1, duplicateOfFileID: 1),
            .exactDuplicate(fileID: 3, articleID: 1, duplicateOfFileID: 1),
        ])
        #expect(try store.counts() == StoreCounts(articles: 1, files: 3, exactDuplicates: 2, failed: 0))
    }

    @Test func aDuplicateWithinOneBatchPointsAtTheFirstOfTheBatch() throws {
        let results = try store.record([accepted("x", claim: 1), accepted("x", claim: 2)])
        #expect(results == [.stored(fileID: 1, articleID: 1), .exactDuplicate(fileID: 2, articleID: 1, duplicateOfFileID: 1)])
    }

    @Test func replayingACommittedClaimWritesNothing() throws {
        _ = try store.record([accepted("once", claim: 7)])
        let replay = try store.record([accepted("once", claim: 7)])
        #expect(replay == [.alreadyRecorded(.archived(path: "/archive/7-a.txt"))])
        #expect(try store.counts().files == 1)
    }

    @Test func failuresAreKeptWithTheirReason() throws {
        let rejected = RejectedFile(
            claimID: ClaimID(arrivalMilliseconds: 1000, tag: 9), originalName: "x.bin", size: 3, reasonCode: "binary",
            reason: "binary data", arrivedAt: 1, failedAt: 2, failedPath: "/failed/x.bin")
        #expect(try store.record([.rejected(rejected)]) == [.failed(failureID: 1)])
        let claim = ClaimID(arrivalMilliseconds: 1000, tag: 9)
        #expect(try store.dispositions(of: [claim]) == [claim: .failed(rejected)])
        #expect(try store.allFailures() == [rejected])
    }

    @Test func unknownClaimsHaveNoDisposition() throws {
        #expect(try store.dispositions(of: [ClaimID(arrivalMilliseconds: 1, tag: 1)]).isEmpty)
    }

    @Test func theStoreReopensWithItsData() throws {
        _ = try store.record([accepted("kept", claim: 1)])
        try store.close()
        let reopened = try Store(path: folder + "/state.sqlite")
        #expect(try reopened.counts().articles == 1)
        #expect(try reopened.allFiles().first?.originalName == "a.txt")
    }
}
