/// B-cubed precision, recall and F1 of a clustering against gold labels (Bagga & Baldwin 1998):
/// for each item, the share of its predicted cluster that is in its gold cluster (precision) and
/// the share of its gold cluster that is in its predicted cluster (recall), averaged over items.
public struct BCubed: Sendable, Equatable {
    public var precision: Double
    public var recall: Double
    public var f1: Double { precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0 }

    /// `predicted[i]` and `gold[i]` are the cluster labels of item `i`.
    public init<P: Hashable, G: Hashable>(predicted: [P], gold: [G]) {
        precondition(predicted.count == gold.count, "one label of each kind per item")
        var predictedSizes: [P: Int] = [:]
        var goldSizes: [G: Int] = [:]
        var both: [Pair<P, G>: Int] = [:]
        for index in predicted.indices {
            predictedSizes[predicted[index], default: 0] += 1
            goldSizes[gold[index], default: 0] += 1
            both[Pair(first: predicted[index], second: gold[index]), default: 0] += 1
        }
        var precision = 0.0
        var recall = 0.0
        for index in predicted.indices {
            let shared = Double(both[Pair(first: predicted[index], second: gold[index])]!)
            precision += shared / Double(predictedSizes[predicted[index]]!)
            recall += shared / Double(goldSizes[gold[index]]!)
        }
        let count = Double(max(1, predicted.count))
        self.precision = precision / count
        self.recall = recall / count
    }

    private struct Pair<A: Hashable, B: Hashable>: Hashable {
        var first: A
        var second: B
    }
}

/// Pearson's correlation coefficient of two equally long series (0 when either is constant).
public func pearson(_ x: [Double], _ y: [Double]) -> Double {
    precondition(x.count == y.count, "two series of one length")
    guard x.count > 1 else { return 0 }
    let n = Double(x.count)
    let meanX = x.reduce(0, +) / n
    let meanY = y.reduce(0, +) / n
    var covariance = 0.0
    var varianceX = 0.0
    var varianceY = 0.0
    for index in x.indices {
        let dx = x[index] - meanX
        let dy = y[index] - meanY
        covariance += dx * dy
        varianceX += dx * dx
        varianceY += dy * dy
    }
    guard varianceX > 0, varianceY > 0 else { return 0 }
    return covariance / (varianceX * varianceY).squareRoot()
}

/// A small deterministic random number generator (SplitMix64), for shuffles that every run and
/// every machine repeat exactly.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
