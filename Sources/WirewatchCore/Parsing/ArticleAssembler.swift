/// A piece of a document's body before cleaning: a paragraph or a heading.
public struct Block: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case paragraph, heading
    }

    public var kind: Kind
    public var text: String

    public init(_ kind: Kind, _ text: String) {
        self.kind = kind
        self.text = text
    }
}

/// What a format parser found before the shared cleaning: metadata with the rule that found each
/// field, and the body as blocks.
public struct ArticleDraft: Sendable {
    public var title: String?
    public var source: String?
    public var published: PublishedDate?
    public var author: String?
    public var url: String?
    public var language: String?
    public var blocks: [Block] = []
    public var rules: [String: String] = [:]

    public init() {}

    /// Sets a field once: the first rule to find a value wins.
    mutating func set<Value>(_ keyPath: WritableKeyPath<ArticleDraft, Value?>, _ value: Value?, field: String, rule: String) {
        guard self[keyPath: keyPath] == nil, let value else { return }
        if let text = value as? String, text.trimmingWhitespace().isEmpty { return }
        self[keyPath: keyPath] = value
        rules[field] = rule
    }
}

/// Turns a draft into an article with the same rules for every format: furniture, credits, author
/// tags, teaser blocks and repeated titles go; headings split sections; a roundup's sections about
/// other events are marked as not the lead.
public struct ArticleAssembler: Sendable {
    public var rules: BoilerplateRules

    public init(rules: BoilerplateRules = .standard) {
        self.rules = rules
    }

    public func assemble(_ draft: ArticleDraft, format: Article.Format, encoding: String) throws(ParseError) -> Article {
        var draft = draft
        var kept: [Block] = []
        let titleKey = draft.title.map(Self.comparable)
        let titleLength = draft.title?.utf8.count ?? 0
        var removed: [String: Int] = [:]
        loop: for block in draft.blocks {
            let text = block.text
            if text.isEmpty { continue }
            if let titleKey, text.utf8.count <= titleLength * 2 + 40, Self.comparable(text) == titleKey {
                removed["repeated title", default: 0] += 1
                continue
            }
            // A block that is only a date is a dateline: metadata, not text.
            if text.utf8.count <= 60, let date = DateParser.parse(text) {
                draft.set(\.published, date, field: "published", rule: "dateline")
                removed["dateline", default: 0] += 1
                continue
            }
            switch rules.verdict(for: text) {
            case .furniture?:
                removed["furniture", default: 0] += 1
            case .photoCredit?:
                removed["photo credit", default: 0] += 1
            case .authorTag(let name)?:
                draft.set(\.author, name, field: "author", rule: "author tag")
                removed["author tag", default: 0] += 1
            case .byline(let name)?:
                if kept.count <= 2 {
                    draft.set(\.author, name, field: "author", rule: "byline")
                    removed["byline", default: 0] += 1
                } else {
                    kept.append(Block(block.kind, text))
                }
            case .teaserMarker?:
                if kept.contains(where: { $0.kind == .paragraph }) {
                    removed["teaser block", default: 0] += 1
                    break loop
                }
                removed["furniture", default: 0] += 1
            case .endMarker?:
                if kept.contains(where: { $0.kind == .paragraph }) {
                    removed["end marker", default: 0] += 1
                    break loop
                }
            case nil:
                kept.append(Block(block.kind, text))
            }
        }
        // Short lines and nothing else (a one-line note): they are the text, not headings.
        if !kept.contains(where: { $0.kind == .paragraph }) {
            kept = kept.map { Block(.paragraph, $0.text) }
        }
        // A heading with nothing after it is furniture (a dangling "Mehr zum Thema").
        while kept.last?.kind == .heading { kept.removeLast() }
        guard kept.contains(where: { $0.kind == .paragraph }) else {
            throw ParseError(.noBody, "no article text was found")
        }
        var sections = Self.sections(kept)
        Self.markLeadContinuations(&sections)
        var rulesApplied = draft.rules
        rulesApplied["body"] = rulesApplied["body"] ?? "paragraphs"
        if !removed.isEmpty {
            rulesApplied["removed"] = removed.keys.sorted().map { "\($0) ×\(removed[$0]!)" }.joined(separator: ", ")
        }
        if sections.count > 1 {
            rulesApplied["sections"] = "\(sections.count) sections at subheadings; \(sections.filter(\.isLead).count) about the lead story"
        }
        var title = draft.title
        if title == nil, let first = sections.first?.paragraphs.first {
            title = Self.firstSentence(first)
            rulesApplied["title"] = "first sentence"
        }
        var language = draft.language
        if language == nil {
            // The first paragraphs are enough to tell the language.
            language = LanguageDetector.detect(paragraphs: sections.lazy.flatMap(\.paragraphs))
            rulesApplied["language"] = "function words"
        }
        let published = draft.published?.readingSlashes(as: language)
        if draft.published?.dayMonthOrderUnknown == true, let rule = rulesApplied["published"] {
            rulesApplied["published"] = rule + (language == "en" ? ", month first (English)" : ", day first")
        }
        return Article(
            title: title, sections: sections, source: draft.source, published: published, author: draft.author,
            language: language, url: draft.url, format: format, encoding: encoding, rules: rulesApplied)
    }

    /// Headings followed by paragraphs start sections; the first section is the lead.
    static func sections(_ blocks: [Block]) -> [Article.Section] {
        var sections: [Article.Section] = [Article.Section(heading: nil, paragraphs: [], isLead: true)]
        for block in blocks {
            switch block.kind {
            case .heading:
                if sections[sections.count - 1].paragraphs.isEmpty && sections.count > 1 {
                    // Two headings in a row: keep the later one.
                    sections[sections.count - 1].heading = block.text
                } else if sections.count == 1 && sections[0].paragraphs.isEmpty {
                    // A heading before any text belongs to the lead section.
                    sections[0].heading = block.text
                } else {
                    sections.append(Article.Section(heading: block.text, paragraphs: [], isLead: false))
                }
            case .paragraph:
                sections[sections.count - 1].paragraphs.append(block.text)
            }
        }
        return sections.filter { !$0.paragraphs.isEmpty }
    }

    /// A later section whose own most frequent names (people, places, organisations) already appear
    /// in the lead section is a subheaded continuation of the same story; a section led by names
    /// the lead never mentions (a roundup's other events) is not. At least two of its four leading
    /// names must be known from the lead.
    static func markLeadContinuations(_ sections: inout [Article.Section]) {
        guard sections.count > 1 else { return }
        let lead = HashSet64(NameTerms.occurrences(paragraphs: sections[0].paragraphs))
        for index in 1..<sections.count {
            let heading = NameTerms.occurrences(sections[index].heading ?? "", headline: true)
            // Heading names count twice: once as written, once more for being the heading.
            let top = NameTerms.mostFrequent(heading + heading + NameTerms.occurrences(paragraphs: sections[index].paragraphs), 4)
            guard !top.isEmpty else { continue }
            let known = top.filter { lead.contains($0) }.count
            sections[index].isLead = known * 2 >= top.count
        }
    }

    /// The first sentence of a paragraph (up to 200 characters), for articles without a headline.
    static func firstSentence(_ paragraph: String) -> String {
        var previous: Character = " "
        var index = paragraph.startIndex
        while index < paragraph.endIndex {
            let character = paragraph[index]
            let next = paragraph.index(after: index)
            if (character == "." || character == "!" || character == "?") && !previous.isNumber,
                next == paragraph.endIndex || paragraph[next] == " ",
                paragraph.distance(from: paragraph.startIndex, to: index) >= 20
            {
                return String(paragraph[...index])
            }
            previous = character
            index = next
        }
        return paragraph.count <= 200 ? paragraph : String(paragraph.prefix(200)) + "…"
    }

    /// Case, whitespace and punctuation folded, for comparing titles with lines.
    static func comparable(_ text: String) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count)
        ByteWords.withBytes(of: text) { bytes in
            ByteWords.forEach(in: bytes) { word in
                result += ByteWords.lowercased(word.bytes)
                return true
            }
        }
        return result
    }
}

/// Name-like terms: capitalised words that do not start a sentence, as a cheap stand-in for named
/// entities that works for German (where every noun is capitalised, so the sentence-start rule and
/// a minimum length keep the set to proper names and salient nouns) and English.
enum NameTerms {
    /// Each occurrence of a name-like term, as the hash of its folded form. In a headline every
    /// capitalised word counts.
    static func occurrences(_ text: String, headline: Bool = false) -> [UInt64] {
        occurrences(paragraphs: [text], headline: headline)
    }

    /// The same over paragraphs, read in place (each starts a sentence).
    static func occurrences(paragraphs: [String], headline: Bool = false) -> [UInt64] {
        var names: [UInt64] = []
        for paragraph in paragraphs {
            ByteWords.withBytes(of: paragraph) { bytes in
                ByteWords.forEachCapitalised(in: bytes, includingSentenceStarts: headline) { word in
                    if word.count >= 4 { names.append(key(word)) }
                }
            }
        }
        return names
    }

    /// The folded form's hash: lowercased, a German genitive/plural `-s` dropped (`Nordkoreas`).
    static func key(_ word: ByteWords.Bytes) -> UInt64 {
        var bytes = word
        if bytes.count > 5, bytes.last == 0x73, bytes[bytes.endIndex - 2] != 0x73 { bytes = bytes.dropLast() }
        return ByteWords.hash(lowercasing: bytes)
    }

    /// The `count` most frequent values; ties go to the value that occurs first.
    static func mostFrequent(_ values: [UInt64], _ count: Int) -> [UInt64] {
        var runs: [(value: UInt64, count: Int)] = []
        for value in values.sorted() {
            if runs.last?.value == value { runs[runs.count - 1].count += 1 } else { runs.append((value, 1)) }
        }
        guard runs.count > count else { return firstOccurrenceOrder(runs.map(\.value), in: values) }
        runs.sort { $0.count > $1.count }
        // Everything tied with the last place competes on first occurrence.
        let cutoff = runs[count - 1].count
        let sure = runs.prefix { $0.count > cutoff }.map(\.value)
        let tied = runs.filter { $0.count == cutoff }.map(\.value)
        return sure + firstOccurrenceOrder(tied, in: values).prefix(count - sure.count)
    }

    /// `candidates` ordered by where each first occurs in `values`.
    private static func firstOccurrenceOrder(_ candidates: [UInt64], in values: [UInt64]) -> [UInt64] {
        let wanted = HashSet64(candidates)
        var seen: [UInt64] = []
        for value in values where wanted.contains(value) && !seen.contains(value) {
            seen.append(value)
            if seen.count == candidates.count { break }
        }
        return seen
    }
}
