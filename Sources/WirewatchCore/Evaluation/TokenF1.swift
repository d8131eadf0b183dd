/// Token overlap between an extracted text and a gold text, as extraction benchmarks report it:
/// both are split into lowercase word tokens and compared as bags (multisets).
public struct TokenOverlap: Sendable, Equatable {
    public var precision: Double
    public var recall: Double

    public var f1: Double { precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall) }

    public init(extracted: String, gold: String) {
        let predicted = Self.bag(extracted)
        let truth = Self.bag(gold)
        let predictedCount = predicted.values.reduce(0, +)
        let truthCount = truth.values.reduce(0, +)
        var common = 0
        for (token, count) in predicted { common += min(count, truth[token] ?? 0) }
        precision = predictedCount == 0 ? (truthCount == 0 ? 1 : 0) : Double(common) / Double(predictedCount)
        recall = truthCount == 0 ? 1 : Double(common) / Double(truthCount)
    }

    /// Words: runs of letters and digits, lowercased.
    static func bag(_ text: String) -> [String: Int] {
        var bag: [String: Int] = [:]
        var token = ""
        for character in text {
            if character.isLetter || character.isNumber {
                token.append(contentsOf: character.lowercased())
            } else if !token.isEmpty {
                bag[token, default: 0] += 1
                token = ""
            }
        }
        if !token.isEmpty { bag[token, default: 0] += 1 }
        return bag
    }
}
