/// A multimap from 64-bit keys to 32-bit values in one flat table of 8-byte slots (a 32-bit tag
/// of the key, the value), for indexes whose keys are mostly distinct (LSH bands, sentence
/// samples): half the memory of ``PostingTable`` there. Many values under one key make long
/// probe runs, so indexes with common keys use ``PostingTable``.
///
/// Keys are compared on their tags, so a lookup can return a value stored under another key
/// about once in four billion comparisons; every caller checks its candidates, so that costs only
/// the check. Values are never removed one by one: ``rebuild(keeping:)`` drops dead ones in bulk.
struct CompactMultimap {
    private var slots: [UInt64]
    private(set) var count = 0

    init(capacity: Int = 1024) {
        slots = [UInt64](repeating: 0, count: Self.size(for: capacity))
    }

    /// Slots for `entries` live entries: 60% full, so that what can be added before the next
    /// rebuild (a third more) keeps probe runs short. Any size works: probing starts by
    /// multiplying, not masking, so the table need not double.
    private static func size(for entries: Int) -> Int { max(64, entries * 5 / 3) }

    /// The stored tag: never 0, so that an empty slot is 0.
    @inline(__always)
    private static func tag(_ key: UInt64) -> UInt64 {
        let folded = (key >> 32) ^ (key & 0xFFFF_FFFF)
        return folded == 0 ? 1 : folded
    }

    /// Probing starts from the tag alone, so slots move without their full keys when rebuilt.
    @inline(__always)
    private static func start(_ tag: UInt64, size: Int) -> Int {
        Int(truncatingIfNeeded: TermHash.mix(tag).multipliedFullWidth(by: UInt64(size)).high)
    }

    mutating func insert(_ key: UInt64, _ value: UInt32) {
        insert(contentsOf: CollectionOfOne(key), value)
    }

    /// Stores `value` under each of `keys`. The slots where their probes start are read first, in
    /// one pass of independent reads (see ``mayHoldValues(_:)``): a key whose slot was free then
    /// and still is takes it at once; the others probe on from there, cached.
    mutating func insert(contentsOf keys: some Collection<UInt64>, _ value: UInt32) {
        // Up to 80% full, then rebuilt 60% full.
        if (count + keys.count) * 5 > slots.count * 4 { rebuild(capacity: count + keys.count) { _ in true } }
        let size = slots.count
        slots.withUnsafeMutableBufferPointer { slots in
            let starts = keys.map { key in
                let tag = Self.tag(key)
                let start = Self.start(tag, size: size)
                return (tag: tag, start: start, free: slots[start] == 0)
            }
            for (tag, start, free) in starts {
                var index = start
                if !free || slots[index] != 0 {
                    repeat {
                        index += 1
                        if index == size { index = 0 }
                    } while slots[index] != 0
                }
                slots[index] = tag << 32 | UInt64(value)
            }
        }
        count += keys.count
    }

    /// Calls `body` with the values stored under `key` until it returns false.
    func forEach(_ key: UInt64, _ body: (UInt32) -> Bool) {
        let tag = Self.tag(key)
        let size = slots.count
        var index = Self.start(tag, size: size)
        slots.withUnsafeBufferPointer { slots in
            while true {
                let slot = slots[index]
                if slot == 0 { return }
                if slot >> 32 == tag && !body(UInt32(truncatingIfNeeded: slot)) { return }
                index += 1
                if index == size { index = 0 }
            }
        }
    }

    /// For each key, whether values may be stored under it: false when the slot its probe starts
    /// at is empty. The slots are read in one pass of independent reads, so a batch of lookups
    /// waits for memory together (the table is far larger than the cache), and the `forEach`
    /// calls that follow find those slots cached.
    func mayHoldValues(_ keys: [UInt64]) -> [Bool] {
        let size = slots.count
        return slots.withUnsafeBufferPointer { slots in
            keys.map { slots[Self.start(Self.tag($0), size: size)] != 0 }
        }
    }

    /// Keeps only the values `isLive` accepts. When they fit in the table 60% full, in place (no
    /// second table, so memory does not peak while a large index is compacted); otherwise into a
    /// new table of the right size.
    mutating func rebuild(keeping isLive: (UInt32) -> Bool) {
        var live = 0
        for slot in slots where slot != 0 && isLive(UInt32(truncatingIfNeeded: slot)) { live += 1 }
        if live * 5 <= slots.count * 3 {
            compactInPlace(isLive)
        } else {
            rebuild(capacity: live, isLive)
        }
    }

    /// Empties the dead slots, then, in one pass that starts at a slot that was empty before (where
    /// no probe path crosses), moves every live slot that a hole now separates from where its
    /// probe starts into the first hole on that path. Moves stay within a run of occupied slots
    /// and go backwards, so every slot the pass has left stays findable.
    private mutating func compactInPlace(_ isLive: (UInt32) -> Bool) {
        let size = slots.count
        guard let boundary = slots.firstIndex(of: 0) else {
            // Never the case below 80% full; a full table is rebuilt instead.
            rebuild(capacity: slots.count, isLive)
            return
        }
        var kept = 0
        slots.withUnsafeMutableBufferPointer { slots in
            for index in 0..<size where slots[index] != 0 {
                if isLive(UInt32(truncatingIfNeeded: slots[index])) { kept += 1 } else { slots[index] = 0 }
            }
            var index = boundary
            for _ in 0..<size {
                index += 1
                if index == size { index = 0 }
                let slot = slots[index]
                guard slot != 0 else { continue }
                var target = Self.start(slot >> 32, size: size)
                while target != index && slots[target] != 0 {
                    target += 1
                    if target == size { target = 0 }
                }
                if target != index {
                    slots[target] = slot
                    slots[index] = 0
                }
            }
        }
        count = kept
    }

    /// Re-inserts live slots into a table sized for `capacity` entries.
    private mutating func rebuild(capacity: Int, _ isLive: (UInt32) -> Bool) {
        let old = slots
        slots = []  // the old table is the only copy while the new one fills
        slots = [UInt64](repeating: 0, count: Self.size(for: capacity))
        let size = slots.count
        var kept = 0
        slots.withUnsafeMutableBufferPointer { slots in
            for slot in old where slot != 0 && isLive(UInt32(truncatingIfNeeded: slot)) {
                var index = Self.start(slot >> 32, size: size)
                while slots[index] != 0 {
                    index += 1
                    if index == size { index = 0 }
                }
                slots[index] = slot
                kept += 1
            }
        }
        count = kept
    }
}
