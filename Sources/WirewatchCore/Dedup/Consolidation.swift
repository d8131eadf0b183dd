/// A change consolidation made to the events: reports that turned out to be another event's,
/// or two events that turned out to be one.
public enum EventChange: Sendable, Equatable {
    /// These original articles (and their copies) left `event` for the new event `into`.
    case split(event: Int64, into: Int64, articles: [Int64])
    /// `event` was merged into `into`, which holds its articles now.
    case merge(event: Int64, into: Int64)
}

/// How consolidation groups reports: by average linkage over their neighbourhoods in the
/// ``NeighbourGraph`` (second-order similarity), which separates two events of one kind where
/// the similarity of their texts does not.
///
/// Pure: the same graph and members give the same groups.
enum Consolidation {
    /// The dot product of two neighbourhoods (sorted by id).
    static func dot(_ a: [(id: Int64, weight: Float)], _ b: [(id: Int64, weight: Float)]) -> Float {
        var sum: Float = 0
        var i = 0
        var j = 0
        while i < a.count && j < b.count {
            if a[i].id == b[j].id {
                sum += a[i].weight * b[j].weight
                i += 1
                j += 1
            } else if a[i].id < b[j].id {
                i += 1
            } else {
                j += 1
            }
        }
        return sum
    }

    /// The mean second-order similarity of the reports of `a` to those of `b`.
    static func linkage(_ a: [Int64], _ b: [Int64], in graph: NeighbourGraph) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var sums: [Int64: Float] = [:]
        for member in a {
            for entry in graph.neighbourhood(member) { sums[entry.id, default: 0] += entry.weight }
        }
        var total: Float = 0
        for member in b {
            for entry in graph.neighbourhood(member) { total += entry.weight * (sums[entry.id] ?? 0) }
        }
        return Double(total) / Double(a.count * b.count)
    }

    /// Groups `members` (in the order they joined) by average linkage of their neighbourhoods:
    /// the two most linked groups merge while their mean second-order similarity is at least
    /// `threshold`. The groups come in the order of their first member.
    static func groups(_ members: [Int64], in graph: NeighbourGraph, threshold: Double) -> [[Int64]] {
        let count = members.count
        guard count > 1 else { return [members] }
        let neighbourhoods = members.map { graph.neighbourhood($0) }
        var linkage = [Double](repeating: 0, count: count * count)
        for i in 0..<count {
            for j in (i + 1)..<count {
                let value = Double(dot(neighbourhoods[i], neighbourhoods[j]))
                linkage[i * count + j] = value
                linkage[j * count + i] = value
            }
        }
        var size = [Double](repeating: 1, count: count)
        var active = [Bool](repeating: true, count: count)
        var group = Array(0..<count)
        while true {
            var best = -1.0
            var pair = (0, 0)
            for i in 0..<count where active[i] {
                for j in (i + 1)..<count where active[j] && linkage[i * count + j] > best {
                    best = linkage[i * count + j]
                    pair = (i, j)
                }
            }
            guard best >= threshold else { break }
            let (i, j) = pair
            // Average linkage: the merged group's link to each other group is the size-weighted mean.
            for other in 0..<count where active[other] && other != i && other != j {
                let value = (linkage[i * count + other] * size[i] + linkage[j * count + other] * size[j]) / (size[i] + size[j])
                linkage[i * count + other] = value
                linkage[other * count + i] = value
            }
            size[i] += size[j]
            active[j] = false
            for index in 0..<count where group[index] == j { group[index] = i }
        }
        var order: [Int] = []
        var grouped: [Int: [Int64]] = [:]
        for (index, member) in members.enumerated() {
            if grouped[group[index]] == nil { order.append(group[index]) }
            grouped[group[index], default: []].append(member)
        }
        return order.map { grouped[$0]! }
    }
}
