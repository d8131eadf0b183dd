import Foundation
import Testing
import WirewatchStore

#if canImport(Glibc)
import Glibc
#endif

/// End to end: the built daemon on a temporary folder, judged by what lands in the store and the
/// folders. Serialized: each test runs a daemon, and they compete for two cores.
@Suite(.serialized)
struct IngestionTests {
    @Test func filesWrittenInPlaceRenamedInOrSlowlyAreEachStoredOnce() async throws {
        let daemon = try DaemonHarness()
        defer { daemon.remove() }
        try daemon.start()
        for index in 0..<10 {
            try daemon.writeInPlace("in-place-\(index).txt", "Artikel \(index) direkt geschrieben.\n")
            try daemon.renameIn("renamed-\(index).txt", "Article \(index) renamed in.\n")
        }
        // A slow writer: four chunks with pauses far longer than the stability delay.
        let slowPath = daemon.inbox + "/slow.txt"
        let chunks = (0..<4).map { "chunk \($0) of a slowly written article. " + String(repeating: "x", count: 2000) + "\n" }
        let writer = Task.detached {
            let handle = open(slowPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            for chunk in chunks {
                _ = chunk.withCString { write(handle, $0, strlen($0)) }
                usleep(300_000)
            }
            close(handle)
        }
        // Names that must never be claimed.
        for name in [".hidden.txt", "draft.tmp", "upload.part", "backup.txt~"] {
            try daemon.writeInPlace(name, "not for us\n")
        }
        // A subfolder made in place, and a folder with files moved in.
        try daemon.writeInPlace("feeds/dpa/sub-1.txt", "In a subfolder.\n")
        let outside = daemon.base + "/outside-folder"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try Data("Moved in with its folder.\n".utf8).write(to: URL(fileURLWithPath: outside + "/moved-1.txt"))
        try Data("Also moved in.\n".utf8).write(to: URL(fileURLWithPath: outside + "/moved-2.txt"))
        #expect(rename(outside, daemon.inbox + "/moved-folder") == 0)
        await writer.value

        try daemon.waitUntil("24 files stored", timeout: 30) { try daemon.storedNames().count >= 24 }
        usleep(300_000)
        let names = try daemon.storedNames().sorted()
        let expected = (
            (0..<10).map { "in-place-\($0).txt" } + (0..<10).map { "renamed-\($0).txt" }
            + ["slow.txt", "feeds/dpa/sub-1.txt", "moved-folder/moved-1.txt", "moved-folder/moved-2.txt"]
        ).sorted()
        #expect(names == expected)
        // The slow file was read whole, not half-written.
        let store = try daemon.store()
        let slow = try #require(try store.allFiles().first { $0.originalName == "slow.txt" })
        let article = try #require(try store.article(id: slow.articleID))
        let stored = (article.title ?? "") + "\n" + (article.body ?? "")
        #expect(slow.size == Int64(chunks.joined().utf8.count))
        for index in chunks.indices { #expect(stored.contains("chunk \(index) of a slowly written article.")) }
        // Ignored names stay where they are; nothing is left in processing.
        let leftInInbox = daemon.files(in: daemon.inbox)
        #expect(leftInInbox == [".hidden.txt", "backup.txt~", "draft.tmp", "upload.part"])
        #expect(daemon.files(in: daemon.processing).isEmpty)
        #expect(daemon.files(in: daemon.archive).count == 24)
        #expect(try daemon.stop() == 0)
    }

    @Test func filesPresentAtStartUpAreProcessed() throws {
        let daemon = try DaemonHarness()
        defer { daemon.remove() }
        try FileManager.default.createDirectory(atPath: daemon.inbox + "/nested", withIntermediateDirectories: true)
        for index in 0..<30 {
            try daemon.writeInPlace("early-\(index).txt", "Waiting before the daemon started: \(index)\n")
        }
        try daemon.writeInPlace("nested/deep.txt", "Nested before start.\n")
        try daemon.start()
        try daemon.waitUntil("31 files stored", timeout: 30) { try daemon.storedNames().count == 31 }
        #expect(daemon.files(in: daemon.inbox).isEmpty)
        #expect(try daemon.stop() == 0)
    }

    @Test func identicalBytesAreRecordedAsAnExactDuplicateNotStoredTwice() throws {
        let daemon = try DaemonHarness()
        defer { daemon.remove() }
        try daemon.start()
        try daemon.renameIn("first.txt", "Dieselbe Agenturmeldung.\n")
        try daemon.waitUntil("first stored", timeout: 20) { try daemon.storedNames().count == 1 }
        try daemon.renameIn("second.txt", "Dieselbe Agenturmeldung.\n")
        try daemon.waitUntil("second recorded", timeout: 20) { try daemon.storedNames().count == 2 }
        let store = try daemon.store()
        let files = try store.allFiles()
        #expect(try store.counts() == StoreCounts(articles: 1, files: 2, exactDuplicates: 1, failed: 0))
        #expect(files[1].duplicateOfFileID == files[0].id)
        #expect(files[1].articleID == files[0].articleID)
        #expect(try daemon.stop() == 0)
    }

    @Test func aBurstThatOverflowsTheKernelQueueIsCaughtByTheRescan() throws {
        let daemon = try DaemonHarness()
        defer { daemon.remove() }
        let hold = daemon.base + ".hold"
        try #require(FileManager.default.createFile(atPath: hold, contents: nil))
        defer { try? FileManager.default.removeItem(atPath: hold) }
        daemon.environment["WIREWATCH_TEST_HOLD_WATCHER"] = hold
        try daemon.start()
        let count = 20_000
        for index in 0..<count {
            try daemon.renameIn(String(format: "burst-%05d.txt", index), "Burst article number \(index).\n")
        }
        try FileManager.default.removeItem(atPath: hold)
        try daemon.waitUntil("\(count) files stored", timeout: 300) { try daemon.storedNames().count >= count }
        usleep(500_000)
        let names = try daemon.storedNames()
        #expect(names.count == count)
        #expect(Set(names).count == count)
        #expect(daemon.log_().contains("inotify queue overflowed"))
        #expect(daemon.files(in: daemon.inbox).isEmpty)
        #expect(daemon.files(in: daemon.processing).isEmpty)
        #expect(daemon.files(in: daemon.archive).count == count)
        #expect(try daemon.stop() == 0)
    }

    @Test func killNineDuringABurstLosesNothingAndStoresNothingTwice() throws {
        let daemon = try DaemonHarness()
        defer { daemon.remove() }
        try daemon.start()
        let count = 6000
        for index in 0..<count {
            try daemon.renameIn(String(format: "crash-%05d.txt", index), "Crash test article \(index).\n")
            if index == 1500 || index == 4000 {
                try daemon.waitUntil("some progress", timeout: 60) { try daemon.storedNames().count > index / 3 }
                try daemon.crash()
                try daemon.start()
            }
        }
        try daemon.waitUntil("\(count) files stored", timeout: 180) { try daemon.storedNames().count >= count }
        try daemon.crash()  // once more at the end, then a clean restart must change nothing
        try daemon.start()
        usleep(500_000)
        let names = try daemon.storedNames()
        #expect(names.count == count)
        #expect(Set(names).count == count)
        #expect(try daemon.store().counts().exactDuplicates == 0)
        #expect(daemon.files(in: daemon.inbox).isEmpty)
        #expect(daemon.files(in: daemon.processing).isEmpty)
        #expect(daemon.files(in: daemon.archive).count == count)
        #expect(try daemon.stop() == 0)
    }

    @Test func aFileCommittedButNotYetArchivedIsFinishedAfterACrash() throws {
        let daemon = try DaemonHarness()
        defer { daemon.remove() }
        try daemon.start()
        try daemon.renameIn("committed.txt", "Committed before the crash.\n")
        try daemon.waitUntil("stored", timeout: 20) { try daemon.storedNames().count == 1 }
        try daemon.stop()
        // Put the archived file back into processing under its claim name, as if the daemon had
        // died between the commit and the move.
        let stored = try #require(try daemon.store().allFiles().first)
        let claimName = "\(stored.claimID).committed.txt"
        #expect(rename(stored.archivePath, daemon.processing + "/" + claimName) == 0)
        try daemon.start()
        try daemon.waitUntil("moved back to the archive", timeout: 20) { FileManager.default.fileExists(atPath: stored.archivePath) }
        #expect(try daemon.storedNames() == ["committed.txt"])
        #expect(daemon.files(in: daemon.processing).isEmpty)
        #expect(try daemon.stop() == 0)
    }
}
