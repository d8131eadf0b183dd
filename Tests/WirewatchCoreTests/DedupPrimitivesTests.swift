import Testing
@testable import WirewatchCore

struct MinHashTests {
    static func shingles(_ range: Range<Int>) -> [UInt64] { range.map { TermHash.mix(UInt64($0)) } }

    @Test func identicalSetsHaveSimilarityOne() {
        let a = MinHashSignature(shingles: Self.shingles(0..<200))
        #expect(a.jaccard(MinHashSignature(shingles: Self.shingles(0..<200).reversed())) == 1)
    }

    @Test(arguments: [(0.2, 0), (0.5, 0), (0.8, 0)])
    func theEstimateIsCloseToTheTrueJaccardSimilarity(_ target: Double, _ unused: Int) {
        // Two sets of 1000 shingles sharing a given number.
        let shared = Int((2000 * target / (1 + target)).rounded())
        let a = MinHashSignature(shingles: Self.shingles(0..<1000))
        let b = MinHashSignature(shingles: Self.shingles((1000 - shared)..<(2000 - shared)))
        let truth = Double(shared) / Double(2000 - shared)
        #expect(abs(a.jaccard(b) - truth) < 0.12, "estimate \(a.jaccard(b)) for \(truth)")
    }

    @Test func disjointSetsHaveLowSimilarity() {
        let a = MinHashSignature(shingles: Self.shingles(0..<300))
        let b = MinHashSignature(shingles: Self.shingles(1000..<1300))
        #expect(a.jaccard(b) < 0.05)
    }

    @Test func aSmallSetStillFillsEveryBin() {
        let signature = MinHashSignature(shingles: Self.shingles(0..<3))
        #expect(!signature.isEmpty)
        #expect(!signature.values.contains(UInt32.max))
    }

    @Test func anEmptySetIsEmptyAndSimilarToNothing() {
        let empty = MinHashSignature(shingles: [UInt64]())
        #expect(empty.isEmpty)
        #expect(empty.jaccard(empty) == 0)
    }

    @Test func containmentFollowsFromJaccardAndSizes() {
        // A holds 100, B holds the same 100 and 100 more: J = 0.5, A is wholly contained in B.
        #expect(abs(MinHashSignature.containment(jaccard: 0.5, size: 100, otherSize: 200) - 1) < 1e-9)
        #expect(MinHashSignature.containment(jaccard: 0, size: 100, otherSize: 200) == 0)
    }
}

struct TermStatisticsTests {
    @Test func documentFrequenciesAreCounted() {
        var statistics = TermStatistics(widthBits: 16)
        statistics.add(distinct: [1, 2, 3].map { TermHash.mix($0) })
        statistics.add(distinct: [2, 3].map { TermHash.mix($0) })
        statistics.add(distinct: [3].map { TermHash.mix($0) })
        #expect(statistics.documents == 3)
        #expect([1, 2, 3, 4].map { statistics.documentFrequency(TermHash.mix($0)) } == [1, 2, 3, 0])
    }

    @Test func rarerTermsWeighMore() {
        var statistics = TermStatistics(widthBits: 16)
        for index in 0..<50 { statistics.add(distinct: [TermHash.mix(1), TermHash.mix(UInt64(100 + index))]) }
        #expect(statistics.idf(TermHash.mix(100)) > statistics.idf(TermHash.mix(1)))
        #expect(statistics.idf(TermHash.mix(999)) > statistics.idf(TermHash.mix(100)))
    }

    @Test func aSnapshotRestoresTheSameStatistics() {
        var statistics = TermStatistics(widthBits: 12)
        for index in 0..<100 { statistics.add(distinct: (0..<index % 7).map { TermHash.mix(UInt64($0)) }) }
        let restored = TermStatistics(snapshot: statistics.snapshot())
        #expect(restored == statistics)
    }

    @Test func bytesThatAreNoSnapshotAreRefused() {
        #expect(TermStatistics(snapshot: []) == nil)
        #expect(TermStatistics(snapshot: [UInt8](repeating: 7, count: 100)) == nil)
    }

    @Test func noTermIsCountedBelowItsFrequencyWhenTheTermsOfOneArticleShareCells() {
        // 64 cells per row and 40 terms an article: terms of one article share cells all the time.
        var statistics = TermStatistics(widthBits: 6)
        var random = SplitMix64(seed: 3)
        var truth: [UInt64: Int] = [:]
        for _ in 0..<500 {
            let terms = Set((0..<40).map { _ in TermHash.mix(random.next() % 300) })
            statistics.add(distinct: terms)
            for term in terms { truth[term, default: 0] += 1 }
        }
        let undercounted = truth.filter { statistics.documentFrequency($0.key) < $0.value }
        #expect(undercounted.isEmpty, "\(undercounted.count) terms counted below their frequency")
        #expect(truth.keys.allSatisfy { statistics.documentFrequency($0) <= 500 })
    }

    @Test func manyDistinctTermsKeepRareFrequenciesNearlyExact() {
        var statistics = TermStatistics()
        for document in 0..<20_000 {
            statistics.add(distinct: (0..<30).map { TermHash.mix(UInt64(document * 30 + $0)) })
        }
        var overestimated = 0
        for term in 0..<10_000 where statistics.documentFrequency(TermHash.mix(UInt64(term))) != 1 { overestimated += 1 }
        // 600,000 distinct terms in 2^20 cells per row: a few rare terms are counted twice.
        #expect(overestimated < 300, "\(overestimated) of 10000 rare terms over-counted")
    }
}

struct SparseVectorTests {
    static func vector(_ pairs: [(UInt32, Float)]) -> SparseVector {
        SparseVector(sorted: pairs.sorted { $0.0 < $1.0 }.map { SparseVector.Entry(term: $0.0, weight: $0.1) })
    }

    @Test func cosineOfAVectorWithItselfIsOne() {
        let a = Self.vector([(1, 2), (5, 1), (9, 3)])
        #expect(abs(a.cosine(a) - 1) < 1e-6)
        #expect(a.cosine(Self.vector([(2, 1)])) == 0)
        #expect(a.cosine(SparseVector()) == 0)
    }

    @Test func theDotProductMergesSharedTerms() {
        #expect(Self.vector([(1, 2), (3, 4)]).dot(Self.vector([(3, 0.5), (7, 9)])) == 2)
    }

    @Test func addingTrimsToTheHeaviestEntriesOnceHalfTheLimitAgainHasGathered() {
        var a = Self.vector([(1, 1), (2, 5), (3, 2)])
        a.add(Self.vector([(2, 1), (4, 4), (5, 0.5)]), limit: 4)
        #expect(a.entries.map(\.term) == [1, 2, 3, 4, 5])  // 5 ≤ 1.5 × 4: nothing trimmed yet
        a.add(Self.vector([(6, 3), (7, 0.1)]), limit: 4)
        #expect(a.entries.map(\.term) == [2, 3, 4, 6])
        #expect(a.entries.map(\.weight) == [6, 2, 4, 3])
    }

    @Test func sharedEntriesComeHeaviestFirst() {
        let shared = Self.vector([(1, 1), (2, 5), (3, 2)]).shared(with: Self.vector([(1, 9), (3, 1)]), limit: 5)
        #expect(shared.map(\.term) == [1, 3])
    }
}

struct PostingTableTests {
    @Test func valuesComeBackNewestFirstPerKey() {
        var table = PostingTable(capacity: 4)
        for value in 0..<100 { table.insert(UInt64(value % 3), UInt32(value)) }
        var seen: [UInt32] = []
        table.forEach(1) { seen.append($0); return true }
        #expect(seen == Array(stride(from: 97, through: 1, by: -3)).map(UInt32.init))
    }

    @Test func iterationStopsWhenAsked() {
        var table = PostingTable()
        for value in 0..<10 { table.insert(42, UInt32(value)) }
        var count = 0
        table.forEach(42) { _ in count += 1; return count < 3 }
        #expect(count == 3)
    }

    @Test func onlyTheNewestValuesUpToTheCapAreKeptPerKey() {
        var table = PostingTable(cap: 8)
        for value in 0..<20 { table.insert(5, UInt32(value)) }
        for value in 100..<103 { table.insert(6, UInt32(value)) }
        var seen: [UInt32] = []
        table.forEach(5) { seen.append($0); return true }
        #expect(seen == Array((12..<20).reversed()).map(UInt32.init))
        seen = []
        table.forEach(6) { seen.append($0); return true }
        #expect(seen == [102, 101, 100])
        table.rebuild { $0 % 2 == 0 }
        seen = []
        table.forEach(5) { seen.append($0); return true }
        #expect(seen == [18, 16, 14, 12])
        table.insert(5, 40)
        seen = []
        table.forEach(5) { seen.append($0); return true }
        #expect(seen == [40, 18, 16, 14, 12])
    }

    @Test func manyKeysSurviveGrowthWithTheirValues() {
        var table = PostingTable(capacity: 4)
        for key in 0..<5000 { for value in 0..<(key % 5) { table.insert(UInt64(key) &* 0x9E37_79B9_7F4A_7C15, UInt32(key * 10 + value)) } }
        for key in stride(from: 0, to: 5000, by: 97) {
            var seen: [UInt32] = []
            table.forEach(UInt64(key) &* 0x9E37_79B9_7F4A_7C15) { seen.append($0); return true }
            #expect(seen == (0..<(key % 5)).reversed().map { UInt32(key * 10 + $0) })
        }
    }

    @Test func rebuildingDropsWhatIsNoLongerLive() {
        var table = PostingTable()
        for value in 0..<1000 { table.insert(UInt64(value % 10), UInt32(value)) }
        table.rebuild { $0 >= 900 }
        #expect(table.count == 100)
        var seen: [UInt32] = []
        table.forEach(7) { seen.append($0); return true }
        #expect(seen == Array(stride(from: 997, through: 907, by: -10)).map(UInt32.init))
    }
}

struct TimeSpanTests {
    @Test func aMonthDateCoversTheWholeMonth() {
        let june = TimeSpan(PublishedDate(year: 2024, month: 6, precision: .month))
        let day = TimeSpan(PublishedDate(year: 2024, month: 6, day: 30, hour: 12, utcOffsetMinutes: 0, precision: .minute))
        #expect(june.distance(to: day) == 0)
        let july = TimeSpan(PublishedDate(year: 2024, month: 7, day: 3, utcOffsetMinutes: 0, precision: .day))
        #expect(june.distance(to: july) > 86_400)
    }

    @Test func theTimeFactorIsOneWithinTheWindowAndFallsOffBeyond() {
        let configuration = DedupConfiguration()
        #expect(configuration.timeFactor(distance: 3600) == 1)
        #expect(configuration.timeFactor(distance: configuration.window) == 1)
        #expect(abs(configuration.timeFactor(distance: 16 * configuration.window) - 0.5) < 1e-9)
        // A follow-up two weeks after the event that plainly tells the same story can still join
        // it; two stories of one kind three months apart cannot.
        let day = 86_400.0
        #expect(0.5 * configuration.timeFactor(distance: 14 * day) >= configuration.eventSimilarity)
        #expect(0.35 * configuration.timeFactor(distance: 90 * day) < configuration.eventSimilarity * 0.6)
    }
}

struct CompactMultimapTests {
    static func values(_ table: CompactMultimap, _ key: UInt64) -> Set<UInt32> {
        var found = Set<UInt32>()
        table.forEach(key) { found.insert($0); return true }
        return found
    }

    @Test func everyValueIsFoundUnderItsKeyAfterGrowing() {
        var table = CompactMultimap(capacity: 8)
        for value in 0..<20_000 { table.insert(UInt64(value % 997) &* 0x9E37_79B9_7F4A_7C15, UInt32(value)) }
        #expect(table.count == 20_000)
        for key in [0, 1, 500, 996] {
            #expect(Self.values(table, UInt64(key) &* 0x9E37_79B9_7F4A_7C15) == Set(stride(from: key, to: 20_000, by: 997).map(UInt32.init)))
        }
    }

    @Test func compactingInPlaceKeepsEveryLiveValueFindable() {
        var table = CompactMultimap(capacity: 30_000)
        // Keys that collide into long runs, and values dropped from all over them.
        for value in 0..<20_000 { table.insert(UInt64(value % 3001) &* 0xD6E8_FEB8_6659_FD93, UInt32(value)) }
        table.rebuild { $0 % 3 != 0 }
        #expect(table.count == 20_000 - 6667)
        for key in 0..<3001 {
            let expected = Set(stride(from: key, to: 20_000, by: 3001).filter { $0 % 3 != 0 }.map(UInt32.init))
            #expect(Self.values(table, UInt64(key) &* 0xD6E8_FEB8_6659_FD93) == expected)
        }
        table.insert(42 &* 0xD6E8_FEB8_6659_FD93, 99_999)
        #expect(Self.values(table, 42 &* 0xD6E8_FEB8_6659_FD93).contains(99_999))
    }

    @Test func aBatchOfKeysThatShareProbeStartsIsStoredWhole() {
        var table = CompactMultimap(capacity: 8)
        // Batches of 40 keys from only 30 distinct ones (repeats within a batch), growing the table.
        for value in 0..<500 {
            table.insert(contentsOf: (0..<40).map { UInt64(($0 * 7 + value) % 30) &* 0x9E37_79B9_7F4A_7C15 }, UInt32(value))
        }
        #expect(table.count == 500 * 40)
        for key in 0..<30 {
            var found: [UInt32] = []
            table.forEach(UInt64(key) &* 0x9E37_79B9_7F4A_7C15) { found.append($0); return true }
            // Each batch stores its value once or twice under each key.
            #expect(Set(found) == Set(0..<500))
            #expect(found.count > 500)
        }
    }

    @Test func aKeyWhoseProbeStartsAtAnEmptySlotHoldsNothing() {
        var table = CompactMultimap(capacity: 100_000)
        let stored = (0..<50).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
        table.insert(contentsOf: stored, 7)
        #expect(table.mayHoldValues(stored).allSatisfy { $0 })
        let others = (1000..<1200).map { UInt64($0) &* 0x9E37_79B9_7F4A_7C15 }
        for (key, mayHold) in zip(others, table.mayHoldValues(others)) where !mayHold {
            #expect(Self.values(table, key).isEmpty)
        }
        // In a table a thousandth full, almost every other key starts at an empty slot.
        #expect(table.mayHoldValues(others).filter { $0 }.count < 10)
    }
}

struct BloomFilterTests {
    @Test func everythingAddedIsFoundAndAboutOneInAHundredOthersIsAFalseMaybe() {
        var filter = BloomFilter(capacity: 1000)
        var random = SplitMix64(seed: 11)
        let added = (0..<20_000).map { _ in random.next() }
        for hash in added { filter.insert(hash) }
        #expect(filter.count == 20_000)
        #expect(added.allSatisfy(filter.mightContain))
        let falseMaybes = (0..<100_000).filter { _ in filter.mightContain(random.next()) }.count
        // Layers of 1,000 to 16,000 hashes at ten bits each: a few percent in all, never most.
        #expect(falseMaybes < 5_000)
    }
}

struct CandidateScoresTests {
    @Test func theTopCandidatesAreThoseAFullSortWouldRankFirst() {
        var random = SplitMix64(seed: 11)
        var scores = CandidateScores(capacity: 16)
        var sums: [UInt32: Float] = [:]
        for _ in 0..<3000 {
            let key = UInt32(random.next() % 700)
            // Weights in steps, so that ties happen and are broken by the smaller key.
            let weight = Float(random.next() % 4 + 1) / 4
            scores.add(key, weight)
            sums[key, default: 0] += weight
        }
        let expected = sums.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(12)
        let top = scores.top(12)
        #expect(top.map(\.key) == expected.map(\.key))
        #expect(top.map(\.sum) == expected.map(\.value))
    }

    @Test func fewerCandidatesThanAskedForAreAllReturnedAndAResetEmptiesTheTable() {
        var scores = CandidateScores()
        scores.add(7, 0.5)
        scores.add(3, 1)
        scores.add(7, 1)
        #expect(scores.top(12).map(\.key) == [7, 3])
        #expect(scores.top(0).isEmpty)
        scores.reset()
        #expect(scores.top(12).isEmpty)
    }
}
