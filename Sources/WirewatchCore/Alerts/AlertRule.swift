import Foundation

/// A named alert rule from the configuration: what to watch for, how often it may fire, and how
/// loud it is.
public struct AlertRule: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// An article of any event matches the terms: fires once per event.
        case watchlist
        /// A new event whose first article matches the terms (any new event when there are none).
        case newEvent
        /// An event reaches `sources` distinct sources within `within` seconds of its first article.
        case breaking(sources: Int, within: Double)
        /// A new source joins a watched event: one that a rule named in `watching` fired for, or,
        /// without names, one whose new article matches the terms. Once per event and source.
        case growth(watching: [String])
        /// The matching articles of the current window (`window` seconds, aligned to the clock in
        /// UTC: 14:00 to 15:00 for an hour) reach `factor` times the mean per window over the
        /// `baseline` seconds before, and at least `minimum`.
        case spike(window: Double, baseline: Double, factor: Double, minimum: Int)

        /// The name used in the configuration and in alerts.
        public var name: String {
            switch self {
            case .watchlist: "watchlist"
            case .newEvent: "new"
            case .breaking: "breaking"
            case .growth: "growth"
            case .spike: "spike"
            }
        }
    }

    public var name: String
    public var kind: Kind
    public var terms: TermFilter
    /// After firing for an event (for a spike: at all), the rule stays quiet for so many seconds.
    public var cooldown: Double
    /// syslog priority, 0 (emerg) to 7 (debug).
    public var priority: Int
    /// Whether quiet hours hold this rule's alerts for the next digest.
    public var honoursQuietHours: Bool

    public init(
        name: String, kind: Kind, terms: TermFilter = TermFilter(), cooldown: Double = 3600, priority: Int = 5,
        honoursQuietHours: Bool = true
    ) {
        self.name = name
        self.kind = kind
        self.terms = terms
        self.cooldown = cooldown
        self.priority = priority
        self.honoursQuietHours = honoursQuietHours
    }
}

/// Which terms an article must name: at least one of `any` (when given), every one of `all`, and
/// none of `none`.
public struct TermFilter: Sendable, Equatable {
    public var any: [String]
    public var all: [String]
    public var none: [String]

    public init(any: [String] = [], all: [String] = [], none: [String] = []) {
        self.any = any
        self.all = all
        self.none = none
    }

    /// No condition at all: every article passes.
    public var isEmpty: Bool { any.isEmpty && all.isEmpty && none.isEmpty }

    /// Whether the filter names something that can pass: `any` or `all` with a term.
    public var selects: Bool { !any.isEmpty || !all.isEmpty }
}

/// A daily span in a time zone during which alerts wait for the next digest (`22:00-06:30`;
/// it may wrap past midnight).
public struct QuietHours: Sendable, Equatable {
    /// Minutes after midnight.
    public var start: Int
    public var end: Int
    public var timeZone: String

    /// Parses `HH:MM-HH:MM`; nil when malformed, empty, or the zone is unknown.
    public init?(_ text: String, timeZone: String) {
        let parts = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let start = Self.minutes(parts[0]), let end = Self.minutes(parts[1]), start != end,
            TimeZone(identifier: timeZone) != nil
        else { return nil }
        self.start = start
        self.end = end
        self.timeZone = timeZone
    }

    private static func minutes(_ text: String) -> Int? {
        let clock = text.split(separator: ":")
        guard clock.count == 2, clock[0].count <= 2, clock[1].count == 2, let hour = Int(clock[0]), let minute = Int(clock[1]),
            (0..<24).contains(hour), (0..<60).contains(minute)
        else { return nil }
        return hour * 60 + minute
    }

    /// Whether `time` (seconds since 1970) falls in the quiet span.
    public func contains(_ time: Double) -> Bool {
        let zone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        let local = time + Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: time)))
        let minute = Int((local / 60).rounded(.down)) % 1440
        let minuteOfDay = minute < 0 ? minute + 1440 : minute
        return start < end ? (start <= minuteOfDay && minuteOfDay < end) : (minuteOfDay >= start || minuteOfDay < end)
    }

    public var description: String {
        String(format: "%02d:%02d-%02d:%02d", start / 60, start % 60, end / 60, end % 60)
    }
}
