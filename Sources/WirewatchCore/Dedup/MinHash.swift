/// A MinHash signature by one-permutation hashing with optimal densification (Shrivastava, ICML
/// 2017): each shingle's hash is hashed once, its top bits choose one of ``count`` bins and its
/// low bits compete for that bin's minimum; empty bins borrow from a bin chosen by a fixed random
/// walk. The fraction of equal bins estimates the Jaccard similarity of the two shingle sets,
/// at the cost of one hash per shingle instead of one per shingle and permutation.
public struct MinHashSignature: Sendable, Equatable {
    public static let count = 128
    static let binShift: UInt64 = 57  // 2^7 = 128 bins
    static let empty = UInt32.max

    public var values: [UInt32]

    public init(values: [UInt32]) {
        self.values = values
    }

    /// The signature of a set of shingle hashes (duplicates do no harm).
    public init(shingles: some Sequence<UInt64>) {
        var values = [UInt32](repeating: Self.empty, count: Self.count)
        var filled = 0
        for shingle in shingles {
            let hash = TermHash.mix(shingle ^ 0x5851_f42d_4c95_7f2d)
            let bin = Int(hash >> Self.binShift)
            // Keep the value below `empty` so that an empty bin is never a real value.
            let value = UInt32(truncatingIfNeeded: hash) & 0xFFFF_FFFE
            if values[bin] == Self.empty { filled += 1 }
            if value < values[bin] { values[bin] = value }
        }
        if filled > 0 && filled < Self.count {
            let original = values
            for bin in 0..<Self.count where original[bin] == Self.empty {
                // Probe bins in an order fixed by the empty bin's index until a filled one is hit.
                var attempt: UInt64 = 1
                while true {
                    let probe = Int(TermHash.mix(UInt64(bin) &* 0x9e37_79b9 &+ attempt) >> Self.binShift)
                    if original[probe] != Self.empty {
                        values[bin] = original[probe]
                        break
                    }
                    attempt += 1
                }
            }
        }
        self.values = values
    }

    /// No shingles at all (an empty body).
    public var isEmpty: Bool { values.first == Self.empty }

    /// The estimated Jaccard similarity of the two shingle sets.
    public func jaccard(_ other: MinHashSignature) -> Double {
        guard !isEmpty, !other.isEmpty else { return 0 }
        var equal = 0
        for index in 0..<Self.count where values[index] == other.values[index] { equal += 1 }
        return Double(equal) / Double(Self.count)
    }

    /// The estimated share of this set's shingles that `other` holds too, from the Jaccard
    /// estimate and the sizes: |A∩B| = J(|A|+|B|)/(1+J).
    public static func containment(jaccard: Double, size: Int, otherSize: Int) -> Double {
        guard size > 0 else { return 0 }
        let intersection = jaccard * Double(size + otherSize) / (1 + jaccard)
        return min(1, intersection / Double(size))
    }

    /// The key of LSH band `band` (``bandRows`` values each).
    func bandKey(_ band: Int, rows: Int) -> UInt64 {
        var key = UInt64(band) &* 0x9e37_79b9_7f4a_7c15
        for row in 0..<rows { key = TermHash.combine(key, UInt64(values[band * rows + row])) }
        return key
    }
}
