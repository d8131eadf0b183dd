/// A compact multimap from 64-bit keys to 32-bit values (article or event slots): one open
/// addressing table of chain heads and three flat arrays, instead of an array per key.
///
/// Values are never removed one by one; callers skip values that are no longer live and
/// ``rebuild(keeping:)`` drops them in bulk.
struct PostingTable {
    private var heads: [Int32]
    private var headKeys: [UInt64]
    private var mask: Int
    private var keys: [UInt64] = []
    private var values: [UInt32] = []
    private var next: [Int32] = []
    private var usedHeads = 0

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        heads = [Int32](repeating: -1, count: size)
        headKeys = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    /// Entries stored, dead or alive.
    var count: Int { values.count }

    private func slot(for key: UInt64) -> Int {
        var index = Int(truncatingIfNeeded: key) & mask
        while heads[index] >= 0 && headKeys[index] != key { index = (index + 1) & mask }
        return index
    }

    mutating func insert(_ key: UInt64, _ value: UInt32) {
        if usedHeads * 2 >= heads.count { grow() }
        let index = slot(for: key)
        if heads[index] < 0 {
            usedHeads += 1
            headKeys[index] = key
        }
        keys.append(key)
        values.append(value)
        next.append(heads[index])
        heads[index] = Int32(values.count - 1)
    }

    /// Calls `body` with each value stored under `key`, newest first, until it returns false.
    func forEach(_ key: UInt64, _ body: (UInt32) -> Bool) {
        let index = slot(for: key)
        var entry = heads[index]
        while entry >= 0 {
            if !body(values[Int(entry)]) { return }
            entry = next[Int(entry)]
        }
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldValues = values
        var size = heads.count * 2
        while usedHeads * 4 > size { size <<= 1 }
        heads = [Int32](repeating: -1, count: size)
        headKeys = [UInt64](repeating: 0, count: size)
        mask = size - 1
        usedHeads = 0
        keys = []
        values = []
        next = []
        keys.reserveCapacity(oldKeys.count)
        for index in oldKeys.indices { insert(oldKeys[index], oldValues[index]) }
    }

    /// Keeps only the values `isLive` accepts, in their order.
    mutating func rebuild(keeping isLive: (UInt32) -> Bool) {
        let oldKeys = keys
        let oldValues = values
        var live = 0
        for value in oldValues where isLive(value) { live += 1 }
        self = PostingTable(capacity: max(1024, live))
        for index in oldKeys.indices where isLive(oldValues[index]) { insert(oldKeys[index], oldValues[index]) }
    }
}
