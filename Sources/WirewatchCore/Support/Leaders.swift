extension Sequence {
    /// The first `count` elements in the order `before` defines (of equal ones, the earlier), in
    /// one pass that holds only those: a few out of many without sorting them all.
    func leaders(_ count: Int, by before: (Element, Element) -> Bool) -> [Element] {
        var leaders: [Element] = []
        guard count > 0 else { return leaders }
        leaders.reserveCapacity(count + 1)
        for element in self {
            if leaders.count == count, !before(element, leaders[count - 1]) { continue }
            var position = leaders.count
            while position > 0 && before(element, leaders[position - 1]) { position -= 1 }
            leaders.insert(element, at: position)
            if leaders.count > count { leaders.removeLast() }
        }
        return leaders
    }
}
