import Foundation
import Testing
@testable import WirewatchCore

struct EventClusteringTests {
    static let directory = "/" + #filePath.split(separator: "/").dropLast().joined(separator: "/")

    static func fixture(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: directory + "/Fixtures/" + name)))
    }

    static let seedFiles = [
        "000_e7c496c3c614537c.txt", "001_c880a8e2b3970301.txt", "002_3e2959cc9f6ec901.txt", "003_e021fd765f2ce2fb.txt",
        "004_77b36c938f220c04.txt",
    ]

    /// Runs files through a fresh engine in order; returns the decisions.
    static func decide(
        _ articles: [Article], configuration: DedupConfiguration = DedupConfiguration(), engine: DedupEngine? = nil,
        after each: (DedupDecision) -> Void = { _ in }
    ) -> [DedupDecision] {
        let engine = engine ?? DedupEngine(configuration: configuration)
        let analyzer = ArticleAnalyzer()
        return articles.enumerated().map { index, article in
            let decision = engine.add(
                DedupEngine.Input(
                    articleID: Int64(index + 1), profile: analyzer.profile(article), arrival: 1_718_700_000 + Double(index) * 60,
                    source: "source-\(index)", title: article.title, segments: ArticleAnalyzer.segments(of: article)))
            each(decision)
            return decision
        }
    }

    static func seeds() throws -> [Article] { try seedFiles.map(SeedGoldenTests.parse) }

    @Test func theFiveSeedsAreOneEvent() throws {
        let decisions = Self.decide(try Self.seeds())
        #expect(Set(decisions.map(\.eventID)).count == 1, "\(decisions.map { ($0.kind, $0.evidence.similarity?.combined) })")
        #expect(decisions[0].kind == .newEvent)
        #expect(decisions.dropFirst().allSatisfy { $0.kind == .sameEvent })
        let event = decisions.last!.event
        #expect(event.articleCount == 5)
        #expect(event.sourceCount == 5)
        #expect(event.topNames.prefix(5).contains { $0.contains("Putin") }, "\(event.topNames)")
        #expect(event.topNames.contains { $0.contains("Nordkorea") }, "\(event.topNames)")
    }

    @Test func theTimeSpentDecidingStartsAtZeroAndGrowsWithEachArticle() throws {
        let engine = DedupEngine()
        #expect(engine.decidingTime == .zero)
        var previous = Duration.zero
        _ = Self.decide(try Self.seeds(), engine: engine) { _ in
            #expect(engine.decidingTime > previous)
            previous = engine.decidingTime
        }
    }

    @Test func theAgencySentencesThatSeeds002And004ShareAreFound() throws {
        let decisions = Self.decide(try Self.seeds())
        let passages = decisions[4].evidence.sharedPassages.filter { $0.otherArticleID == 3 }
        #expect(passages.count >= 3, "\(passages.map(\.text))")
        #expect(passages.contains { $0.text.contains("Die Reise werde »die bilaterale Zusammenarbeit auf eine höhere Ebene heben«") })
        #expect(passages.contains { $0.text.contains("Vertiefung der Beziehungen zwischen Nordkorea und Russland") })
    }

    @Test func theSameLeadersVisitToAnotherCountryTheNextDayIsAnotherEvent() throws {
        let vietnam = try ["putin-vietnam-1.txt", "putin-vietnam-2.txt"].map {
            try ArticleParser().parse(Self.fixture($0), fileName: $0)
        }
        let decisions = Self.decide(try Self.seeds() + vietnam)
        let korea = Set(decisions.prefix(5).map(\.eventID))
        let trip = Set(decisions.suffix(2).map(\.eventID))
        #expect(korea.count == 1)
        #expect(trip.count == 1, "\(decisions.suffix(2).map { ($0.kind, $0.evidence.similarity?.combined) })")
        #expect(korea.isDisjoint(with: trip))
        // The evidence says how close it came.
        #expect(decisions[5].evidence.closestEventID == korea.first)
    }

    @Test func everyDecisionCarriesItsEvidence() throws {
        let decisions = Self.decide(try Self.seeds())
        for decision in decisions.dropFirst() {
            let similarity = try #require(decision.evidence.similarity)
            #expect(similarity.combined >= DedupConfiguration().eventSimilarity || !decision.evidence.sharedPassages.isEmpty)
            #expect(similarity.content > 0 && similarity.names > 0)
            #expect(decision.evidence.sharedTerms.contains("Putin") || decision.evidence.sharedTerms.contains("Nordkorea"))
            #expect(decision.evidence.candidatesConsidered >= 1)
        }
    }

    @Test func theSameArticlesInTheSameOrderGiveTheSameDecisions() throws {
        let seeds = try Self.seeds()
        #expect(Self.decide(seeds) == Self.decide(seeds))
    }

    @Test func reportsTooFarApartInTimeNeedMoreSimilarity() {
        let configuration = DedupConfiguration()
        let week = SimilarityScores.combine(
            content: 0.4, names: 0.4, numbers: nil, timeDistance: 7 * 86_400, configuration: configuration)
        let sameDay = SimilarityScores.combine(content: 0.4, names: 0.4, numbers: nil, timeDistance: 0, configuration: configuration)
        #expect(abs(sameDay.combined - 0.4) < 1e-9)
        #expect(week.combined < sameDay.combined)
        #expect(week.timeFactor < 1)
    }

    @Test func aFewIncidentalNumbersCountLessThanMany() {
        let configuration = DedupConfiguration()
        func combined(numbersOnEachSide evidence: Int) -> Double {
            SimilarityScores.combine(
                content: 0.4, names: 0.4, numbers: 0, numbersEvidence: evidence, timeDistance: nil,
                configuration: configuration
            ).combined
        }
        // Two numbers on a side do not count: words and names alone decide.
        #expect(abs(combined(numbersOnEachSide: 1) - 0.4) < 1e-9)
        #expect(abs(combined(numbersOnEachSide: 2) - 0.4) < 1e-9)
        // From three they count, a third of their weight; fully from five.
        let third = configuration.numbersWeight / 3
        let wordsAndNames = configuration.contentWeight + configuration.namesWeight
        #expect(abs(combined(numbersOnEachSide: 3) - 0.4 * wordsAndNames / (wordsAndNames + third)) < 1e-9)
        let full = 0.4 * wordsAndNames / (wordsAndNames + configuration.numbersWeight)
        #expect(abs(combined(numbersOnEachSide: 5) - full) < 1e-9)
        #expect(abs(combined(numbersOnEachSide: 12) - full) < 1e-9)
        // The scores say how much of the numbers' weight counted (explain shows it).
        func share(_ evidence: Int, numbers: Double? = 0) -> Double {
            SimilarityScores.combine(
                content: 0.4, names: 0.4, numbers: numbers, numbersEvidence: evidence, timeDistance: nil,
                configuration: configuration
            ).numbersShare
        }
        #expect(share(2) == 0)
        #expect(abs(share(3) - 1.0 / 3) < 1e-9)
        #expect(share(5) == 1)
        #expect(share(5, numbers: nil) == 0)
    }

    @Test func numbersWeighMostByDefault() {
        // Two events of one kind share words and actors; their figures tell them apart.
        let configuration = DedupConfiguration()
        #expect(configuration.numbersWeight > configuration.contentWeight)
        #expect(configuration.numbersWeight > configuration.namesWeight)
        let agreeing = SimilarityScores.combine(
            content: 0.2, names: 0.2, numbers: 0.8, numbersEvidence: 6, timeDistance: nil, configuration: configuration)
        let disagreeing = SimilarityScores.combine(
            content: 0.5, names: 0.5, numbers: 0, numbersEvidence: 6, timeDistance: nil, configuration: configuration)
        #expect(agreeing.combined > disagreeing.combined)
    }

    @Test func articlesBeyondTheHorizonLeaveMemory() throws {
        var configuration = DedupConfiguration()
        configuration.window = 3600
        configuration.nearDuplicateHorizon = 3600
        let engine = DedupEngine(configuration: configuration)
        let analyzer = ArticleAnalyzer()
        let seeds = try Self.seeds()
        for (index, article) in seeds.enumerated() {
            _ = engine.add(
                DedupEngine.Input(
                    articleID: Int64(index + 1), profile: analyzer.profile(article), arrival: Double(index) * 7200,
                    source: "s\(index)", title: article.title, segments: ArticleAnalyzer.segments(of: article)))
        }
        #expect(engine.recentArticleCount <= 2)
        #expect(engine.openEventCount <= 2)
        // An exact copy of the first article, which memory no longer holds, is found in the store.
        let copy = engine.add(
            DedupEngine.Input(
                articleID: 99, profile: analyzer.profile(seeds[0]), arrival: 50_000, source: "late", title: nil,
                segments: ArticleAnalyzer.segments(of: seeds[0])),
            olderBodyKey: { key in key == analyzer.profile(seeds[0]).bodyKey ? (1, 1) : nil }, storedEvent: { _ in nil })
        #expect(copy.kind == .exactDuplicate)
        #expect(copy.duplicateOf == 1)
    }

    struct UnreadableStore: Error {}

    @Test func aLookUpThatFailsFailsTheDecisionAndLeavesTheEngineAsItWas() throws {
        var configuration = DedupConfiguration()
        configuration.window = 3600
        configuration.nearDuplicateHorizon = 3600
        let engine = DedupEngine(configuration: configuration)
        let analyzer = ArticleAnalyzer()
        let seeds = try Self.seeds()
        for (index, article) in seeds.enumerated() {
            _ = engine.add(
                DedupEngine.Input(
                    articleID: Int64(index + 1), profile: analyzer.profile(article), arrival: Double(index) * 7200,
                    source: "s\(index)", title: article.title, segments: ArticleAnalyzer.segments(of: article)))
        }
        // Another story arrives first, so memory has already let the seeds go when the copy comes.
        let crane = try Self.craneStory()[0]
        _ = engine.add(
            DedupEngine.Input(
                articleID: 98, profile: analyzer.profile(crane), arrival: 50_000, source: "other", title: crane.title,
                segments: ArticleAnalyzer.segments(of: crane)))
        let late = DedupEngine.Input(
            articleID: 99, profile: analyzer.profile(seeds[0]), arrival: 50_000, source: "late", title: nil,
            segments: ArticleAnalyzer.segments(of: seeds[0]))
        let before = (engine.recentArticleCount, engine.openEventCount)
        #expect(before == (1, 1))
        // The store cannot say whether it holds the body: no decision, rather than "not a copy".
        #expect(throws: UnreadableStore.self) {
            try engine.add(late, olderBodyKey: { _ in throw UnreadableStore() }, storedEvent: { _ in nil })
        }
        // It holds the body, but not the closed event's record.
        #expect(throws: UnreadableStore.self) {
            try engine.add(late, olderBodyKey: { _ in (1, 1) }, storedEvent: { _ in throw UnreadableStore() })
        }
        #expect(engine.recentArticleCount == before.0)
        #expect(engine.openEventCount == before.1)
        // Once the store answers, the same article is decided as if nothing had happened.
        let copy = engine.add(late, olderBodyKey: { _ in (1, 1) }, storedEvent: { _ in nil })
        #expect(copy.kind == .exactDuplicate)
        #expect(copy.duplicateOf == 1)
        #expect(copy.eventID == 1)
    }

    /// Two reports of one accident (the collapse, the rescue), too unlike to be joined at a strict
    /// threshold, a roundup that tells both, and a later report of the rescue's aftermath.
    static func craneStory() throws -> [Article] {
        try ["crane-collapse.txt", "crane-rescue.txt", "crane-roundup.txt", "crane-inquiry.txt"].map {
            try ArticleParser().parse(Self.fixture($0), fileName: $0)
        }
    }

    /// A threshold that keeps the collapse and the rescue apart until the roundup links them.
    static var strictJoining: DedupConfiguration {
        var configuration = DedupConfiguration()
        configuration.eventSimilarity = 0.45
        return configuration
    }

    @Test func anArticleThatBelongsToTwoEventsMergesThemIntoTheOlder() throws {
        let story = try Self.craneStory()
        let engine = DedupEngine(configuration: Self.strictJoining)
        let decisions = Self.decide(Array(story.prefix(3)), engine: engine)
        let described = decisions.map { ($0.kind, $0.eventID, $0.mergedEvents, $0.evidence.similarity?.combined) }
        #expect(decisions[0].kind == .newEvent && decisions[1].kind == .newEvent, "\(described)")
        #expect(decisions[2].kind == .sameEvent, "\(described)")
        #expect(decisions[2].eventID == decisions[0].eventID, "\(described)")
        #expect(decisions[2].mergedEvents == [decisions[1].eventID], "\(described)")
        #expect(decisions[2].event.articleCount == 3 && decisions[2].event.sourceCount == 3)
        #expect(engine.openEventCount == 1)
        #expect(engine.currentEventID(decisions[1].eventID) == decisions[0].eventID)
        #expect(engine.event(decisions[1].eventID) == nil)

        // What memory holds of the merged event's article now leads to the survivor: an exact
        // copy of it, and a later report like it.
        let analyzer = ArticleAnalyzer()
        let copy = engine.add(
            DedupEngine.Input(
                articleID: 4, profile: analyzer.profile(story[1]), arrival: 1_718_700_300, source: "copy", title: nil,
                segments: ArticleAnalyzer.segments(of: story[1])))
        #expect(copy.kind == .exactDuplicate && copy.duplicateOf == 2 && copy.eventID == decisions[0].eventID)
        let later = engine.add(
            DedupEngine.Input(
                articleID: 5, profile: analyzer.profile(story[3]), arrival: 1_718_700_360, source: "later", title: nil,
                segments: ArticleAnalyzer.segments(of: story[3])))
        #expect(later.kind == .sameEvent && later.eventID == decisions[0].eventID, "\(later.kind) \(later.eventID)")
        #expect(later.event.articleCount == 5)
    }

    @Test func aSourceTheMergedEventHadAlreadyIsNotNewToIt() throws {
        let story = try Self.craneStory()
        let engine = DedupEngine(configuration: Self.strictJoining)
        let analyzer = ArticleAnalyzer()
        let decisions = zip(story.prefix(3), ["Weser-Kurier", "Nordsee-Zeitung", "Nordsee-Zeitung"]).enumerated().map {
            index, pair in
            engine.add(
                DedupEngine.Input(
                    articleID: Int64(index + 1), profile: analyzer.profile(pair.0), arrival: 1_718_700_000 + Double(index) * 60,
                    source: pair.1, title: pair.0.title, segments: ArticleAnalyzer.segments(of: pair.0)))
        }
        #expect(decisions[2].mergedEvents == [2])
        #expect(decisions[2].event.newSource == nil)
        #expect(decisions[2].event.sourceCount == 2)
    }

    @Test func eventsStayApartWhenMergingIsTurnedOff() throws {
        var configuration = Self.strictJoining
        configuration.eventMergeSimilarity = 1
        let decisions = Self.decide(Array(try Self.craneStory().prefix(3)), configuration: configuration)
        #expect(decisions.allSatisfy { $0.mergedEvents.isEmpty })
        #expect(Set(decisions.map(\.eventID)).count == 2)
    }

    @Test func theFiveSeedsMergeNothing() throws {
        let decisions = Self.decide(try Self.seeds())
        #expect(decisions.allSatisfy { $0.mergedEvents.isEmpty })
    }

    @Test func comparingTwoArticlesExplainsWhatTheyShare() throws {
        let a = try SeedGoldenTests.parse("002_3e2959cc9f6ec901.txt")
        let b = try SeedGoldenTests.parse("004_77b36c938f220c04.txt")
        let analyzer = ArticleAnalyzer()
        let (pa, pb) = (analyzer.profile(a), analyzer.profile(b))
        var statistics = TermStatistics()
        for profile in [pa, pb] {
            statistics.add(distinct: profile.content.map(\.hash) + profile.names.map(\.hash) + profile.numbers.map(\.hash))
        }
        let comparison = ArticleComparison(
            .init(article: a, profile: pa), .init(article: b, profile: pb), statistics: statistics,
            configuration: DedupConfiguration())
        #expect(!comparison.isExactDuplicate && !comparison.isNearDuplicate)
        #expect(comparison.reachesEventThreshold)
        #expect(comparison.sharedTerms.contains("Putin"))
        #expect(comparison.sharedPassages.count >= 3)
        #expect(comparison.onlyInSecond.contains("KCNA"))
    }
}
