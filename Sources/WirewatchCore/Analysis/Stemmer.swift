import CStemmer

/// A Snowball stemmer from libstemmer, for one language.
///
/// Not thread-safe (libstemmer keeps its working buffer in the stemmer): each analyzer owns its
/// own. A cache of recent words makes the common case a dictionary lookup.
final class Stemmer {
    private let stemmer: OpaquePointer
    private var cache: [UInt64: UInt64] = [:]
    private let space: UInt8
    static let cacheLimit = 200_000

    /// A stemmer for `language` (`de`, `en`), or nil when libstemmer has none.
    init?(language: String, space: UInt8) {
        let algorithm: String
        switch language {
        case "de": algorithm = "german"
        case "en": algorithm = "english"
        default: return nil
        }
        guard let stemmer = sb_stemmer_new(algorithm, "UTF_8") else { return nil }
        self.stemmer = stemmer
        self.space = space
    }

    deinit {
        sb_stemmer_delete(stemmer)
    }

    /// The hash (in this stemmer's space) of the stem of a lowercased word; `key` is the word's
    /// own hash, used for the cache.
    func stemHash(_ word: UnsafeBufferPointer<UInt8>, key: UInt64) -> UInt64 {
        if let cached = cache[key] { return cached }
        let result = stem(word) { TermHash.hash($0, space: space) }
        if cache.count >= Self.cacheLimit { cache.removeAll(keepingCapacity: true) }
        cache[key] = result
        return result
    }

    /// Runs `body` on the stem of a lowercased word.
    func stem<Result>(_ word: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        guard let base = word.baseAddress, word.count > 0,
            let stemmed = sb_stemmer_stem(stemmer, base, Int32(word.count))
        else { return body(word) }
        return body(UnsafeBufferPointer(start: stemmed, count: Int(sb_stemmer_length(stemmer))))
    }

    /// The stem as text (for evidence and tests).
    func stem(_ word: String) -> String {
        var word = word
        return word.withUTF8 { bytes in stem(bytes) { String(decoding: $0, as: UTF8.self) } }
    }
}
