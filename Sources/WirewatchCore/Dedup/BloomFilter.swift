/// A set of 64-bit hashes that answers "no" or "maybe" in about ten bits per hash, growing with
/// what is added (a new layer twice the size of the last whenever the last is full), with false
/// "maybe"s for about one hash in a hundred.
///
/// The engine keeps the body keys of every stored article here, so that a new article, whose body
/// is almost always new, is checked against the whole store without a database lookup.
public struct BloomFilter: Sendable {
    struct Layer: Sendable {
        var words: [UInt64]
        var mask: UInt64
        var capacity: Int
        var count = 0

        init(capacity: Int) {
            var bits = 64
            while bits < capacity * BloomFilter.bitsPerHash { bits <<= 1 }
            words = [UInt64](repeating: 0, count: bits / 64)
            mask = UInt64(bits - 1)
            self.capacity = capacity
        }
    }

    static let bitsPerHash = 10
    static let probes = 7
    private var layers: [Layer]

    public init(capacity: Int = 1 << 16) {
        layers = [Layer(capacity: max(1024, capacity))]
    }

    /// Hashes added.
    public var count: Int { layers.reduce(0) { $0 + $1.count } }

    public mutating func insert(_ hash: UInt64) {
        if layers[layers.count - 1].count >= layers[layers.count - 1].capacity {
            layers.append(Layer(capacity: layers[layers.count - 1].capacity * 2))
        }
        let last = layers.count - 1
        let step = TermHash.mix(hash) | 1
        var position = hash
        for _ in 0..<Self.probes {
            let bit = position & layers[last].mask
            layers[last].words[Int(bit >> 6)] |= 1 << (bit & 63)
            position &+= step
        }
        layers[last].count += 1
    }

    /// False when the hash was never added; true when it was, and now and then when it was not.
    public func mightContain(_ hash: UInt64) -> Bool {
        let step = TermHash.mix(hash) | 1
        layers: for layer in layers {
            var position = hash
            for _ in 0..<Self.probes {
                let bit = position & layer.mask
                if layer.words[Int(bit >> 6)] & (1 << (bit & 63)) == 0 { continue layers }
                position &+= step
            }
            return true
        }
        return false
    }
}
