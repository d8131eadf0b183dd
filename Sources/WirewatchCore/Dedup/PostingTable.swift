/// A multimap from 64-bit keys to 32-bit values (event ids per term) that keeps, per key, only
/// the newest `cap` values, contiguously: a block that doubles as the key gathers values, then a
/// ring. A lookup reads one block (a few cache lines) instead of chasing a chain through memory,
/// which is what made retrieval slow once the index outgrew the cache.
///
/// Keys are kept as 32-bit tags, so a lookup can return the values of another key about once in
/// four billion distinct keys; every caller checks its candidates, so that costs only the check.
/// Values are never removed one by one: callers skip values that are no longer live and
/// ``rebuild(keeping:)`` drops them in bulk.
struct PostingTable {
    /// Values kept per key: retrieval never reads further back.
    let cap: Int
    private var tags: [UInt32]
    /// Where each key's block starts in `pool` (-1: the slot is free).
    private var offsets: [Int32]
    /// Per key: values held, and the ring start (where the oldest value is once full). The block
    /// size follows from the length: the next power of two, at least 2, at most `cap`.
    private var lengths: [UInt16]
    private var starts: [UInt16]
    private var mask: Int
    private var pool: [UInt32] = []
    private var usedKeys = 0
    /// Pool space held by blocks that were outgrown.
    private var abandoned = 0
    /// Values held, dead or alive.
    private(set) var count = 0

    init(capacity: Int = 1024, cap: Int = 64) {
        precondition(cap >= 2 && cap <= Int(UInt16.max))
        self.cap = cap
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        tags = [UInt32](repeating: 0, count: size)
        offsets = [Int32](repeating: -1, count: size)
        lengths = [UInt16](repeating: 0, count: size)
        starts = [UInt16](repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    private static func tag(_ key: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: key >> 32) ^ UInt32(truncatingIfNeeded: key)
    }

    @inline(__always)
    private func slot(for tag: UInt32) -> Int {
        var index = Int(truncatingIfNeeded: TermHash.mix(UInt64(tag))) & mask
        while offsets[index] >= 0 && tags[index] != tag { index = (index + 1) & mask }
        return index
    }

    mutating func insert(_ key: UInt64, _ value: UInt32) {
        insert(tag: Self.tag(key), value)
    }

    private mutating func insert(tag: UInt32, _ value: UInt32) {
        if (usedKeys + 1) * 2 > offsets.count { rebuild(keyCapacity: usedKeys * 2) { _ in true } }
        let index = slot(for: tag)
        if offsets[index] < 0 {
            usedKeys += 1
            tags[index] = tag
            offsets[index] = allocate(2)
            lengths[index] = 0
            starts[index] = 0
        }
        let length = Int(lengths[index])
        let size = blockSize(length)
        if length == cap {
            // Full: the newest value replaces the oldest.
            let start = Int(starts[index])
            pool[Int(offsets[index]) + start] = value
            starts[index] = UInt16((start + 1) % cap)
            return
        }
        if length == size {
            let grown = min(cap, size * 2)
            let from = Int(offsets[index])
            let to = allocate(grown)
            for position in 0..<length { pool[Int(to) + position] = pool[from + position] }
            offsets[index] = to
            abandoned += size
        }
        pool[Int(offsets[index]) + length] = value
        lengths[index] = UInt16(length + 1)
        count += 1
        if abandoned > 1 << 16 && abandoned > pool.count / 2 { rebuild(keyCapacity: usedKeys) { _ in true } }
    }

    /// The size of the block that holds `length` values.
    @inline(__always)
    private func blockSize(_ length: Int) -> Int {
        guard length > 2 else { return 2 }
        return min(cap, 1 << (Int.bitWidth - (length - 1).leadingZeroBitCount))
    }

    private mutating func allocate(_ size: Int) -> Int32 {
        let offset = pool.count
        pool.append(contentsOf: repeatElement(0, count: size))
        return Int32(offset)
    }

    /// Calls `body` with each value stored under `key`, newest first, until it returns false.
    func forEach(_ key: UInt64, _ body: (UInt32) -> Bool) {
        let index = slot(for: Self.tag(key))
        guard offsets[index] >= 0 else { return }
        let offset = Int(offsets[index])
        let length = Int(lengths[index])
        let start = Int(starts[index])
        guard length > 0 else { return }
        pool.withUnsafeBufferPointer { pool in
            for back in 1...length {
                // The newest value sits just before the ring start (at the end while not full).
                let position = (start + length - back) % length
                if !body(pool[offset + position]) { return }
            }
        }
    }

    /// Keeps only the values `isLive` accepts, in their order.
    mutating func rebuild(keeping isLive: (UInt32) -> Bool) {
        rebuild(keyCapacity: usedKeys, isLive)
    }

    private mutating func rebuild(keyCapacity: Int, _ isLive: (UInt32) -> Bool) {
        let old = self
        self = PostingTable(capacity: max(keyCapacity, 1024), cap: cap)
        pool.reserveCapacity(old.count + old.count / 2)
        var kept: [UInt32] = []
        for index in old.offsets.indices where old.offsets[index] >= 0 {
            kept.removeAll(keepingCapacity: true)
            // Oldest first, so that re-inserting keeps the order.
            let length = Int(old.lengths[index])
            for step in 0..<length {
                let value = old.pool[Int(old.offsets[index]) + (Int(old.starts[index]) + step) % length]
                if isLive(value) { kept.append(value) }
            }
            guard !kept.isEmpty else { continue }
            let slot = slot(for: old.tags[index])
            usedKeys += 1
            tags[slot] = old.tags[index]
            offsets[slot] = allocate(blockSize(kept.count))
            lengths[slot] = UInt16(kept.count)
            for (position, value) in kept.enumerated() { pool[Int(offsets[slot]) + position] = value }
            count += kept.count
        }
    }
}
