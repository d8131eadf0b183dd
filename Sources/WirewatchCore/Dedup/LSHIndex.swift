/// Locality-sensitive hashing over MinHash signatures: 32 bands of 4 values each. Two texts land
/// in a common band with probability 1 − (1 − J⁴)³², where J is their Jaccard similarity: 0.87
/// at J = 0.5, 0.99 at J = 0.6, 0.23 at J = 0.3. Candidates are checked against the threshold
/// afterwards, so this only decides what is looked at.
public struct LSHIndex {
    static let bands = 32
    static let rows = MinHashSignature.count / bands
    private var postings = CompactMultimap(capacity: 1024)

    public init() {}

    /// Entries stored, live or not.
    var count: Int { postings.count }

    public mutating func insert(_ signature: MinHashSignature, slot: UInt32) {
        guard !signature.isEmpty else { return }
        postings.insert(contentsOf: (0..<Self.bands).map { signature.bandKey($0, rows: Self.rows) }, slot)
    }

    /// Slots sharing at least one band with the signature (at most `limit`).
    public func candidates(_ signature: MinHashSignature, limit: Int = 512, into found: inout Set<UInt32>) {
        guard !signature.isEmpty else { return }
        let keys = (0..<Self.bands).map { signature.bandKey($0, rows: Self.rows) }
        let occupied = postings.mayHoldValues(keys)
        for (key, occupied) in zip(keys, occupied) where occupied {
            postings.forEach(key) { slot in
                found.insert(slot)
                return found.count < limit
            }
            if found.count >= limit { return }
        }
    }

    mutating func rebuild(keeping isLive: (UInt32) -> Bool) {
        postings.rebuild(keeping: isLive)
    }
}
