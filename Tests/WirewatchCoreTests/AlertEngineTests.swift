import Foundation
import Testing

@testable import WirewatchCore

/// What fired, kept in memory the way the store keeps it.
final class MemoryHistory: AlertHistory {
    var alerts: [Alert] = []

    func lastFired(rule: String, eventID: Int64) -> Double? {
        alerts.filter { $0.rule == rule && $0.eventID == eventID }.map(\.firedAt).max()
    }

    func hasFired(rule: String, eventID: Int64, reason: String) -> Bool {
        alerts.contains { $0.rule == rule && $0.eventID == eventID && $0.reason == reason }
    }

    func hasFired(anyOf rules: [String], eventID: Int64) -> Bool {
        alerts.contains { rules.contains($0.rule) && $0.eventID == eventID }
    }

    /// Judges and records, as the store does.
    @discardableResult
    func run(_ engine: AlertEngine, _ observation: AlertObservation) -> [Alert] {
        let fired = engine.judge(observation, history: self)
        alerts += fired
        return fired
    }
}

@Suite struct TermMatcherTests {
    let matcher = TermMatcher()

    func matches(_ term: String, _ text: String, language: String? = "de") -> Bool {
        guard let compiled = matcher.term(term) else { return false }
        return matcher.text(text, language: language).contains(compiled)
    }

    @Test func inflectedFormsMatchOnTheirStem() {
        #expect(matches("Nordkorea", "Die Beziehungen Nordkoreas zu Russland"))
        #expect(matches("sanction", "New sanctions were announced", language: "en"))
        #expect(matches("Sanktionen", "die Sanktion gegen Moskau"))
    }

    @Test func nameVariantsMatch() {
        #expect(matches("Nordkorea", "Machthaber in Nord-Korea"))
        #expect(matches("Kim Jong Un", "Staatschef Kim Jong-un empfing ihn"))
        #expect(matches("Kim Jong Un", "KIM JONG UN"))
        #expect(matches("München", "in Muenchen und Munchen", language: "de"))
        #expect(matches("Muenchen", "in München", language: "de"))
        #expect(matches("Putin", "Putin's visit", language: "en"))
        #expect(matches("Selenskyj|Zelensky", "President Zelensky said", language: "en"))
    }

    @Test func wordsOfATermMustStandTogetherInOneSentence() {
        #expect(!matches("Kim Jong Un", "Kim sagte. Jong Un kam nicht."))
        #expect(!matches("North Korea", "north of the Korea strait", language: "en"))
        #expect(!matches("Nordkorea", "Südkorea und Japan"))
    }

    @Test func aTermWithoutAWordDoesNotCompile() {
        #expect(matcher.term(" - ") == nil)
        #expect(matcher.term("|") == nil)
    }
}

@Suite struct AlertEngineTests {
    static let start = 1_750_000_000.0

    static func observation(
        article: Int64, event: Int64, kind: DedupDecision.Kind, text: String = "", sources: Int = 1, firstSeen: Double? = nil,
        newSource: String? = nil, at time: Double
    ) -> AlertObservation {
        let summary = EventSummary(
            id: event, title: "Event \(event)", firstSeen: firstSeen ?? time, lastSeen: time, published: nil, articleCount: sources,
            sourceCount: sources, topNames: [], newSource: newSource)
        let decision = DedupDecision(articleID: article, kind: kind, eventID: event, evidence: Evidence(), event: summary)
        return AlertObservation(decision: decision, title: "Title \(article)", source: newSource, url: nil, language: "de", text: text, time: time)
    }

    @Test func aWatchlistFiresOncePerEventAndAgainForANewEvent() {
        let engine = AlertEngine(
            rules: [AlertRule(name: "nk", kind: .watchlist, terms: TermFilter(any: ["Nordkorea"]), cooldown: 0)], quietHours: nil)
        let history = MemoryHistory()
        let t = Self.start
        #expect(history.run(engine, Self.observation(article: 1, event: 1, kind: .newEvent, text: "Putin besucht Nordkorea", at: t)).count == 1)
        #expect(history.run(engine, Self.observation(article: 2, event: 1, kind: .sameEvent, text: "Nordkoreas Führung", at: t + 60)).isEmpty)
        #expect(history.run(engine, Self.observation(article: 3, event: 2, kind: .newEvent, text: "Wetter in Berlin", at: t + 120)).isEmpty)
        let again = history.run(engine, Self.observation(article: 4, event: 3, kind: .newEvent, text: "Raketentest in Nordkorea", at: t + 180))
        #expect(again.map(\.eventID) == [3])
        #expect(again.first?.matched == ["Nordkorea"])
    }

    @Test func allAndNoneNarrowAWatchlist() {
        let rule = AlertRule(name: "r", kind: .watchlist, terms: TermFilter(any: ["Putin"], all: ["Nordkorea"], none: ["Sport"]), cooldown: 0)
        let engine = AlertEngine(rules: [rule], quietHours: nil)
        let history = MemoryHistory()
        let t = Self.start
        #expect(history.run(engine, Self.observation(article: 1, event: 1, kind: .newEvent, text: "Putin in Moskau", at: t)).isEmpty)
        #expect(history.run(engine, Self.observation(article: 2, event: 2, kind: .newEvent, text: "Putin in Nordkorea beim Sport", at: t)).isEmpty)
        let fired = history.run(engine, Self.observation(article: 3, event: 3, kind: .newEvent, text: "Putin in Nordkorea", at: t))
        #expect(fired.first?.matched == ["Putin", "Nordkorea"])
    }

    @Test func aNewEventRuleFiresOnlyForTheFirstArticleOfAnEvent() {
        let engine = AlertEngine(rules: [AlertRule(name: "new", kind: .newEvent, terms: TermFilter(any: ["Bahn"]))], quietHours: nil)
        let history = MemoryHistory()
        let t = Self.start
        #expect(history.run(engine, Self.observation(article: 1, event: 1, kind: .sameEvent, text: "Streik bei der Bahn", at: t)).isEmpty)
        #expect(history.run(engine, Self.observation(article: 2, event: 2, kind: .newEvent, text: "Streik bei der Bahn", at: t)).map(\.reason) == ["new"])
    }

    @Test func breakingNeedsEnoughSourcesWithinTheSpan() {
        let engine = AlertEngine(rules: [AlertRule(name: "b", kind: .breaking(sources: 3, within: 3600))], quietHours: nil)
        let history = MemoryHistory()
        let t = Self.start
        #expect(history.run(engine, Self.observation(article: 1, event: 1, kind: .sameEvent, sources: 2, firstSeen: t, at: t + 60)).isEmpty)
        #expect(history.run(engine, Self.observation(article: 2, event: 1, kind: .sameEvent, sources: 3, firstSeen: t, at: t + 120)).count == 1)
        #expect(history.run(engine, Self.observation(article: 3, event: 1, kind: .sameEvent, sources: 4, firstSeen: t, at: t + 180)).isEmpty)
        // Slow coverage is not breaking news.
        #expect(history.run(engine, Self.observation(article: 4, event: 2, kind: .sameEvent, sources: 5, firstSeen: t, at: t + 7200)).isEmpty)
    }

    @Test func growthFiresForEachNewSourceOfAWatchedEventAfterItsCoolDown() {
        let rules = [
            AlertRule(name: "nk", kind: .watchlist, terms: TermFilter(any: ["Nordkorea"])),
            AlertRule(name: "grows", kind: .growth(watching: ["nk"]), cooldown: 600),
        ]
        let engine = AlertEngine(rules: rules, quietHours: nil)
        let history = MemoryHistory()
        let t = Self.start
        history.run(engine, Self.observation(article: 1, event: 1, kind: .newEvent, text: "Nordkorea", newSource: "dpa", at: t))
        let joined = history.run(engine, Self.observation(article: 2, event: 1, kind: .sameEvent, newSource: "Reuters", at: t + 60))
        #expect(joined.map(\.reason) == ["source:Reuters"])
        // Within the cool-down: quiet; after it: the next new source fires.
        #expect(history.run(engine, Self.observation(article: 3, event: 1, kind: .sameEvent, newSource: "AFP", at: t + 120)).isEmpty)
        #expect(history.run(engine, Self.observation(article: 4, event: 1, kind: .sameEvent, at: t + 900)).isEmpty)
        #expect(history.run(engine, Self.observation(article: 5, event: 1, kind: .sameEvent, newSource: "AP", at: t + 1000)).map(\.reason) == ["source:AP"])
        // An unwatched event does not grow into alerts.
        #expect(history.run(engine, Self.observation(article: 6, event: 2, kind: .sameEvent, newSource: "AP", at: t + 2000)).isEmpty)
    }

    @Test func aSpikeFiresAgainstTheRollingBaselineOncePerWindowAndCoolDown() {
        let rule = AlertRule(name: "s", kind: .spike(window: 3600, baseline: 4 * 3600, factor: 3, minimum: 4), cooldown: 7200)
        let engine = AlertEngine(rules: [rule], quietHours: nil)
        let history = MemoryHistory()
        let t = (Self.start / 3600).rounded(.down) * 3600
        var article: Int64 = 0
        func articles(_ count: Int, hour: Double) -> [Alert] {
            (0..<count).flatMap { index in
                article += 1
                return history.run(engine, Self.observation(article: article, event: article, kind: .newEvent, at: t + hour * 3600 + Double(index)))
            }
        }
        // A steady hour rate of 1 for four hours: no spike, and none before a whole baseline was seen.
        for hour in 0..<4 { #expect(articles(1, hour: Double(hour)).isEmpty) }
        let spike = articles(5, hour: 4)
        #expect(spike.count == 1)
        #expect(spike.first?.eventID == 0)
        #expect(spike.first?.message.contains("4 matching articles") == true)
        // Within the cool-down the next window stays quiet.
        #expect(articles(10, hour: 5).isEmpty)
        #expect(engine.takeChangedSpikes().keys.sorted() == ["s"])
    }

    @Test func coolDownsKeepARuleQuietPerEvent() {
        let engine = AlertEngine(
            rules: [AlertRule(name: "g", kind: .growth(watching: []), terms: TermFilter(any: ["Bahn"]), cooldown: 3600)], quietHours: nil)
        let history = MemoryHistory()
        let t = Self.start
        #expect(history.run(engine, Self.observation(article: 1, event: 1, kind: .sameEvent, text: "Bahn", newSource: "a", at: t)).count == 1)
        #expect(history.run(engine, Self.observation(article: 2, event: 1, kind: .sameEvent, text: "Bahn", newSource: "b", at: t + 3599)).isEmpty)
        #expect(history.run(engine, Self.observation(article: 3, event: 2, kind: .sameEvent, text: "Bahn", newSource: "b", at: t + 3599)).count == 1)
        #expect(history.run(engine, Self.observation(article: 4, event: 1, kind: .sameEvent, text: "Bahn", newSource: "c", at: t + 3600)).count == 1)
    }

    @Test func quietHoursHoldAlertsUnlessTheRuleIgnoresThem() throws {
        let quiet = try #require(QuietHours("22:00-06:30", timeZone: "Europe/Berlin"))
        let rules = [
            AlertRule(name: "held", kind: .newEvent),
            AlertRule(name: "loud", kind: .newEvent, honoursQuietHours: false),
        ]
        let engine = AlertEngine(rules: rules, quietHours: quiet)
        let history = MemoryHistory()
        // 2025-01-15 23:30 in Berlin (22:30 UTC): quiet.
        let night = 1_736_980_200.0
        let fired = history.run(engine, Self.observation(article: 1, event: 1, kind: .newEvent, at: night))
        #expect(fired.map(\.deferred) == [true, false])
        // 07:00 in Berlin: not quiet.
        let morning = history.run(engine, Self.observation(article: 2, event: 2, kind: .newEvent, at: night + 7.5 * 3600))
        #expect(morning.map(\.deferred) == [false, false])
    }

    @Test func quietHoursAndCoolDownsGoByWhenTheArticleIsDecided() throws {
        let quiet = try #require(QuietHours("22:00-06:30", timeZone: "UTC"))
        let engine = AlertEngine(rules: [AlertRule(name: "new", kind: .newEvent)], quietHours: quiet)
        let history = MemoryHistory()
        let night = 1_736_982_000.0  // 2025-01-15 23:00 UTC
        // Arrived in the night, decided in the morning (the daemon was stopped): sent, and fired then.
        var late = Self.observation(article: 1, event: 1, kind: .newEvent, at: night)
        late.decidedAt = night + 9 * 3600
        let fired = history.run(engine, late)
        #expect(fired.map(\.deferred) == [false])
        #expect(fired.first?.firedAt == night + 9 * 3600)
    }

    @Test func spikeCountersGoBackWhenACommitFails() {
        let rule = AlertRule(name: "s", kind: .spike(window: 3600, baseline: 7200, factor: 2, minimum: 1))
        let engine = AlertEngine(rules: [rule], quietHours: nil)
        let saved = engine.spikes
        MemoryHistory().run(engine, Self.observation(article: 1, event: 1, kind: .newEvent, at: Self.start))
        #expect(engine.spikes != saved)
        _ = engine.takeChangedSpikes()
        engine.restore(spikes: saved)
        #expect(engine.spikes == saved)
        #expect(engine.takeChangedSpikes() == saved)
    }

    @Test func quietHoursWrapPastMidnightAndFollowTheirTimeZone() throws {
        let quiet = try #require(QuietHours("22:00-06:30", timeZone: "UTC"))
        let midnight = 1_736_899_200.0  // 2025-01-15 00:00 UTC
        #expect(quiet.contains(midnight))
        #expect(quiet.contains(midnight + 6 * 3600 + 29 * 60))
        #expect(!quiet.contains(midnight + 6 * 3600 + 30 * 60))
        #expect(!quiet.contains(midnight + 12 * 3600))
        #expect(quiet.contains(midnight + 22 * 3600))
        let day = try #require(QuietHours("12:00-13:00", timeZone: "America/New_York"))
        #expect(day.contains(midnight + 17.5 * 3600))  // 12:30 in New York
        #expect(QuietHours("25:00-06:00", timeZone: "UTC") == nil)
        #expect(QuietHours("22:00-22:00", timeZone: "UTC") == nil)
        #expect(QuietHours("22:00-06:00", timeZone: "Mars/Olympus") == nil)
    }

    @Test func theAlertJSONCarriesTheDocumentedFields() throws {
        let engine = AlertEngine(rules: [AlertRule(name: "nk", kind: .watchlist, terms: TermFilter(any: ["Nordkorea"]))], quietHours: nil)
        var alert = try #require(
            MemoryHistory().run(engine, Self.observation(article: 7, event: 3, kind: .newEvent, text: "Nordkorea", at: Self.start)).first)
        alert.id = 12
        let object = try #require(try JSONSerialization.jsonObject(with: Data(alert.json.utf8)) as? [String: Any])
        #expect(object["schema"] as? String == "wirewatch-alert/1")
        #expect(object["id"] as? Int == 12)
        #expect(object["rule"] as? String == "nk")
        #expect(object["fired_at"] as? String == "2025-06-15T15:06:40Z")
        #expect((object["event"] as? [String: Any])?["id"] as? Int == 3)
        #expect((object["article"] as? [String: Any])?["id"] as? Int == 7)
        #expect(!alert.json.contains("\n"))
    }
}
