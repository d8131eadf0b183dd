import Foundation
import WirewatchCore

/// Sentences and content words of short texts (article leads), for choosing summary sentences.
/// Cheap on purpose: a digest reads the leads of hundreds of thousands of articles.
enum Sentences {
    /// Words after which a full stop does not end a sentence.
    static let abbreviations: Set<String> = [
        "dr", "mr", "mrs", "ms", "prof", "st", "nr", "no", "bzw", "ca", "vgl", "etc", "inc", "ltd", "jr", "sr", "vs",
        "gen", "col", "lt", "sen", "rep", "gov", "abs", "art", "bd", "hr", "fr", "mio", "mrd", "jan", "feb", "mar", "apr",
        "jun", "jul", "aug", "sep", "sept", "oct", "okt", "nov", "dec", "dez",
    ]

    /// The complete sentences of a text (a last one cut off without its full stop is dropped).
    static func split(_ text: String) -> [String] {
        var sentences: [String] = []
        var current = ""
        var word = ""
        let characters = Array(text)
        var index = 0
        func finish() {
            let trimmed = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.count >= 20 { sentences.append(trimmed) }
            current = ""
        }
        while index < characters.count {
            let character = characters[index]
            if character == "\n" {
                if index + 1 < characters.count, characters[index + 1] == "\n" {
                    finish()
                    word = ""
                    index += 1
                    continue
                }
            }
            current.append(character)
            if character == "." || character == "!" || character == "?" {
                // Closing quotes and brackets stay with the sentence.
                while index + 1 < characters.count, "\"'»«“”‘’)".contains(characters[index + 1]) {
                    index += 1
                    current.append(characters[index])
                }
                let next = index + 1 < characters.count ? characters[index + 1] : " "
                let after = index + 2 < characters.count ? characters[index + 2] : "A"
                let lower = word.lowercased()
                let isAbbreviation =
                    character == "."
                    && (abbreviations.contains(lower) || word.count == 1 || (!word.isEmpty && word.allSatisfy(\.isNumber)))
                if next.isWhitespace && !isAbbreviation && (after.isUppercase || after.isNumber || "\"»„“‘(".contains(after)) {
                    finish()
                }
                word = ""
            } else if character.isLetter || character.isNumber {
                word.append(character)
            } else {
                word = ""
            }
            index += 1
        }
        // What is left ends a sentence only with its own full stop.
        let rest = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if let last = rest.last, ".!?\"»“”".contains(last), rest.count >= 20 { sentences.append(rest) }
        return sentences
    }

    static let stopWords = Set(StopWords.english + StopWords.german)

    /// The content words of a text: lowercase, three letters or more, no stopwords.
    static func words(_ text: String) -> Set<String> {
        var result = Set<String>()
        var word = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                word.append(character)
            } else {
                if word.count >= 3 && !stopWords.contains(word) { result.insert(word) }
                word = ""
            }
        }
        if word.count >= 3 && !stopWords.contains(word) { result.insert(word) }
        return result
    }

    /// How alike two word sets are (Jaccard).
    static func overlap(_ a: Set<String>, _ b: Set<String>) -> Double {
        guard !a.isEmpty || !b.isEmpty else { return 1 }
        return Double(a.intersection(b).count) / Double(a.union(b).count)
    }
}
