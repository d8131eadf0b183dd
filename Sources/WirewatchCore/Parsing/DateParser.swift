/// Reads publication dates in the forms German and English news use: ISO 8601, RFC 2822 (mail),
/// `18.06.2024`, `18. Juni 2024`, `18 Jun 2024`, `June 18, 2024`, with an optional weekday in front
/// and an optional time (`10:30`, `10:30 Uhr`, `10.30 Uhr`) and time zone (`Z`, `+02:00`, `MESZ`, `CET`).
public enum DateParser {
    static let months: [String: Int] = {
        var table: [String: Int] = [:]
        let names: [(Int, [String])] = [
            (1, ["jan", "januar", "jänner", "january"]), (2, ["feb", "februar", "february"]),
            (3, ["mär", "märz", "mar", "march", "maerz"]), (4, ["apr", "april"]), (5, ["mai", "may"]),
            (6, ["jun", "juni", "june"]), (7, ["jul", "juli", "july"]), (8, ["aug", "august"]),
            (9, ["sep", "sept", "september"]), (10, ["okt", "oct", "oktober", "october"]),
            (11, ["nov", "november"]), (12, ["dez", "dec", "dezember", "december"]),
        ]
        for (number, words) in names { for word in words { table[word] = number } }
        return table
    }()

    static let weekdays: Set<String> = [
        "mon", "monday", "tue", "tues", "tuesday", "wed", "wednesday", "thu", "thur", "thurs", "thursday", "fri",
        "friday", "sat", "saturday", "sun", "sunday", "mo", "di", "mi", "do", "fr", "sa", "so", "montag", "dienstag",
        "mittwoch", "donnerstag", "freitag", "samstag", "sonnabend", "sonntag",
    ]

    static let zones: [String: Int] = [
        "z": 0, "utc": 0, "gmt": 0, "ut": 0, "mez": 60, "cet": 60, "mesz": 120, "cest": 120, "bst": 60,
        "est": -300, "edt": -240, "cst": -360, "cdt": -300, "mst": -420, "mdt": -360, "pst": -480, "pdt": -420,
        "et": -300, "ct": -360, "mt": -420, "pt": -480,
    ]

    /// Words that may surround a date on a date line without changing it.
    static let fillers: Set<String> = ["uhr", "am", "um", "at", "on", "den", "updated", "published", "veröffentlicht", "aktualisiert", "stand", "datum", "date", "|", "-", "–", ","]

    /// A token of a date string.
    enum Token: Equatable {
        case number(Int, digits: Int)
        case word(String)
        case symbol(Character)
    }

    static func tokenize(_ text: Substring) -> [Token] {
        var tokens: [Token] = []
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character.isASCII && character.isNumber {
                var end = index
                var value = 0
                var digits = 0
                while end < text.endIndex, text[end].isASCII, let digit = text[end].wholeNumberValue {
                    if digits < 9 { value = value * 10 + digit }
                    digits += 1
                    end = text.index(after: end)
                }
                tokens.append(.number(value, digits: digits))
                index = end
            } else if character.isLetter {
                var end = index
                while end < text.endIndex, text[end].isLetter { end = text.index(after: end) }
                tokens.append(.word(text[index..<end].lowercased()))
                index = end
            } else {
                if !character.isWhitespace { tokens.append(.symbol(character)) }
                index = text.index(after: index)
            }
        }
        return tokens
    }

    /// Parses a string that is (mostly) a date. Returns nil when it is not one, or when the date
    /// is implausible (before 1970, after 2100, 31 February).
    public static func parse(_ text: some StringProtocol) -> PublishedDate? {
        // Every date form has digits; most lines that are not dates have none.
        guard text.utf8.count <= 120, text.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let trimmed = Substring(Substring(text).trimmingWhitespace())
        guard !trimmed.isEmpty, trimmed.count <= 80 else { return nil }
        if let iso = parseISO(trimmed) { return iso }
        // Comments such as the "(CEST)" after a mail's Date header say nothing the offset does not.
        var text = Substring(trimmed)
        if text.last == ")", let open = text.lastIndex(of: "("), open > text.startIndex {
            text = text[..<open]
        }
        let raw = tokenize(text)
        // Drop weekdays, filler words ("Stand:", "am", "Uhr") and separators; keep "am"/"pm" after a time.
        var tokens: [Token] = []
        for (index, token) in raw.enumerated() {
            let previous = index > 0 ? raw[index - 1] : nil
            switch token {
            case .word(let word):
                let followsTime: Bool = {
                    guard index >= 3, case .number? = previous, raw[index - 2] == .symbol(":") else { return false }
                    return true
                }()
                if (word == "am" || word == "pm") && followsTime {
                    tokens.append(token)
                } else if !(weekdays.contains(word) || fillers.contains(word)) {
                    tokens.append(token)
                }
            case .symbol(let symbol):
                if symbol == "," || symbol == "|" || symbol == "–" { continue }
                if symbol == ":", case .word? = previous { continue }  // "Stand:", "Published:"
                tokens.append(token)
            case .number:
                tokens.append(token)
            }
        }
        return parseTokens(tokens[...])
    }

    private static func parseTokens(_ tokens: ArraySlice<Token>) -> PublishedDate? {
        var rest = tokens
        var year = 0, month = 0, day = 0
        var slashed = false
        // 18.06.2024 | 18/06/2024 | 18. Juni 2024 | 18 Jun 2024 | June 18 2024 | Jun 2024
        guard let first = rest.first else { return nil }
        switch first {
        case .number(let number, let digits) where digits <= 2:
            day = number
            rest = rest.dropFirst()
            if case .symbol(let dot)? = rest.first, dot == "." || dot == "/" { rest = rest.dropFirst() }
            switch rest.first {
            case .number(let number, let digits)? where digits <= 2:
                month = number
                rest = rest.dropFirst()
                guard case .symbol(let separator)? = rest.first, separator == "." || separator == "/" else { return nil }
                rest = rest.dropFirst()
                slashed = separator == "/"
            case .word(let word)?:
                guard let number = months[word] else { return nil }
                month = number
                rest = rest.dropFirst()
                if case .symbol(".")? = rest.first { rest = rest.dropFirst() }
            default:
                return nil
            }
            guard case .number(let number, let digits)? = rest.first, digits == 4 || digits == 2 else { return nil }
            year = digits == 2 ? 2000 + number : number
            rest = rest.dropFirst()
        case .word(let word):
            guard let number = months[word] else { return nil }
            month = number
            rest = rest.dropFirst()
            if case .symbol(".")? = rest.first { rest = rest.dropFirst() }
            if case .number(let number, let digits)? = rest.first, digits <= 2 {
                day = number
                rest = rest.dropFirst()
                if case .symbol(let symbol)? = rest.first, symbol == "," || symbol == "." { rest = rest.dropFirst() }
            }
            guard case .number(let number, 4)? = rest.first else { return nil }
            year = number
            rest = rest.dropFirst()
            if day == 0 {
                guard rest.isEmpty, valid(year: year, month: month, day: 1) else { return nil }
                return PublishedDate(year: year, month: month, precision: .month)
            }
        default:
            return nil
        }
        // 05/28/2013 can only be month first; 05/02/2013 is month first where the time is written
        // the American way (a 12-hour clock, a US zone); otherwise the article's language decides
        // (read day first until then).
        let american = slashed && day <= 12 && Self.americanTime(rest)
        if slashed && (month > 12 || american) { swap(&day, &month) }
        guard valid(year: year, month: month, day: day) else { return nil }
        var date = PublishedDate(year: year, month: month, day: day, precision: .day)
        date.dayMonthOrderUnknown = slashed && !american && day <= 12 && month <= 12 && day != month
        // Optional time: 10:30[:05] | 10.30 (then "Uhr" was dropped) ; optional zone.
        if case .number(let hour, let digits)? = rest.first, digits <= 2,
            case .symbol(let separator)? = rest.dropFirst().first, separator == ":" || separator == ".",
            case .number(let minute, 2)? = rest.dropFirst(2).first, hour < 24, minute < 60
        {
            date.hour = hour
            date.minute = minute
            date.precision = .minute
            rest = rest.dropFirst(3)
            if case .symbol(":")? = rest.first, case .number(let second, 2)? = rest.dropFirst().first, second < 61 {
                date.second = second
                date.precision = .second
                rest = rest.dropFirst(2)
            }
            if case .word(let meridiem)? = rest.first, meridiem == "am" || meridiem == "pm" {
                if meridiem == "pm" && date.hour < 12 { date.hour += 12 }
                if meridiem == "am" && date.hour == 12 { date.hour = 0 }
                rest = rest.dropFirst()
            }
            if let (offset, remaining) = zone(rest) {
                date.utcOffsetMinutes = offset
                rest = remaining
            }
        }
        guard rest.isEmpty else { return nil }
        return date
    }

    static let americanZones: Set<String> = ["est", "edt", "cst", "cdt", "mst", "mdt", "pst", "pdt", "et", "ct", "mt", "pt"]

    /// The tokens after a date hold an `am`/`pm` or an American time zone.
    static func americanTime(_ tokens: ArraySlice<Token>) -> Bool {
        tokens.contains { token in
            if case .word(let word) = token { return word == "am" || word == "pm" || americanZones.contains(word) }
            return false
        }
    }

    private static func zone(_ tokens: ArraySlice<Token>) -> (Int, ArraySlice<Token>)? {
        switch tokens.first {
        case .word(let word)?:
            if let offset = zones[word] { return (offset, tokens.dropFirst()) }
        case .symbol(let sign)? where sign == "+" || sign == "-":
            var rest = tokens.dropFirst()
            guard case .number(let value, let digits)? = rest.first else { return nil }
            rest = rest.dropFirst()
            var minutes: Int
            if digits == 4 {
                minutes = value / 100 * 60 + value % 100
            } else if digits <= 2 {
                minutes = value * 60
                if case .symbol(":")? = rest.first, case .number(let extra, 2)? = rest.dropFirst().first {
                    minutes += extra
                    rest = rest.dropFirst(2)
                }
            } else {
                return nil
            }
            guard minutes <= 14 * 60 else { return nil }
            return (sign == "-" ? -minutes : minutes, rest)
        default:
            break
        }
        return nil
    }

    /// `2024-06`, `2024-06-18`, `2024-06-18T10:30:00.123+02:00`, `2024-06-18 10:30:00Z`.
    static func parseISO(_ text: Substring) -> PublishedDate? {
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0, 4), bytes.count >= 7, bytes[4] == UInt8(ascii: "-"), let month = number(5, 2) else {
            return nil
        }
        if bytes.count == 7 {
            return valid(year: year, month: month, day: 1) ? PublishedDate(year: year, month: month, precision: .month) : nil
        }
        guard bytes.count >= 10, bytes[7] == UInt8(ascii: "-"), let day = number(8, 2), valid(year: year, month: month, day: day)
        else { return nil }
        var date = PublishedDate(year: year, month: month, day: day, precision: .day)
        if bytes.count == 10 { return date }
        guard bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "), let hour = number(11, 2),
            bytes.count >= 16, bytes[13] == UInt8(ascii: ":"), let minute = number(14, 2), hour < 24, minute < 60
        else { return nil }
        date.hour = hour
        date.minute = minute
        date.precision = .minute
        var index = 16
        if index < bytes.count, bytes[index] == UInt8(ascii: ":"), let second = number(index + 1, 2), second < 61 {
            date.second = second
            date.precision = .second
            index += 3
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",") {
                index += 1
                while index < bytes.count, bytes[index] >= 48 && bytes[index] <= 57 { index += 1 }
            }
        }
        guard index < bytes.count else { return date }
        let zoneText = String(decoding: bytes[index...], as: UTF8.self).trimmingWhitespace()
        if zoneText.isEmpty { return date }
        if let (offset, rest) = zone(tokenize(Substring(zoneText))[...]), rest.isEmpty {
            date.utcOffsetMinutes = offset
            return date
        }
        return nil
    }

    static func valid(year: Int, month: Int, day: Int) -> Bool {
        guard year >= 1970 && year <= 2100, month >= 1 && month <= 12, day >= 1 else { return false }
        let lengths = [31, (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }
}

extension StringProtocol {
    /// Without leading and trailing whitespace (including no-break spaces).
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }
}
