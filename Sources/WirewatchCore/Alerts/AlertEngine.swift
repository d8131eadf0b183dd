import Foundation

/// Decides which rules fire for each decided article. Pure apart from its spike counters: the
/// clock is the article's arrival time and what fired before comes from an ``AlertHistory``, so
/// every rule kind, cool-down and quiet hour is tested with made-up times.
///
/// Not thread-safe (the term matcher keeps working buffers).
public final class AlertEngine {
    public let rules: [AlertRule]
    public let quietHours: QuietHours?
    private let matcher = TermMatcher()
    private let filters: [CompiledFilter]
    /// Per spike rule, matching articles per window.
    public private(set) var spikes: [String: SpikeCounter] = [:]
    /// Spike rules whose counters changed since ``takeChangedSpikes()``.
    private var changedSpikes: Set<String> = []
    /// Whether any rule needs the article's text, and what of it.
    private let needsText: Bool
    private let textNeeds: TermMatcher.Needs

    /// What the rules need of an article's text, to prepare it ahead (nil: nothing).
    public var needs: TermMatcher.Needs? { needsText ? textNeeds : nil }

    public init(rules: [AlertRule], quietHours: QuietHours?, spikes: [String: SpikeCounter] = [:]) {
        self.rules = rules
        self.quietHours = quietHours
        let matcher = self.matcher
        filters = rules.map { CompiledFilter($0.terms, matcher: matcher) }
        needsText = rules.contains { !$0.terms.isEmpty }
        textNeeds = TermMatcher.Needs(filters.flatMap { $0.any + $0.all + $0.none })
        for rule in rules {
            if case .spike(let window, _, _, _) = rule.kind {
                self.spikes[rule.name] = spikes[rule.name].flatMap { $0.window == window ? $0 : nil } ?? SpikeCounter(window: window)
            }
        }
    }

    /// The alerts `observation` sets off, in rule order. A growth rule sees alerts fired by rules
    /// before it for the same article.
    public func judge(_ observation: AlertObservation, history: some AlertHistory) -> [Alert] {
        guard !rules.isEmpty else { return [] }
        let decision = observation.decision
        let event = decision.event
        let time = observation.time
        let text =
            needsText ? (observation.prepared ?? matcher.text(observation.text, language: observation.language, needs: textNeeds)) : nil
        var fired: [Alert] = []
        for (rule, filter) in zip(rules, filters) {
            guard let matched = filter.matches(text) else { continue }
            var eventID = decision.eventID
            let reason: String
            let message: String
            let title = event.title ?? observation.title ?? "untitled"
            switch rule.kind {
            case .watchlist:
                reason = "match"
                message = "\(matched.isEmpty ? rule.name : matched.joined(separator: ", ")): \(title) (\(Self.sources(event)))"
            case .newEvent:
                guard decision.kind == .newEvent else { continue }
                reason = "new"
                message = "New event: \(title)"
            case .breaking(let sources, let within):
                guard event.sourceCount >= sources, time - event.firstSeen <= within else { continue }
                reason = "breaking"
                message = "Breaking: \(title) (\(Self.sources(event)) in \(Self.span(time - event.firstSeen)))"
            case .growth(let watching):
                guard decision.kind != .newEvent, let newSource = event.newSource else { continue }
                if !watching.isEmpty {
                    let firedNow = fired.contains { watching.contains($0.rule) && $0.eventID == eventID }
                    guard firedNow || history.hasFired(anyOf: watching, eventID: eventID) else { continue }
                }
                reason = "source:" + newSource
                message = "\(newSource) joins: \(title) (\(Self.sources(event)))"
            case .spike(_, let baseline, let factor, let minimum):
                guard var counter = spikes[rule.name] else { continue }
                counter.add(time, keeping: baseline)
                spikes[rule.name] = counter
                changedSpikes.insert(rule.name)
                guard let spike = counter.spike(at: time, baseline: baseline, factor: factor, minimum: minimum) else { continue }
                eventID = 0
                reason = "spike:\(spike.window)"
                message = String(
                    format: "Spike: %d matching articles in this %@ window (baseline %.1f per window)", spike.count,
                    Self.span(counter.window), spike.baseline)
            }
            let now = observation.decidedAt
            if let last = history.lastFired(rule: rule.name, eventID: eventID), now - last < rule.cooldown { continue }
            if history.hasFired(rule: rule.name, eventID: eventID, reason: reason) { continue }
            fired.append(
                Alert(
                    rule: rule.name, kind: rule.kind.name, reason: reason, eventID: eventID, articleID: decision.articleID,
                    firedAt: now, priority: rule.priority, deferred: rule.honoursQuietHours && (quietHours?.contains(now) ?? false),
                    matched: matched, message: message, event: event, articleTitle: observation.title,
                    articleSource: observation.source, articleURL: observation.url))
        }
        return fired
    }

    /// The spike counters changed since the last call, to be saved with the batch.
    public func takeChangedSpikes() -> [String: SpikeCounter] {
        defer { changedSpikes.removeAll() }
        return changedSpikes.reduce(into: [:]) { result, name in result[name] = spikes[name] }
    }

    /// Puts back the counters as they were before a batch whose commit failed (its articles are
    /// judged again when it is retried); all are saved with the next batch.
    public func restore(spikes saved: [String: SpikeCounter]) {
        spikes = saved
        changedSpikes = Set(saved.keys)
    }

    private static func sources(_ event: EventSummary) -> String {
        event.sourceCount == 1 ? "1 source" : "\(event.sourceCount) sources"
    }

    /// `42 min`, `3 h`, `2 d`.
    static func span(_ seconds: Double) -> String {
        if seconds < 5400 { return "\(max(1, Int((seconds / 60).rounded()))) min" }
        if seconds < 2 * 86_400 { return "\(Int((seconds / 3600).rounded())) h" }
        return "\(Int((seconds / 86_400).rounded())) d"
    }
}

/// A rule's terms, compiled once.
private struct CompiledFilter {
    var any: [TermMatcher.Term]
    var all: [TermMatcher.Term]
    var none: [TermMatcher.Term]

    init(_ filter: TermFilter, matcher: TermMatcher) {
        any = filter.any.compactMap(matcher.term)
        all = filter.all.compactMap(matcher.term)
        none = filter.none.compactMap(matcher.term)
    }

    /// The matched terms when the text passes (empty when the filter has no terms), nil otherwise.
    func matches(_ text: TermMatcher.Text?) -> [String]? {
        guard !any.isEmpty || !all.isEmpty || !none.isEmpty else { return [] }
        guard let text else { return nil }
        var matched: [String] = []
        if !any.isEmpty {
            matched = any.filter(text.contains).map(\.text)
            guard !matched.isEmpty else { return nil }
        }
        for term in all {
            guard text.contains(term) else { return nil }
            if !matched.contains(term.text) { matched.append(term.text) }
        }
        for term in none where text.contains(term) { return nil }
        return matched
    }
}

/// Articles per window for a spike rule, kept for the baseline period and saved with the store.
public struct SpikeCounter: Sendable, Equatable, Codable {
    /// Window length in seconds.
    public var window: Double
    /// When counting started (no spike before a whole baseline was seen).
    public var since: Double?
    /// Count per window index (`floor(time / window)`).
    public var counts: [Int64: Int]

    public init(window: Double, since: Double? = nil, counts: [Int64: Int] = [:]) {
        self.window = window
        self.since = since
        self.counts = counts
    }

    /// Counts one article at `time`, forgetting windows older than `baseline` before it.
    public mutating func add(_ time: Double, keeping baseline: Double) {
        if since == nil { since = time }
        let index = Int64((time / window).rounded(.down))
        counts[index, default: 0] += 1
        let oldest = index - Int64((baseline / window).rounded(.up)) - 1
        if counts.count > 4, counts.keys.contains(where: { $0 < oldest }) {
            counts = counts.filter { $0.key >= oldest }
        }
    }

    public struct Spike: Sendable, Equatable {
        /// The window's index.
        public var window: Int64
        public var count: Int
        /// Mean count per window over the baseline.
        public var baseline: Double
    }

    /// A spike in the window of `time`: its count at least `minimum` and at least `factor` times the
    /// mean of the windows of the `baseline` before it. Nil before a whole baseline was counted.
    public func spike(at time: Double, baseline: Double, factor: Double, minimum: Int) -> Spike? {
        guard let since, time - since >= baseline else { return nil }
        let index = Int64((time / window).rounded(.down))
        let current = counts[index] ?? 0
        let windows = max(1, Int64((baseline / window).rounded()))
        var total = 0
        for earlier in (index - windows)..<index { total += counts[earlier] ?? 0 }
        let mean = Double(total) / Double(windows)
        guard current >= minimum, Double(current) >= factor * mean else { return nil }
        return Spike(window: index, count: current, baseline: mean)
    }
}
