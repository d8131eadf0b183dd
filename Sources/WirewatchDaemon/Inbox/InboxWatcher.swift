#if canImport(Glibc)
import Glibc
#endif
import Logging

/// Watches the inbox with inotify on a thread of its own (it blocks in `poll`), runs the
/// ``InboxWatcherStateMachine`` and pushes ready files to the pipeline.
final class InboxWatcher: @unchecked Sendable {
    private let root: String
    private var rescanInterval: UInt64
    private let settings: LiveSettings
    private var settingsGeneration: Int
    private var machine: InboxWatcherStateMachine
    private let queue: ClaimQueue
    private let logger: Logger
    private let faults: FaultSwitches
    private let inotify: Inotify
    /// A self-pipe: writing a byte wakes `poll` for a stop or rescan request.
    private let wakeupRead: Int32
    private let wakeupWrite: Int32
    private var watches: [Int32: String] = [:]
    private var nextReconcile: UInt64 = 0
    private let stopRequested = AtomicFlag()
    private let rescanRequested = AtomicFlag()
    /// Counters for status: rescans after overflows, rescans in all.
    let overflows = AtomicCounter()
    let rescans = AtomicCounter()
    /// Monotonic nanoseconds of the loop's last turn, for the watchdog.
    let heartbeat = AtomicCounter()

    init(
        root: String, settings: LiveSettings, queue: ClaimQueue, logger: Logger,
        faults: FaultSwitches
    ) throws(SystemError) {
        self.root = root
        self.settings = settings
        let (current, generation) = settings.snapshot
        self.settingsGeneration = generation
        self.rescanInterval = UInt64(current.rescanInterval.nanoseconds)
        self.machine = InboxWatcherStateMachine(
            stabilityDelay: current.stabilityDelay, writingTimeout: current.rescanInterval,
            ignore: IgnorePatterns(current.ignore))
        self.queue = queue
        self.logger = logger
        self.faults = faults
        self.inotify = try Inotify()
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw SystemError("pipe", path: "") }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        (wakeupRead, wakeupWrite) = (ends[0], ends[1])
    }

    deinit {
        close(wakeupRead)
        close(wakeupWrite)
    }

    /// Puts the watch on the inbox and queues the start-up scan. After this returns, nothing that
    /// lands in the inbox can be missed.
    func start() throws(SystemError) {
        watches[try inotify.watch(root)] = ""
        execute(machine.started())
        nextReconcile = Clock.monotonicNanoseconds() + rescanInterval
    }

    /// Runs until ``stop()``.
    func run() {
        var descriptors = [
            pollfd(fd: inotify.descriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeupRead, events: Int16(POLLIN), revents: 0),
        ]
        while !stopRequested.isSet {
            let now = Clock.monotonicNanoseconds()
            heartbeat.set(Int(now))
            applySettingsIfChanged()
            var deadline = nextReconcile
            if let next = machine.nextDeadline() { deadline = min(deadline, next) }
            // Wake at least four times a second so the heartbeat stays fresh for the watchdog.
            let timeout = deadline <= now ? 0 : Int32(min((deadline - now + 999_999) / 1_000_000, 250))
            descriptors[0].revents = 0
            descriptors[1].revents = 0
            let ready = poll(&descriptors, 2, timeout)
            if ready < 0 && errno != EINTR {
                logger.error("poll on inotify failed", metadata: ["error": "\(SystemError("poll", path: root))"])
            }
            if descriptors[1].revents != 0 {
                var drained = [UInt8](repeating: 0, count: 64)
                while read(wakeupRead, &drained, drained.count) > 0 {}
            }
            if stopRequested.isSet { break }
            faults.holdWatcherIfRequested { [stopRequested] in stopRequested.isSet }
            if descriptors[0].revents != 0 { drainEvents() }
            if rescanRequested.exchange(false) { rescan(reason: "requested") }
            let after = Clock.monotonicNanoseconds()
            if after >= nextReconcile {
                rescan(reason: "periodic reconcile")
            }
            execute(machine.tick(now: after))
        }
    }

    /// Wakes the loop and ends it.
    func stop() {
        stopRequested.set()
        wake()
    }

    /// Asks for a full rescan from any thread.
    func requestRescan() {
        rescanRequested.set()
        wake()
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeupWrite, &byte, 1)
    }

    private func applySettingsIfChanged() {
        let (current, generation) = settings.snapshot
        guard generation != settingsGeneration else { return }
        settingsGeneration = generation
        machine.reconfigure(
            stabilityDelay: current.stabilityDelay, writingTimeout: current.rescanInterval,
            ignore: IgnorePatterns(current.ignore))
        rescanInterval = UInt64(current.rescanInterval.nanoseconds)
        nextReconcile = min(nextReconcile, Clock.monotonicNanoseconds() + rescanInterval)
    }

    private func rescan(reason: String) {
        rescans.increment()
        logger.debug("rescanning inbox", metadata: ["reason": "\(reason)"])
        nextReconcile = Clock.monotonicNanoseconds() + rescanInterval
        execute(machine.reconcile())
    }

    private func drainEvents() {
        while true {
            let events: [Inotify.Event]
            do {
                events = try inotify.readEvents()
            } catch {
                logger.error("reading inotify events failed", metadata: ["error": "\(error)"])
                return
            }
            if events.isEmpty { return }
            for event in events { handle(event) }
        }
    }

    private func handle(_ event: Inotify.Event) {
        if event.mask.contains(.queueOverflow) {
            overflows.increment()
            rescans.increment()
            logger.warning(
                "inotify queue overflowed; rescanning the inbox",
                metadata: ["event": "rescan-after-overflow"])
            nextReconcile = Clock.monotonicNanoseconds() + rescanInterval
            execute(machine.overflowed())
            return
        }
        guard let folder = watches[event.watch] else { return }
        if event.mask.contains(.ignored) {
            watches[event.watch] = nil
            return
        }
        if event.mask.contains(.deleteSelf) || event.mask.contains(.moveSelf) || event.mask.contains(.unmount) {
            if folder.isEmpty {
                logger.critical(
                    "the inbox folder was removed or moved away; files dropped into \(root) are not seen until it is back",
                    metadata: ["path": "\(root)"])
            } else {
                inotify.removeWatch(event.watch)
                watches[event.watch] = nil
            }
            return
        }
        let path = folder.isEmpty ? event.name : folder + "/" + event.name
        let now = Clock.monotonicNanoseconds()
        if event.mask.contains(.isDirectory) {
            if event.mask.contains(.create) || event.mask.contains(.movedTo) {
                execute(machine.folderAppeared(path))
            }
            return
        }
        let kind: InboxWatcherStateMachine.FileEvent
        if event.mask.contains(.closeWrite) {
            kind = .closedAfterWriting
        } else if event.mask.contains(.movedTo) {
            kind = .movedIn
        } else if event.mask.contains(.create) {
            kind = .created
        } else if event.mask.contains(.modify) {
            kind = .modified
        } else {
            return
        }
        execute(machine.fileEvent(path, kind, observation: observe(path), now: now))
    }

    private func observe(_ relativePath: String) -> FileObservation? {
        do {
            return try FileSystem.observe(root + "/" + relativePath)
        } catch {
            logger.warning("cannot look at inbox entry", metadata: ["file": "\(relativePath)", "error": "\(error)"])
            return nil
        }
    }

    private func execute(_ actions: [InboxWatcherStateMachine.Action]) {
        var ready: [ClaimRequest] = []
        var work = actions[...]
        while let action = work.popFirst() {
            switch action {
            case .watch(let folder):
                do {
                    watches[try inotify.watch(root + "/" + folder)] = folder
                } catch {
                    logger.error("cannot watch inbox subfolder", metadata: ["folder": "\(folder)", "error": "\(error)"])
                }
            case .scan(let folder):
                let directory = folder.isEmpty ? root : root + "/" + folder
                let names: [String]
                do {
                    names = try FileSystem.list(directory)
                } catch {
                    if error.errno != ENOENT {
                        logger.error("cannot list inbox folder", metadata: ["folder": "\(folder)", "error": "\(error)"])
                    }
                    continue
                }
                let now = Clock.monotonicNanoseconds()
                for name in names {
                    let path = folder.isEmpty ? name : folder + "/" + name
                    guard let observation = observe(path) else { continue }
                    work.append(contentsOf: machine.scanned(path, observation, now: now))
                }
            case .observe(let path):
                work.append(contentsOf: machine.observed(path, observe(path), now: Clock.monotonicNanoseconds()))
            case .claim(let path, let firstSeen):
                let age = Double(Clock.monotonicNanoseconds() &- firstSeen) / 1e9
                ready.append(ClaimRequest(relativePath: path, arrivedAt: Clock.wallSeconds() - age))
            }
        }
        queue.push(ready)
    }
}
