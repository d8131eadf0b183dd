/// A sparse vector over term hashes, sorted by hash, for merge-based dot products without hash
/// tables.
public struct SparseVector: Sendable, Equatable {
    /// A term and its weight: 8 bytes, so centroids and their dot products stay in cache.
    public struct Entry: Sendable, Equatable {
        /// The high 32 bits of the term's hash: it sorts as the full hash does, and two of the
        /// terms compared here share it about once in four billion pairs.
        public var term: UInt32
        public var weight: Float

        public init(term: UInt32, weight: Float) {
            self.term = term
            self.weight = weight
        }

        /// The vector term of a 64-bit term hash.
        @inline(__always)
        public static func term(_ hash: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: hash >> 32) }
    }

    public private(set) var entries: [Entry]
    public private(set) var norm: Float

    public init() {
        entries = []
        norm = 0
    }

    /// Entries must be sorted by term, without repeats.
    public init(sorted entries: [Entry]) {
        self.entries = entries
        self.norm = Self.norm(of: entries)
    }

    static func norm(of entries: [Entry]) -> Float {
        var sum: Float = 0
        for entry in entries { sum += entry.weight * entry.weight }
        return sum.squareRoot()
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// The vector scaled to length 1 (unchanged when empty).
    public func normalised() -> SparseVector {
        guard norm > 0 else { return self }
        var copy = self
        let scale = 1 / norm
        for index in copy.entries.indices { copy.entries[index].weight *= scale }
        copy.norm = 1
        return copy
    }

    public func dot(_ other: SparseVector) -> Float {
        var sum: Float = 0
        var i = 0
        var j = 0
        let a = entries
        let b = other.entries
        while i < a.count && j < b.count {
            let x = a[i].term
            let y = b[j].term
            if x == y {
                sum += a[i].weight * b[j].weight
                i += 1
                j += 1
            } else if x < y {
                i += 1
            } else {
                j += 1
            }
        }
        return sum
    }

    /// Cosine similarity (0 when either is empty).
    public func cosine(_ other: SparseVector) -> Float {
        guard norm > 0, other.norm > 0 else { return 0 }
        return dot(other) / (norm * other.norm)
    }

    /// Adds `other`, then keeps at most the `limit` heaviest entries once half as many again have
    /// gathered (a centroid stays small however many articles join it; trimming in bulk keeps the
    /// cost of an addition linear).
    public mutating func add(_ other: SparseVector, limit: Int) {
        var merged: [Entry] = []
        merged.reserveCapacity(entries.count + other.entries.count)
        var i = 0
        var j = 0
        let a = entries
        let b = other.entries
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i].term < b[j].term) {
                merged.append(a[i])
                i += 1
            } else if i == a.count || b[j].term < a[i].term {
                merged.append(b[j])
                j += 1
            } else {
                merged.append(Entry(term: a[i].term, weight: a[i].weight + b[j].weight))
                i += 1
                j += 1
            }
        }
        if merged.count > limit + limit / 2 {
            // The limit-th heaviest weight, then keep what is at least as heavy (in term order).
            var weights = merged.map(\.weight)
            weights.sort(by: >)
            let cut = weights[limit - 1]
            var kept: [Entry] = []
            kept.reserveCapacity(limit)
            for entry in merged where entry.weight >= cut && kept.count < limit { kept.append(entry) }
            merged = kept
        }
        entries = merged
        norm = Self.norm(of: merged)
    }

    /// Takes `other` away (a member leaving a centroid); what is left at 0 or below goes.
    public mutating func subtract(_ other: SparseVector) {
        var result: [Entry] = []
        result.reserveCapacity(entries.count)
        var j = 0
        let b = other.entries
        for entry in entries {
            while j < b.count && b[j].term < entry.term { j += 1 }
            var weight = entry.weight
            if j < b.count && b[j].term == entry.term { weight -= b[j].weight }
            if weight > 1e-6 { result.append(Entry(term: entry.term, weight: weight)) }
        }
        entries = result
        norm = Self.norm(of: result)
    }

    /// Whether the vector has this term.
    public func contains(_ term: UInt32) -> Bool {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].term < term { low = middle + 1 } else { high = middle }
        }
        return low < entries.count && entries[low].term == term
    }

    /// The entries both share, heaviest product first.
    public func shared(with other: SparseVector, limit: Int) -> [(term: UInt32, weight: Float)] {
        var result: [(term: UInt32, weight: Float)] = []
        var i = 0
        var j = 0
        while i < entries.count && j < other.entries.count {
            let x = entries[i].term
            let y = other.entries[j].term
            if x == y {
                result.append((x, entries[i].weight * other.entries[j].weight))
                i += 1
                j += 1
            } else if x < y {
                i += 1
            } else {
                j += 1
            }
        }
        result.sort { $0.weight > $1.weight }
        return Array(result.prefix(limit))
    }

    /// The heaviest entries, heaviest first (ties by term).
    public func top(_ count: Int) -> [Entry] {
        entries.leaders(count) { $0.weight != $1.weight ? $0.weight > $1.weight : $0.term < $1.term }
    }
}
