import Testing
@testable import WirewatchDaemon

struct InboxWatcherStateMachineTests {
    typealias Machine = InboxWatcherStateMachine
    let ms: UInt64 = 1_000_000

    func machine() -> Machine {
        Machine(stabilityDelay: .milliseconds(10), writingTimeout: .seconds(60), ignore: IgnorePatterns([".*", "*.tmp", "*.part", "*~"]))
    }

    func regular(size: Int64 = 10, modified: Int64 = 1) -> FileObservation {
        FileObservation(kind: .regular, size: size, modifiedNanoseconds: modified, inode: 7)
    }

    @Test func startingScansTheInbox() {
        var machine = machine()
        #expect(machine.started() == [.scan("")])
    }

    @Test func aRenamedInFileIsClaimedAfterOneQuietStabilityCheck() {
        var machine = machine()
        #expect(machine.fileEvent("a.txt", .movedIn, observation: regular(), now: 0).isEmpty)
        #expect(machine.nextDeadline() == 10 * ms)
        #expect(machine.tick(now: 9 * ms).isEmpty)
        #expect(machine.tick(now: 10 * ms) == [.observe("a.txt")])
        #expect(machine.observed("a.txt", regular(), now: 10 * ms) == [.claim("a.txt", firstSeen: 0)])
        #expect(machine.pendingCount == 0)
        #expect(machine.nextDeadline() == nil)
    }

    @Test func aFileThatChangedDuringTheCheckIsCheckedAgain() {
        var machine = machine()
        _ = machine.fileEvent("a.txt", .closedAfterWriting, observation: regular(size: 10), now: 0)
        _ = machine.tick(now: 10 * ms)
        #expect(machine.observed("a.txt", regular(size: 20), now: 10 * ms).isEmpty)
        #expect(machine.tick(now: 20 * ms) == [.observe("a.txt")])
        #expect(machine.observed("a.txt", regular(size: 20), now: 20 * ms) == [.claim("a.txt", firstSeen: 0)])
    }

    @Test func aNewEventRestartsTheWait() {
        var machine = machine()
        _ = machine.fileEvent("a.txt", .closedAfterWriting, observation: regular(size: 1), now: 0)
        _ = machine.fileEvent("a.txt", .closedAfterWriting, observation: regular(size: 2), now: 8 * ms)
        #expect(machine.tick(now: 10 * ms).isEmpty)
        #expect(machine.tick(now: 18 * ms) == [.observe("a.txt")])
        #expect(machine.observed("a.txt", regular(size: 2), now: 18 * ms) == [.claim("a.txt", firstSeen: 0)])
    }

    @Test func aFileBeingWrittenWaitsForItsClose() {
        var machine = machine()
        _ = machine.fileEvent("slow.txt", .created, observation: regular(size: 0), now: 0)
        _ = machine.fileEvent("slow.txt", .modified, observation: regular(size: 100), now: 5 * ms)
        #expect(machine.tick(now: 500 * ms).isEmpty)
        _ = machine.fileEvent("slow.txt", .closedAfterWriting, observation: regular(size: 300), now: 900 * ms)
        #expect(machine.tick(now: 910 * ms) == [.observe("slow.txt")])
        #expect(machine.observed("slow.txt", regular(size: 300), now: 910 * ms) == [.claim("slow.txt", firstSeen: 0)])
    }

    @Test func aFileWrittenButNeverClosedIsClaimedAfterTheWritingTimeout() {
        var machine = machine()
        _ = machine.fileEvent("link.txt", .created, observation: regular(), now: 0)
        #expect(machine.tick(now: 59_000 * ms).isEmpty)
        #expect(machine.tick(now: 60_000 * ms) == [.observe("link.txt")])
        #expect(machine.observed("link.txt", regular(), now: 60_000 * ms) == [.claim("link.txt", firstSeen: 0)])
    }

    @Test func aCreatedFIFOIsHandedOnAfterTheStabilityDelay() {
        var machine = machine()
        let fifo = FileObservation(kind: .fifo, size: 0, modifiedNanoseconds: 1, inode: 3)
        _ = machine.fileEvent("pipe", .created, observation: fifo, now: 0)
        #expect(machine.tick(now: 10 * ms) == [.observe("pipe")])
        #expect(machine.observed("pipe", fifo, now: 10 * ms) == [.claim("pipe", firstSeen: 0)])
    }

    @Test(arguments: [".hidden", "draft.tmp", "upload.part", "backup~", ".git/config", "x.tmp/inner.txt"])
    func hiddenAndTemporaryNamesAreIgnored(path: String) {
        var machine = machine()
        #expect(machine.fileEvent(path, .closedAfterWriting, observation: regular(), now: 0).isEmpty)
        #expect(machine.scanned(path, regular(), now: 0).isEmpty)
        #expect(machine.pendingCount == 0)
    }

    @Test func aFolderThatAppearsIsWatchedThenScanned() {
        var machine = machine()
        #expect(machine.folderAppeared("feeds") == [.watch("feeds"), .scan("feeds")])
        let folder = FileObservation(kind: .directory, size: 0, modifiedNanoseconds: 0, inode: 2)
        #expect(machine.scanned("feeds/dpa", folder, now: 0) == [.watch("feeds/dpa"), .scan("feeds/dpa")])
        #expect(machine.fileEvent("x", .movedIn, observation: folder, now: 0) == [.watch("x"), .scan("x")])
        #expect(machine.folderAppeared(".cache").isEmpty)
    }

    @Test func anOverflowRescansEverything() {
        var machine = machine()
        #expect(machine.overflowed() == [.scan("")])
        #expect(machine.reconcile() == [.scan("")])
    }

    @Test func aScannedFileIsClaimedAfterTheStabilityDelay() {
        var machine = machine()
        _ = machine.scanned("old.txt", regular(), now: 0)
        #expect(machine.tick(now: 10 * ms) == [.observe("old.txt")])
        #expect(machine.observed("old.txt", regular(), now: 10 * ms) == [.claim("old.txt", firstSeen: 0)])
    }

    @Test func aScanDoesNotDisturbAFileAlreadyBeingWaitedOn() {
        var machine = machine()
        _ = machine.fileEvent("a.txt", .modified, observation: regular(), now: 0)
        #expect(machine.scanned("a.txt", regular(), now: 5 * ms).isEmpty)
        #expect(machine.tick(now: 20 * ms).isEmpty)
    }

    @Test func aFileThatVanishedIsForgotten() {
        var machine = machine()
        _ = machine.fileEvent("a.txt", .movedIn, observation: regular(), now: 0)
        _ = machine.tick(now: 10 * ms)
        #expect(machine.observed("a.txt", nil, now: 10 * ms).isEmpty)
        #expect(machine.pendingCount == 0)
    }

    @Test func manyFilesAreEachClaimedOnceInArrivalOrder() {
        var machine = machine()
        for index in 0..<5000 {
            _ = machine.fileEvent("f\(index)", .created, observation: regular(), now: UInt64(index))
            _ = machine.fileEvent("f\(index)", .closedAfterWriting, observation: regular(), now: UInt64(index))
        }
        let due = machine.tick(now: 20 * ms)
        #expect(due.count == 5000)
        var claims: [String] = []
        for case .observe(let path) in due {
            for case .claim(let claimed, _) in machine.observed(path, regular(), now: 20 * ms) { claims.append(claimed) }
        }
        #expect(claims == (0..<5000).map { "f\($0)" })
        #expect(machine.nextDeadline() == nil)
    }
}

struct InotifyDecodingTests {
    func record(watch: Int32, mask: UInt32, name: String, padTo: Int) -> [UInt8] {
        func le(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
        var nameBytes = Array(name.utf8)
        if !name.isEmpty { nameBytes += [UInt8](repeating: 0, count: padTo - nameBytes.count) }
        return le(UInt32(bitPattern: watch)) + le(mask) + le(0) + le(UInt32(nameBytes.count)) + nameBytes
    }

    @Test func recordsWithPaddedNamesAreDecoded() {
        let bytes = record(watch: 1, mask: 0x8, name: "a.txt", padTo: 16) + record(watch: 2, mask: 0x4000, name: "", padTo: 0)
            + record(watch: 1, mask: 0x4000_0100, name: "Nachrichten ü", padTo: 32)
        let events = Inotify.decode(bytes[...])
        #expect(events == [
            Inotify.Event(watch: 1, mask: .closeWrite, name: "a.txt"),
            Inotify.Event(watch: 2, mask: .queueOverflow, name: ""),
            Inotify.Event(watch: 1, mask: [.create, .isDirectory], name: "Nachrichten ü"),
        ])
    }

    @Test func aTruncatedRecordIsNotMisread() {
        let bytes = record(watch: 1, mask: 0x8, name: "a.txt", padTo: 16)
        #expect(Inotify.decode(bytes.dropLast(4)).isEmpty)
    }
}

struct IgnorePatternsTests {
    @Test func anyComponentMatchingIgnoresThePath() {
        let patterns = IgnorePatterns([".*", "*.tmp"])
        #expect(patterns.ignores(relativePath: "a/.b/c.txt"))
        #expect(patterns.ignores(relativePath: "x.tmp"))
        #expect(!patterns.ignores(relativePath: "feeds/dpa/x.txt"))
    }
}
