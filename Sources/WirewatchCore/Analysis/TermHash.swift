/// 64-bit hashes of terms and sequences: FNV-1a over the bytes, finished with a strong mixer so
/// that every bit is usable (MinHash bins, sketch rows and LSH bands take different bits).
///
/// Terms are identified by their hash everywhere in the engine; the chance that two of a million
/// distinct terms share one is about 3 in 10^8.
public enum TermHash {
    static let offset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x100_0000_01b3

    /// The murmur3 finaliser: spreads every input bit over the whole word.
    @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x &*= 0xff51_afd7_ed55_8ccd
        x ^= x >> 33
        x &*= 0xc4ce_b9fe_1a85_ec53
        x ^= x >> 33
        return x
    }

    /// The hash of some bytes, tagged with the feature space they belong to (so `2024` the number
    /// and `2024` a stem never collide).
    @inline(__always)
    public static func hash(_ bytes: UnsafeBufferPointer<UInt8>, space: UInt8) -> UInt64 {
        var hash = offset ^ UInt64(space)
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* prime }
        return mix(hash)
    }

    public static func hash(_ text: String, space: UInt8) -> UInt64 {
        var text = text
        return text.withUTF8 { hash($0, space: space) }
    }

    /// Combines two hashes in order (for shingles and sentence keys).
    @inline(__always)
    public static func combine(_ seed: UInt64, _ value: UInt64) -> UInt64 {
        mix(seed &* 0x9e37_79b9_7f4a_7c15 ^ value)
    }
}
