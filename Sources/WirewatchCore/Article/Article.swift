/// A news article as Wirewatch understands it: the journalism of one file, with the page furniture
/// removed and the metadata that could be found.
public struct Article: Sendable, Equatable {
    /// The container the article came in.
    public enum Format: String, Sendable, Codable, CaseIterable {
        case text, html, email, json, markdown
    }

    /// A part of the body: the lead section (the article itself) or, in a roundup, a later section
    /// about another event under its own heading.
    public struct Section: Sendable, Equatable {
        public var heading: String?
        public var paragraphs: [String]
        /// The article's own section (the first); later ones may be about other events.
        public var isLead: Bool

        public init(heading: String?, paragraphs: [String], isLead: Bool) {
            self.heading = heading
            self.paragraphs = paragraphs
            self.isLead = isLead
        }

        public var text: String { paragraphs.joined(separator: "\n\n") }
    }

    public var title: String?
    public var sections: [Section]
    public var source: String?
    public var published: PublishedDate?
    public var author: String?
    /// ISO 639-1 code (`de`, `en`) or nil when neither fits.
    public var language: String?
    public var url: String?
    public var format: Format
    /// The character encoding the bytes were read in.
    public var encoding: String
    /// For each field, the rule that produced it (`title: "og:title"`, `body: "json-ld articleBody"`).
    public var rules: [String: String]

    public init(
        title: String? = nil, sections: [Section], source: String? = nil, published: PublishedDate? = nil,
        author: String? = nil, language: String? = nil, url: String? = nil, format: Format, encoding: String,
        rules: [String: String] = [:]
    ) {
        self.title = title
        self.sections = sections
        self.source = source
        self.published = published
        self.author = author
        self.language = language
        self.url = url
        self.format = format
        self.encoding = encoding
        self.rules = rules
    }

    /// Every paragraph of the body, in order.
    public var paragraphs: [String] { sections.flatMap(\.paragraphs) }

    /// The whole main text, paragraphs separated by a blank line.
    public var body: String { paragraphs.joined(separator: "\n\n") }

    /// The first paragraph.
    public var lead: String? { paragraphs.first }

    /// The paragraphs of the lead section only (what the article is about).
    public var leadSectionText: String { sections.filter(\.isLead).map(\.text).joined(separator: "\n\n") }
}

/// A publication date as precise as the source gave it.
public struct PublishedDate: Sendable, Equatable, Comparable, CustomStringConvertible {
    public enum Precision: Int, Sendable, Comparable {
        case month, day, minute, second

        public static func < (lhs: Precision, rhs: Precision) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    /// Offset from UTC in minutes, when the source said.
    public var utcOffsetMinutes: Int?
    public var precision: Precision
    /// Written as two numbers up to 12 with slashes and nothing else to tell which is the month
    /// (`05/02/2013`): read day first, until ``readingSlashes(as:)`` knows the article's language.
    public var dayMonthOrderUnknown = false

    public init(
        year: Int, month: Int, day: Int = 1, hour: Int = 0, minute: Int = 0, second: Int = 0,
        utcOffsetMinutes: Int? = nil, precision: Precision
    ) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        self.utcOffsetMinutes = utcOffsetMinutes
        self.precision = precision
    }

    /// The date as an article in `language` means it: English writes a slashed date month first
    /// (`05/02/2013` is 2 May), German and other languages day first. Only a date whose order was
    /// unknown changes.
    public func readingSlashes(as language: String?) -> PublishedDate {
        guard dayMonthOrderUnknown else { return self }
        var date = self
        date.dayMonthOrderUnknown = false
        if language == "en" { swap(&date.day, &date.month) }
        return date
    }

    /// ISO 8601: `2024-06`, `2024-06-18`, `2024-06-18T10:30+02:00`, `2024-06-18T10:30:05Z`.
    public var description: String {
        func pad(_ value: Int, _ width: Int = 2) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text = "\(pad(year, 4))-\(pad(month))"
        guard precision >= .day else { return text }
        text += "-\(pad(day))"
        guard precision >= .minute else { return text }
        text += "T\(pad(hour)):\(pad(minute))"
        if precision == .second { text += ":\(pad(second))" }
        if let offset = utcOffsetMinutes {
            if offset == 0 {
                text += "Z"
            } else {
                text += (offset < 0 ? "-" : "+") + "\(pad(abs(offset) / 60)):\(pad(abs(offset) % 60))"
            }
        }
        return text
    }

    /// Seconds since 1970 (UTC; a date without a time zone is taken as UTC).
    public var secondsSince1970: Double {
        // Days from civil (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second - (utcOffsetMinutes ?? 0) * 60
        return Double(seconds)
    }

    public static func < (lhs: PublishedDate, rhs: PublishedDate) -> Bool {
        lhs.secondsSince1970 < rhs.secondsSince1970
    }
}

/// Why a file could not be turned into an article. Every case renders a sentence for an operator.
public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case empty, whitespaceOnly = "whitespace-only", binary, tooLarge = "too-large"
        case malformedJSON = "malformed-json", noBody = "no-body", malformedEmail = "malformed-email"
        case malformedHTML = "malformed-html", unsupported
    }

    public var code: Code
    public var message: String
    /// The file, when known.
    public var file: String?

    public init(_ code: Code, _ message: String, file: String? = nil) {
        self.code = code
        self.message = message
        self.file = file
    }

    public var description: String { file.map { "\($0): \(message)" } ?? message }
}
