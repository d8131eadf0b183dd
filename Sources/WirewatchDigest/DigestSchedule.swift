import Foundation

/// When digests are due: every so many hours, or daily at a time of day in a time zone. Pure:
/// times in, the next due time out (tested with any clock).
public enum DigestSchedule: Sendable, Equatable {
    /// Never on its own (only on demand).
    case off
    /// Every `seconds`, counted from midnight UTC (every 6h: 00:00, 06:00, 12:00, 18:00 UTC).
    case every(seconds: Double)
    /// Every day at `hour`:`minute` in `timeZone`.
    case daily(hour: Int, minute: Int, timeZone: String)

    /// Parses `off`, `every 6h` (or `every 30m`), `daily 07:30`; nil when it is none of these or
    /// the time zone is unknown.
    public static func parse(_ text: String, timeZone: String = "UTC") -> DigestSchedule? {
        let parts = text.lowercased().split(separator: " ", omittingEmptySubsequences: true)
        guard TimeZone(identifier: timeZone) != nil else { return nil }
        switch parts.first {
        case "off" where parts.count == 1:
            return .off
        case "every" where parts.count == 2:
            let value = parts[1]
            guard let unit = value.last, let amount = Double(value.dropLast()), amount > 0 else { return nil }
            let seconds: Double
            switch unit {
            case "m": seconds = amount * 60
            case "h": seconds = amount * 3600
            case "d": seconds = amount * 86_400
            default: return nil
            }
            guard seconds >= 60, seconds <= 7 * 86_400 else { return nil }
            return .every(seconds: seconds)
        case "daily" where parts.count == 2:
            let clock = parts[1].split(separator: ":")
            guard clock.count == 2, let hour = Int(clock[0]), let minute = Int(clock[1]), (0..<24).contains(hour), (0..<60).contains(minute)
            else { return nil }
            return .daily(hour: hour, minute: minute, timeZone: timeZone)
        default:
            return nil
        }
    }

    /// The first due time strictly after `time` (nil when off).
    public func next(after time: Double) -> Double? {
        switch self {
        case .off:
            return nil
        case .every(let seconds):
            return ((time / seconds).rounded(.down) + 1) * seconds
        case .daily(let hour, let minute, let zone):
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!
            let date = Date(timeIntervalSince1970: time)
            var components = calendar.dateComponents([.year, .month, .day], from: date)
            components.hour = hour
            components.minute = minute
            components.second = 0
            guard var candidate = calendar.date(from: components) else { return nil }
            if candidate.timeIntervalSince1970 <= time {
                guard let tomorrow = calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: date)) else { return nil }
                var next = calendar.dateComponents([.year, .month, .day], from: tomorrow)
                next.hour = hour
                next.minute = minute
                next.second = 0
                guard let date = calendar.date(from: next) else { return nil }
                candidate = date
            }
            return candidate.timeIntervalSince1970
        }
    }
}
