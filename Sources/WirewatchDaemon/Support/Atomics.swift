import Synchronization

/// A boolean shared between threads.
final class AtomicFlag: Sendable {
    private let value = Atomic<Bool>(false)

    var isSet: Bool { value.load(ordering: .acquiring) }

    func set() {
        value.store(true, ordering: .releasing)
    }

    /// Sets to `new` and returns the previous value.
    func exchange(_ new: Bool) -> Bool {
        value.exchange(new, ordering: .acquiringAndReleasing)
    }
}

/// A counter shared between threads.
public final class AtomicCounter: Sendable {
    private let value = Atomic<Int>(0)

    public init(_ initial: Int = 0) {
        value.store(initial, ordering: .relaxed)
    }

    public var current: Int { value.load(ordering: .relaxed) }

    public func increment(by amount: Int = 1) {
        value.add(amount, ordering: .relaxed)
    }

    public func set(_ new: Int) {
        value.store(new, ordering: .relaxed)
    }
}

/// A string shared between threads (the last error, for status).
public final class SharedText: Sendable {
    private let value = Mutex<String?>(nil)

    public init() {}

    public var current: String? { value.withLock { $0 } }

    public func set(_ text: String?) {
        value.withLock { $0 = text }
    }
}
