/// Where merged events went: each event merged into another, to the event that took it
/// (``DedupDecision/mergedEvents``). An id follows the chain to the event it stands for now.
public struct MergedEvents: Sendable, Equatable {
    private var into: [Int64: Int64] = [:]

    public init() {}

    public var isEmpty: Bool { into.isEmpty }

    /// Notes the merges a decision made.
    public mutating func note(_ decision: DedupDecision) {
        for gone in decision.mergedEvents { into[gone] = decision.eventID }
    }

    /// Notes that `gone` was merged into `survivor`.
    public mutating func note(_ gone: Int64, into survivor: Int64) {
        into[gone] = survivor
    }

    /// The event `id` stands for now: itself, or the event it was merged into.
    public func current(_ id: Int64) -> Int64 {
        var id = id
        while let next = into[id] { id = next }
        return id
    }

    /// Whether `id` was merged into another event.
    public func wasMerged(_ id: Int64) -> Bool { into[id] != nil }

    public mutating func removeAll() { into.removeAll() }
}
