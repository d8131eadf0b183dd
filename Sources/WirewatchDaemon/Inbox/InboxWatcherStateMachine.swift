/// Decides, from inotify events, scans and `lstat` results, which inbox entries are ready to be
/// claimed. It performs no I/O: it returns actions, and the ``InboxWatcher`` carries them out and
/// feeds the results back. Time is passed in as monotonic nanoseconds.
///
/// A file is claimed once it has stayed unchanged (size, modification time, inode) for the
/// stability delay with no new events for it, and it is not being written (an `IN_MODIFY` or
/// file `IN_CREATE` seen without an `IN_CLOSE_WRITE` after it).
public struct InboxWatcherStateMachine: Sendable {
    /// What the watcher must do next.
    public enum Action: Sendable, Equatable {
        /// Add an inotify watch on this folder (relative to the inbox; "" is the inbox).
        case watch(String)
        /// List this folder and report every entry through ``scanned(_:_:now:)``.
        case scan(String)
        /// `lstat` this entry and report through ``observed(_:_:now:)``.
        case observe(String)
        /// Hand the entry to the pipeline. `firstSeen` is monotonic nanoseconds.
        case claim(String, firstSeen: UInt64)
    }

    /// What inotify said about a non-folder entry.
    public enum FileEvent: Sendable, Equatable {
        /// `IN_CLOSE_WRITE`: a writer closed it.
        case closedAfterWriting
        /// `IN_MOVED_TO`: renamed in.
        case movedIn
        /// `IN_MODIFY`: a writer is at work.
        case modified
        /// `IN_CREATE` of a non-folder: a writer may be starting, or a link/FIFO appeared.
        case created
    }

    struct Pending: Sendable {
        var firstSeen: UInt64
        var lastEvent: UInt64
        /// The last look at the entry; the next must match it.
        var observation: FileObservation?
        /// Open for writing as far as events tell.
        var writing: Bool
        /// Bumped on every change, to skip outdated deadline entries.
        var generation: UInt64
    }

    public private(set) var stabilityDelay: UInt64
    /// After this long with no events, a file marked as being written is looked at anyway (a writer
    /// that died, a hard link that never gets a close event).
    public private(set) var writingTimeout: UInt64
    public private(set) var ignore: IgnorePatterns

    private(set) var pending: [String: Pending] = [:]
    /// Stability deadlines. Each queue holds `now + constant`, so appending keeps it sorted.
    private var stabilityQueue = DeadlineQueue()
    /// Deadlines of files being written.
    private var writingQueue = DeadlineQueue()
    private var nextGeneration: UInt64 = 0

    public init(stabilityDelay: Duration, writingTimeout: Duration, ignore: IgnorePatterns) {
        self.stabilityDelay = UInt64(max(0, stabilityDelay.nanoseconds))
        self.writingTimeout = UInt64(max(0, writingTimeout.nanoseconds))
        self.ignore = ignore
    }

    /// New settings after a reload; they apply to every look from now on.
    public mutating func reconfigure(stabilityDelay: Duration, writingTimeout: Duration, ignore: IgnorePatterns) {
        self.stabilityDelay = UInt64(max(0, stabilityDelay.nanoseconds))
        self.writingTimeout = UInt64(max(0, writingTimeout.nanoseconds))
        self.ignore = ignore
    }

    /// Entries being waited on.
    public var pendingCount: Int { pending.count }

    /// When ``tick(now:)`` next has work, if ever.
    public mutating func nextDeadline() -> UInt64? {
        let isCurrent = { (entry: DeadlineQueue.Entry) in self.pending[entry.path]?.generation == entry.generation }
        let first = stabilityQueue.firstCurrent(where: isCurrent)
        let second = writingQueue.firstCurrent(where: isCurrent)
        switch (first, second) {
        case (let first?, let second?): return min(first, second)
        case (let first?, nil): return first
        case (nil, let second?): return second
        case (nil, nil): return nil
        }
    }

    /// The inbox watch is in place: list the inbox (watch first, then scan, so nothing slips between).
    public mutating func started() -> [Action] {
        [.scan("")]
    }

    /// A folder appeared (created, moved in, or found by a scan): watch it, then scan it.
    public mutating func folderAppeared(_ path: String) -> [Action] {
        guard !ignore.ignores(relativePath: path) else { return [] }
        return [.watch(path), .scan(path)]
    }

    /// inotify lost events (`IN_Q_OVERFLOW`): scan everything again.
    public mutating func overflowed() -> [Action] {
        [.scan("")]
    }

    /// The periodic reconcile is due: scan everything again.
    public mutating func reconcile() -> [Action] {
        [.scan("")]
    }

    /// An inotify event for a non-folder entry, with an `lstat` taken right after it was read
    /// (nil when the entry was already gone).
    public mutating func fileEvent(
        _ path: String, _ event: FileEvent, observation: FileObservation?, now: UInt64
    ) -> [Action] {
        guard !ignore.ignores(relativePath: path) else { return [] }
        if observation?.kind == .directory { return folderAppeared(path) }
        var item = pending[path] ?? Pending(firstSeen: now, lastEvent: now, observation: nil, writing: false, generation: 0)
        item.lastEvent = now
        item.observation = observation
        switch event {
        case .closedAfterWriting, .movedIn: item.writing = false
        case .modified: item.writing = true
        case .created: item.writing = observation?.kind == .regular
        }
        schedule(path, &item, at: now + (item.writing ? writingTimeout : stabilityDelay))
        return []
    }

    /// An entry listed by a scan, with its `lstat`.
    public mutating func scanned(_ path: String, _ observation: FileObservation, now: UInt64) -> [Action] {
        guard !ignore.ignores(relativePath: path) else { return [] }
        if observation.kind == .directory { return folderAppeared(path) }
        // Already tracked: events keep it current, the scan adds nothing.
        guard pending[path] == nil else { return [] }
        var item = Pending(firstSeen: now, lastEvent: now, observation: observation, writing: false, generation: 0)
        schedule(path, &item, at: now + stabilityDelay)
        return []
    }

    /// Deadlines that have passed: look at those entries again.
    public mutating func tick(now: UInt64) -> [Action] {
        var actions: [Action] = []
        for entry in stabilityQueue.popDue(now: now) + writingQueue.popDue(now: now)
        where pending[entry.path]?.generation == entry.generation {
            actions.append(.observe(entry.path))
        }
        return actions
    }

    /// The result of an ``Action/observe(_:)``: claim when nothing changed, wait again otherwise.
    public mutating func observed(_ path: String, _ observation: FileObservation?, now: UInt64) -> [Action] {
        guard var item = pending[path] else { return [] }
        guard let observation else {
            pending[path] = nil  // gone: someone else took it
            return []
        }
        if observation.kind == .directory {
            pending[path] = nil
            return folderAppeared(path)
        }
        let quietFor = now &- item.lastEvent
        if item.writing && quietFor < writingTimeout {
            schedule(path, &item, at: item.lastEvent + writingTimeout)
            return []
        }
        if observation == item.observation && quietFor >= stabilityDelay {
            pending[path] = nil
            return [.claim(path, firstSeen: item.firstSeen)]
        }
        // Changed since the last look (or first look after an event): look again after the delay.
        item.observation = observation
        item.writing = false
        item.lastEvent = now
        schedule(path, &item, at: now + stabilityDelay)
        return []
    }

    private mutating func schedule(_ path: String, _ item: inout Pending, at deadline: UInt64) {
        nextGeneration += 1
        item.generation = nextGeneration
        pending[path] = item
        let entry = DeadlineQueue.Entry(at: deadline, path: path, generation: item.generation)
        if item.writing { writingQueue.insert(entry) } else { stabilityQueue.insert(entry) }
    }
}

/// Deadlines in the order they fall due, with outdated entries skipped lazily.
struct DeadlineQueue: Sendable {
    struct Entry: Sendable {
        var at: UInt64
        var path: String
        var generation: UInt64
    }

    private var entries: [Entry] = []
    private var head = 0

    /// Appends; entries usually arrive in order, so the backwards search for the slot is short.
    mutating func insert(_ entry: Entry) {
        var index = entries.count
        while index > head, entries[index - 1].at > entry.at { index -= 1 }
        entries.insert(entry, at: index)
    }

    mutating func popDue(now: UInt64) -> [Entry] {
        var due: [Entry] = []
        while head < entries.count, entries[head].at <= now {
            due.append(entries[head])
            head += 1
        }
        compact()
        return due
    }

    /// The earliest deadline for which `isCurrent` holds; outdated entries in front are dropped.
    mutating func firstCurrent(where isCurrent: (Entry) -> Bool) -> UInt64? {
        while head < entries.count {
            if isCurrent(entries[head]) { return entries[head].at }
            head += 1
        }
        compact()
        return nil
    }

    private mutating func compact() {
        if head == entries.count {
            entries.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 1024 && head * 2 > entries.count {
            entries.removeFirst(head)
            head = 0
        }
    }
}

extension Duration {
    /// Whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : product + attoseconds / 1_000_000_000
    }
}
