/// Tells German from English (and from neither) by the share of each language's most frequent
/// function words: cheap, robust on news text, and needs no model.
public enum LanguageDetector {
    static let german: Set<String> = [
        "der", "die", "und", "in", "den", "von", "zu", "das", "mit", "sich", "des", "auf", "für", "ist", "im", "dem",
        "nicht", "ein", "eine", "als", "auch", "es", "an", "werden", "aus", "er", "hat", "dass", "sie", "nach", "wird",
        "bei", "einer", "um", "am", "sind", "noch", "wie", "einem", "über", "einen", "so", "zum", "war", "haben", "nur",
        "oder", "aber", "vor", "zur", "bis", "mehr", "durch", "man", "sein", "wurde", "sei", "hatte", "kann", "gegen",
        "vom", "schon", "wenn", "habe", "seine", "ihre", "dann", "unter", "wir", "soll", "ich", "eines", "jahr", "zwei",
        "sagte", "seit", "wurden", "beim", "damit", "zwischen", "sowie", "nun", "nach",
    ]
    static let english: Set<String> = [
        "the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on", "not",
        "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had", "they", "you", "were",
        "their", "one", "all", "we", "can", "her", "has", "there", "been", "if", "more", "when", "will", "would", "who",
        "so", "no", "said", "its", "after", "than", "also", "new", "about", "over", "into", "other", "some", "could",
        "them", "what", "only", "these", "two", "may", "first", "then", "do", "any", "like", "my", "now", "such",
    ]

    static let germanHashes = HashSet64(german.map(ByteWords.hash))
    static let englishHashes = HashSet64(english.map(ByteWords.hash))

    /// `de`, `en`, `other` (a language with too few German or English function words), or nil when
    /// the text is too short to tell.
    public static func detect(_ text: String, sampleWords: Int = 100) -> String? {
        detect(paragraphs: [text], sampleWords: sampleWords)
    }

    /// The same over the first paragraphs of a text, read in place.
    public static func detect(paragraphs: some Sequence<String>, sampleWords: Int = 100) -> String? {
        var germanHits = 0
        var englishHits = 0
        var words = 0
        for paragraph in paragraphs {
            ByteWords.withBytes(of: paragraph) { bytes in
                ByteWords.forEach(in: bytes) { word in
                    words += 1
                    let hash = ByteWords.hash(lowercasing: word.bytes)
                    if germanHashes.contains(hash) { germanHits += 1 }
                    if englishHashes.contains(hash) { englishHits += 1 }
                    return words < sampleWords
                }
            }
            if words >= sampleWords { break }
        }
        guard words >= 5 else { return nil }
        let best = max(germanHits, englishHits)
        // Function words make up a quarter to a half of running text in either language.
        guard Double(best) >= Double(words) * 0.12 else { return "other" }
        return germanHits >= englishHits ? "de" : "en"
    }
}
