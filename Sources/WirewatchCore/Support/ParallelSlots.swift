import Foundation

/// One slot per iteration of a parallel loop, each written by its own iteration and read after.
public final class ParallelSlots<Value>: @unchecked Sendable {
    private var slots: [Value]
    private let lock = NSLock()

    public init(count: Int, empty: Value) { slots = Array(repeating: empty, count: count) }

    public func set(_ index: Int, _ value: Value) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    public var values: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}
