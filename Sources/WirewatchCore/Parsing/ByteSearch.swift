/// Substring search on bytes: the `String.contains` of the standard library walks grapheme
/// clusters and is far too slow for the hot paths of parsing.
enum ByteSearch {
    /// Whether `needle` occurs in `haystack`.
    static func contains(_ haystack: some RandomAccessCollection<UInt8>, _ needle: [UInt8]) -> Bool {
        firstIndex(haystack, needle) != nil
    }

    static func firstIndex<C: RandomAccessCollection<UInt8>>(_ haystack: C, _ needle: [UInt8]) -> C.Index? {
        guard let first = needle.first, haystack.count >= needle.count else { return needle.isEmpty ? haystack.startIndex : nil }
        var index = haystack.startIndex
        let last = haystack.index(haystack.endIndex, offsetBy: -needle.count)
        while index <= last {
            if haystack[index] == first {
                var matched = true
                var inner = haystack.index(after: index)
                for byte in needle.dropFirst() {
                    if haystack[inner] != byte {
                        matched = false
                        break
                    }
                    inner = haystack.index(after: inner)
                }
                if matched { return index }
            }
            index = haystack.index(after: index)
        }
        return nil
    }

    /// ASCII letters lowercased; other bytes unchanged.
    static func asciiLowercased(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
    }
}
