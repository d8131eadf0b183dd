/// What page furniture looks like, as data: one place to extend when a feed brings new furniture.
/// Lines are compared case-insensitively, with whitespace collapsed and trailing `:`, `»`, `>`
/// and `…` removed.
public struct BoilerplateRules: Sendable {
    /// Whole lines that are furniture, never journalism.
    public var furniture: Set<String>
    /// Lines that start a block of teasers or links to other stories: the rest of the document is
    /// dropped when one appears after the article has begun.
    public var teaserMarkers: Set<String>
    /// Lines that end the article (mail signatures, newsletter footers): the rest is dropped.
    public var endMarkers: Set<String>
    /// Words that mark a photo credit when a short line contains them.
    public let creditMarkers: [String]
    /// Prefixes of byline lines (`Von Anna Muster`, `By John Smith`).
    public var bylinePrefixes: [String]

    public static let standard = BoilerplateRules(
        furniture: [
            "textgröße ändern", "schriftgröße ändern", "mehr lesen", "weiterlesen", "read more", "continue reading",
            "share this article", "share", "teilen", "artikel teilen", "diesen artikel teilen", "drucken", "print",
            "e-mail", "email", "kommentare", "comments", "anzeige", "werbung", "advertisement", "sponsored",
            "zum seitenanfang", "nach oben", "back to top", "artikel anhören", "listen to this article", "vorlesen",
            "facebook", "twitter", "whatsapp", "linkedin", "telegram", "pinterest", "reddit", "x", "copy link",
            "link kopieren", "link copied", "jetzt abonnieren", "subscribe", "sign up", "log in", "anmelden",
            "schließen", "close", "show more", "mehr anzeigen", "merken", "bookmark", "startseite", "home",
            "zur startseite", "bildergalerie", "fotostrecke", "loading", "wird geladen", "zum artikel",
            "to the article", "view in browser", "im browser ansehen", "im browser öffnen", "impressum", "datenschutz", "privacy policy",
            "cookie settings", "cookie-einstellungen", "alle rechte vorbehalten", "all rights reserved",
            "zur mobilen ansicht", "teilen auf facebook", "share on facebook", "share on twitter", "tweet",
            "whatsapp teilen", "per e-mail teilen", "feedback", "fehler melden", "report an error",
            "hören", "audio", "video", "play", "pause", "foto", "fotos", "photo", "photos", "image",
            "zurück", "weiter", "previous", "next", "top", "menü", "menu", "suche", "search",
        ],
        teaserMarkers: [
            "empfohlen", "ähnliche nachrichten", "ähnliche artikel", "das könnte sie auch interessieren",
            "das könnte dich auch interessieren", "auch interessant", "weitere artikel", "lesen sie auch",
            "lesen sie mehr", "mehr nachrichten", "weitere nachrichten", "meistgelesen", "meistgelesene artikel",
            "top-artikel", "beliebte artikel", "related", "related articles", "related stories", "related content",
            "recommended", "recommended for you", "more stories", "more from", "you may also like",
            "you might also like", "most popular", "most read", "trending", "editor's picks", "more on this story",
            "mehr aus dem ressort", "mehr zum thema", "aktuelle nachrichten", "top stories", "up next",
        ],
        endMarkers: [
            "--", "-- ", "___", "unsubscribe", "abmelden", "newsletter abbestellen",
            "you are receiving this email because", "sie erhalten diese e-mail, weil",
        ],
        creditMarkers: ["foto:", "fotos:", "photo:", "photos:", "bild:", "bilder:", "image:", "images:", "credit:", "quelle:", "©", "(c) ", "getty images", "imago images", "picture alliance", "dpa-bildfunk"],
        bylinePrefixes: ["von ", "by ", "ein beitrag von ", "text: ", "autor: ", "autorin: ", "author: "])

    let creditMarkerBytes: [[UInt8]]
    /// End markers long enough to recognise by their start (footers go on with addresses and links).
    let endMarkerPrefixes: [[UInt8]]
    let bylinePrefixBytes: [[UInt8]]

    public init(
        furniture: Set<String>, teaserMarkers: Set<String>, endMarkers: Set<String>, creditMarkers: [String],
        bylinePrefixes: [String]
    ) {
        self.furniture = furniture
        self.teaserMarkers = teaserMarkers
        self.endMarkers = endMarkers
        self.creditMarkers = creditMarkers
        self.bylinePrefixes = bylinePrefixes
        self.creditMarkerBytes = creditMarkers.map { Array($0.utf8) }
        self.endMarkerPrefixes = endMarkers.filter { $0.count >= 8 }.map { Array($0.utf8) }
        self.bylinePrefixBytes = bylinePrefixes.map { Array($0.utf8) }
    }
    static let creditTails: [[UInt8]] = [" / foto", " | foto", "/ photo", "| photo", "/ bild:", "| bild:", "©"].map { Array($0.utf8) }

    /// A line compared against the lists: lowercased (ASCII and Latin-1), whitespace collapsed,
    /// trailing `:`, `»`, `>`, `›`, `…` and `...` removed.
    public static func normalise(_ line: some StringProtocol) -> String {
        var bytes = ByteWords.lowercased(line.utf8)
        while let last = bytes.last {
            if last == 0x3A || last == 0x3E || last == 0x20 || last == 0x2E {
                bytes.removeLast()
            } else if bytes.count >= 2, last == 0xBB, bytes[bytes.count - 2] == 0xC2 {
                bytes.removeLast(2)  // »
            } else if bytes.count >= 3, bytes[bytes.count - 3] == 0xE2, bytes[bytes.count - 2] == 0x80, last == 0xA6 || last == 0xBA {
                bytes.removeLast(3)  // … ›
            } else {
                break
            }
        }
        return bytes.withUnsafeBufferPointer { PlainTextParser.collapseWhitespace($0) }
    }

    /// The same, for any text (kept for callers that want Character semantics).
    static func normaliseSlow(_ line: some StringProtocol) -> String {
        var result = ""
        var pendingSpace = false
        for character in line {
            if character.isWhitespace {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace {
                result.append(" ")
                pendingSpace = false
            }
            result.append(contentsOf: character.lowercased())
        }
        while let last = result.last, last == ":" || last == "»" || last == ">" || last == "…" || last == " " || last == "›" {
            result.removeLast()
        }
        while result.hasSuffix("...") { result.removeLast(3) }
        return result
    }

    /// What a line is, when it is not journalism.
    public enum Verdict: Equatable, Sendable {
        case furniture
        case teaserMarker
        case endMarker
        case photoCredit
        /// An agency/author tag such as `A.Parker--TNT`.
        case authorTag(String)
        case byline(String)
    }

    public func verdict(for line: String) -> Verdict? {
        // Furniture is short; a long line is prose.
        let length = line.utf8.count
        if length > 200 { return nil }
        let lowered = ByteSearch.asciiLowercased(line.utf8)
        if endMarkerPrefixes.contains(where: { lowered.starts(with: $0) }) { return .endMarker }
        if length <= 80 {
            let normalised = Self.normalise(line)
            if normalised.isEmpty { return .furniture }
            if furniture.contains(normalised) { return .furniture }
            if teaserMarkers.contains(normalised) { return .teaserMarker }
            if endMarkers.contains(normalised) || line == "-- " || line == "--" { return .endMarker }
            if lowered.contains(0x2D), let tag = Self.authorTag(line) { return .authorTag(tag) }
        }
        // A credit line is short and names a credit, or ends with one after a slash or a pipe.
        if length <= 120 {
            if creditMarkerBytes.contains(where: { ByteSearch.contains(lowered, $0) }) { return .photoCredit }
        } else if Self.creditTails.contains(where: { ByteSearch.contains(lowered, $0) }) {
            return .photoCredit
        }
        if length <= 80, bylinePrefixBytes.contains(where: { lowered.starts(with: $0) }), let byline = byline(line) {
            return .byline(byline)
        }
        return nil
    }

    /// `A.Parker--TNT`, `mm--dpa`: a name or initials, two dashes, an agency code.
    static func authorTag(_ line: String) -> String? {
        let trimmed = line.trimmingWhitespace()
        guard trimmed.count <= 40, let range = trimmed.firstRange(of: "--") else { return nil }
        let name = trimmed[..<range.lowerBound]
        let agency = trimmed[range.upperBound...]
        guard !name.isEmpty, name.count <= 30, !agency.isEmpty, agency.count <= 8,
            agency.allSatisfy({ $0.isLetter || $0 == "/" }), name.allSatisfy({ $0.isLetter || $0 == "." || $0 == " " || $0 == "-" }),
            !name.contains(" ") || name.split(separator: " ").count <= 3
        else { return nil }
        return String(name)
    }

    /// `Von Anna Muster`, `By John Smith and Jane Doe`: short, capitalised names after the prefix.
    func byline(_ line: String) -> String? {
        let lowered = line.lowercased()
        guard let prefix = bylinePrefixes.first(where: { lowered.hasPrefix($0) }) else { return nil }
        let name = line.dropFirst(prefix.count).trimmingWhitespace()
        let words = name.split(separator: " ")
        guard !words.isEmpty, words.count <= 7, line.count <= 80, !name.hasSuffix("."),
            words.filter({ $0.first?.isUppercase == true }).count * 2 >= words.count
        else { return nil }
        return name
    }
}
