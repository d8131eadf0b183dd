/// Sums of retrieval weights per candidate event, in a small open-addressing table that is
/// reused from one article to the next (a retrieval reads about a thousand postings; a `Dictionary`
/// would hash each with SipHash and allocate per article).
struct CandidateScores {
    private var keys: [UInt32]
    private var sums: [Float]
    /// The generation a slot was written in: slots of older generations are empty.
    private var generations: [UInt32]
    private var generation: UInt32 = 1
    private var mask: Int
    /// Slots in use, in the order their keys first arrived.
    private(set) var used: [Int] = []

    init(capacity: Int = 4096) {
        var size = 16
        while size < capacity { size <<= 1 }
        keys = [UInt32](repeating: 0, count: size)
        sums = [Float](repeating: 0, count: size)
        generations = [UInt32](repeating: 0, count: size)
        mask = size - 1
    }

    /// Empties the table in constant time.
    mutating func reset() {
        generation &+= 1
        if generation == 0 {
            for index in generations.indices { generations[index] = 0 }
            generation = 1
        }
        used.removeAll(keepingCapacity: true)
    }

    mutating func add(_ key: UInt32, _ weight: Float) {
        if used.count * 2 >= keys.count { grow() }
        var index = Int(truncatingIfNeeded: TermHash.mix(UInt64(key))) & mask
        while generations[index] == generation {
            if keys[index] == key {
                sums[index] += weight
                return
            }
            index = (index + 1) & mask
        }
        generations[index] = generation
        keys[index] = key
        sums[index] = weight
        used.append(index)
    }

    /// The `limit` keys with the largest sums, largest first (ties: the smaller key first).
    /// One pass over the candidates keeping the leaders in order: a retrieval scores hundreds of
    /// events once memory is full, and only a dozen are wanted.
    func top(_ limit: Int) -> [(key: UInt32, sum: Float)] {
        used.lazy.map { (key: keys[$0], sum: sums[$0]) }.leaders(limit) { $0.sum != $1.sum ? $0.sum > $1.sum : $0.key < $1.key }
    }

    private mutating func grow() {
        let entries = used.map { (keys[$0], sums[$0]) }
        self = CandidateScores(capacity: keys.count * 2)
        for (key, sum) in entries { add(key, sum) }
    }
}

/// One bit per event id: whether the event is open (checked for every posting read, where a
/// dictionary lookup would cost a cache miss).
struct OpenEventBits {
    private var words: [UInt64] = []

    mutating func set(_ id: Int64, _ open: Bool) {
        guard id >= 0 else { return }
        let word = Int(id >> 6)
        if word >= words.count {
            guard open else { return }
            words.append(contentsOf: repeatElement(0, count: max(word + 1 - words.count, words.count / 2)))
        }
        let bit = UInt64(1) << UInt64(id & 63)
        if open { words[word] |= bit } else { words[word] &= ~bit }
    }

    func contains(_ id: Int64) -> Bool {
        guard id >= 0 else { return false }
        let word = Int(id >> 6)
        return word < words.count && words[word] & (UInt64(1) << UInt64(id & 63)) != 0
    }
}
