import Foundation

/// A file the watcher found ready, on its way to the pipeline.
public struct ClaimRequest: Sendable, Equatable {
    /// Path relative to the inbox.
    public var relativePath: String
    /// Seconds since 1970 when the watcher first saw it.
    public var arrivedAt: Double

    public init(relativePath: String, arrivedAt: Double) {
        self.relativePath = relativePath
        self.arrivedAt = arrivedAt
    }
}

/// Hands ready files from the watcher thread to the pipeline thread, in batches.
final class ClaimQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [ClaimRequest] = []
    private var head = 0
    private var closed = false
    private var paused = false

    func push(_ requests: [ClaimRequest]) {
        guard !requests.isEmpty else { return }
        condition.lock()
        items.append(contentsOf: requests)
        condition.signal()
        condition.unlock()
    }

    /// Waits up to `timeout` seconds for work; returns at most `limit` requests (empty on timeout
    /// or while paused), or nil once the queue is closed.
    func popBatch(limit: Int, timeout: Double) -> [ClaimRequest]? {
        condition.lock()
        defer { condition.unlock() }
        if (head == items.count || paused) && !closed {
            _ = condition.wait(until: Date(timeIntervalSinceNow: timeout))
        }
        if closed { return nil }
        if paused { return [] }
        let end = min(items.count, head + limit)
        let batch = Array(items[head..<end])
        head = end
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        }
        return batch
    }

    /// While paused, nothing is handed out: requests wait here (and their files in the inbox).
    var isPaused: Bool {
        get {
            condition.lock()
            defer { condition.unlock() }
            return paused
        }
        set {
            condition.lock()
            paused = newValue
            condition.signal()
            condition.unlock()
        }
    }

    /// Requests waiting.
    var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return items.count - head
    }

    /// Stops handing out work; what is still queued stays in the inbox for the next start.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
