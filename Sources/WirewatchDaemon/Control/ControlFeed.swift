import Foundation
import Synchronization
import WirewatchControl

/// Changes for `Follow`: the pipeline posts them, the control thread takes them and sends them
/// to every following client. Posting never blocks on a client: it appends to a bounded buffer
/// (the oldest go when no one takes them) and wakes the control thread.
final class ControlFeed: Sendable {
    private let changes = Mutex<[JSONValue]>([])
    private let followers = Atomic<Int>(0)
    private let wake = Mutex<(@Sendable () -> Void)?>(nil)
    static let capacity = 10_000

    /// Whether anyone follows (the pipeline skips building changes when not).
    var isFollowed: Bool { followers.load(ordering: .relaxed) > 0 }

    func setFollowerCount(_ count: Int) { followers.store(count, ordering: .relaxed) }

    /// The control thread's wake-up.
    func onPost(_ body: @escaping @Sendable () -> Void) { wake.withLock { $0 = body } }

    func post(_ change: JSONValue) {
        changes.withLock { buffer in
            buffer.append(change)
            if buffer.count > Self.capacity { buffer.removeFirst(buffer.count - Self.capacity) }
        }
        wake.withLock { $0 }?()
    }

    /// Everything posted since the last call.
    func take() -> [JSONValue] {
        changes.withLock { buffer in
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
    }
}
