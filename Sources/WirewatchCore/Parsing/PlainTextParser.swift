#if canImport(Glibc)
import Glibc
#endif

/// Plain text with the header habits of real feeds: a ` date 2024-06` prefix glued to the first
/// line, `SITE - TITLE` first lines, repeated title lines, date lines (`18 Jun 2024`,
/// `18. Juni 2024`), tag lines and bylines before the body.
public struct PlainTextParser: Sendable {
    public init() {}

    /// - Parameter title: the title the container already gave (a mail's subject): then the text's
    ///   first line is the title only if it repeats it.
    public func draft(_ text: String, title: String? = nil) -> ArticleDraft {
        var draft = ArticleDraft()
        if let title { draft.set(\.title, title, field: "title", rule: "container") }
        var blocks = Self.rawBlocks(text)
        guard !blocks.isEmpty else { return draft }

        // " date 2024-06 Vor dem Hintergrund ..." / "date: 2024-06-18 Title"
        if let (date, rest) = Self.datePrefix(blocks[0][0]) {
            draft.set(\.published, date, field: "published", rule: "date prefix")
            if rest.isEmpty {
                blocks[0].removeFirst()
                if blocks[0].isEmpty { blocks.removeFirst() }
            } else {
                blocks[0][0] = rest
            }
        }
        guard !blocks.isEmpty else { return draft }

        // Header zone: short single lines before the first real paragraph.
        var headerLines: [String] = []
        while let first = blocks.first, first.count <= 3, first.allSatisfy(Self.isHeaderLike),
            first.count == 1 || Self.paragraphs(first).count > 1, headerLines.count < 8, blocks.count > 1,
            // After the title, a full sentence is the body's first paragraph, however short.
            (headerLines.isEmpty && title == nil) || !(first.count == 1 && Self.isSentence(first[0]) && DateParser.parse(first[0]) == nil)
        {
            headerLines.append(contentsOf: first)
            blocks.removeFirst()
        }
        readHeader(headerLines, into: &draft, remaining: Array(blocks.prefix(3)))

        for block in blocks {
            for paragraph in Self.paragraphs(block) {
                let isHeading = block.count == 1 && Self.isHeadingLike(paragraph)
                draft.blocks.append(Block(isHeading ? .heading : .paragraph, paragraph))
            }
        }
        return draft
    }

    /// Header lines: `SITE - TITLE`, the title, date lines, bylines, tag lines.
    private func readHeader(_ lines: [String], into draft: inout ArticleDraft, remaining: [[String]]) {
        var seen: [String] = []
        for line in lines {
            if let date = DateParser.parse(line) {
                draft.set(\.published, date, field: "published", rule: "date line")
                continue
            }
            if draft.title == nil {
                if let (site, title) = Self.siteAndTitle(line, otherLines: lines + remaining.flatMap { $0.prefix(1) }) {
                    draft.set(\.source, site, field: "source", rule: "SITE - TITLE line")
                    draft.set(\.title, title, field: "title", rule: "SITE - TITLE line")
                } else {
                    draft.set(\.title, line, field: "title", rule: "first line")
                }
                seen.append(line)
                continue
            }
            if let title = draft.title, ArticleAssembler.comparable(line).starts(with: ArticleAssembler.comparable(title)) {
                continue  // repeated title, possibly with a credit after it
            }
            if let byline = BoilerplateRules.standard.byline(line) {
                draft.set(\.author, byline, field: "author", rule: "byline")
                continue
            }
            // Anything else this short in the header is a tag or kicker line.
            draft.rules["tags"] = (draft.rules["tags"].map { $0 + "; " } ?? "") + line
        }
        if draft.rules["tags"] != nil { draft.rules["tags"] = "tag lines: " + draft.rules["tags"]! }
    }

    /// Lines grouped by blank lines, each trimmed and with whitespace collapsed.
    static func rawBlocks(_ text: String) -> [[String]] {
        var blocks: [[String]] = []
        var current: [String] = []
        let utf8 = text.utf8
        ByteWords.withBytes(of: text) { buffer in
            guard let base = buffer.baseAddress else { return }
            var lineStart = 0
            while lineStart <= buffer.count {
                let index: Int
                if lineStart < buffer.count, let newline = memchr(base + lineStart, 0x0A, buffer.count - lineStart) {
                    index = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                } else {
                    index = buffer.count
                }
                let range = lineStart..<index
                lineStart = index + 1
                let line: String
                if let clean = cleanRange(UnsafeBufferPointer(rebasing: buffer[range])) {
                    // Already tidy: slice the validated string instead of decoding the bytes again.
                    let from = utf8.index(utf8.startIndex, offsetBy: range.lowerBound + clean.lowerBound)
                    let to = utf8.index(from, offsetBy: clean.count)
                    line = String(Substring(utf8[from..<to]))
                } else {
                    line = collapseWhitespace(UnsafeBufferPointer(rebasing: buffer[range]))
                }
                if line.isEmpty {
                    if !current.isEmpty {
                        blocks.append(current)
                        current = []
                    }
                } else {
                    current.append(line)
                }
            }
        }
        if !current.isEmpty { blocks.append(current) }
        return blocks
    }

    /// The range of a line without one trailing space, when nothing else needs collapsing.
    static func cleanRange(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        var previousSpace = true
        for byte in bytes {
            if byte == 0x20 {
                if previousSpace { return nil }
                previousSpace = true
            } else if byte < 0x20 || byte == 0xC2 || byte == 0xE2 || byte == 0xE3 {
                return nil
            } else {
                previousSpace = false
            }
        }
        return 0..<(bytes.last == 0x20 ? bytes.count - 1 : bytes.count)
    }

    /// A block's lines as paragraphs: hard-wrapped prose is joined, one-paragraph-per-line text is not.
    static func paragraphs(_ block: [String]) -> [String] {
        guard block.count > 1 else { return block }
        let wrapped = block.dropLast().filter { line in
            line.utf8.count >= 40 && line.utf8.count <= 110 && !(line.last.map(isSentenceEnd) ?? false)
        }
        if wrapped.count * 2 >= block.count - 1 {
            return [block.joined(separator: " ")]
        }
        return block
    }

    static func isSentenceEnd(_ character: Character) -> Bool {
        character == "." || character == "!" || character == "?" || character == "\"" || character == "“"
            || character == "»" || character == "«" || character == "”" || character == ":" || character == ")"
    }

    /// A sentence of the body: five or more words ending in `.`, `!` or `?` (perhaps inside a
    /// closing quote), which tag and kicker lines do not.
    static func isSentence(_ line: String) -> Bool {
        var end = line.unicodeScalars.last
        if let last = end, "“”»«\")'’".unicodeScalars.contains(last) {
            end = line.unicodeScalars.dropLast().last
        }
        guard let end, end == "." || end == "!" || end == "?" else { return false }
        if line.hasSuffix("...") || line.hasSuffix("…") { return false }
        return line.utf8.count(where: { $0 == 0x20 }) >= 4
    }

    /// Short enough to be a title, date, byline or tag line.
    static func isHeaderLike(_ line: String) -> Bool {
        let length = line.utf8.count
        guard length <= 220 else { return false }
        let ellipsis = line.hasSuffix("...") || line.hasSuffix("…")
        // A line of several sentences is a paragraph; a title may end in an ellipsis.
        let sentences = line.last == "." && !ellipsis && ByteSearch.contains(Array(line.utf8), [0x2E, 0x20])
        return (length <= 130 || line.last != "." || ellipsis) && line.utf8.count(where: { $0 == 0x20 }) < 30 && !sentences
    }

    /// A subheading: one short line without closing punctuation.
    static func isHeadingLike(_ line: String) -> Bool {
        guard line.utf8.count <= 110, line.utf8.count(where: { $0 == 0x20 }) < 12, let last = line.last else { return false }
        return !(last == "." || last == "," || last == ";" || last == ":" || last == "!" || last == "?")
            && line.first.map { $0.isUppercase || $0.isNumber || $0 == "\"" || $0 == "„" || $0 == "»" } == true
    }

    /// `date 2024-06 ...` at the very start (leading spaces allowed): the date and the rest.
    static func datePrefix(_ line: String) -> (PublishedDate, String)? {
        let bytes = Array(line.utf8)
        var index = 0
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
        guard index + 4 <= bytes.count, ByteSearch.asciiLowercased(bytes[index..<index + 4]) == Array("date".utf8) else { return nil }
        index += 4
        if index < bytes.count, bytes[index] == 0x3A { index += 1 }
        while index < bytes.count, bytes[index] == 0x20 { index += 1 }
        var end = index
        while end < bytes.count, bytes[end] != 0x20 && bytes[end] != 0x09 { end += 1 }
        guard let date = DateParser.parseISO(Substring(String(decoding: bytes[index..<end], as: UTF8.self))) else { return nil }
        while end < bytes.count, bytes[end] == 0x20 { end += 1 }
        return (date, String(decoding: bytes[end...], as: UTF8.self))
    }

    /// `The National Times - Putin vereinbart ...`: a short site name, a separator, a title that
    /// appears again on its own (or a site name that looks like one).
    static func siteAndTitle(_ line: String, otherLines: [String]) -> (String, String)? {
        let bytes = Array(line.utf8)
        // Every separator has a space before it and a space after it.
        guard bytes.count > 4, ByteSearch.contains(bytes, [0x20, 0x2D, 0x20]) || ByteSearch.contains(bytes, [0x20, 0x7C, 0x20])
            || ByteSearch.contains(bytes, [0x20, 0xE2, 0x80])
        else { return nil }
        for separator in [" - ", " | ", " – ", " — "] {
            let needle = Array(separator.utf8)
            guard let position = ByteSearch.firstIndex(bytes, needle) else { continue }
            let site = String(decoding: bytes[..<position], as: UTF8.self).trimmingWhitespace()
            let title = String(decoding: bytes[(position + needle.count)...], as: UTF8.self).trimmingWhitespace()
            guard !site.isEmpty, !title.isEmpty, site.split(separator: " ").count <= 5 else { continue }
            let key = ArticleAssembler.comparable(title)
            // Only the start of each other line can repeat the title.
            let repeated = otherLines.contains { other in
                other != line && ArticleAssembler.comparable(String(decoding: other.utf8.prefix(title.utf8.count * 2 + 16), as: UTF8.self)).starts(with: key)
            }
            let siteLike = site.contains(".") && !site.contains(" ") || site.hasSuffix("News") || site.hasSuffix("Times")
            if repeated || siteLike { return (site, title) }
        }
        return nil
    }

    /// Trims and collapses runs of whitespace: spaces, tabs, line breaks, no-break and other
    /// Unicode spaces (U+00A0, U+2000–U+200A, U+202F, U+3000), all at the byte level.
    static func collapseWhitespace(_ line: Substring) -> String {
        var copy = Array(line.utf8)
        return copy.withUnsafeMutableBufferPointer { collapseWhitespace(UnsafeBufferPointer($0)) }
    }

    static func collapseWhitespace(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if let clean = cleanRange(bytes) {
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[clean]), as: UTF8.self)
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var pendingSpace = false
        var position = 0
        while position < bytes.count {
            let byte = bytes[position]
            var spaceLength = 0
            if byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) {
                spaceLength = 1
            } else if byte == 0xC2, position + 1 < bytes.count, bytes[position + 1] == 0xA0 {
                spaceLength = 2
            } else if byte == 0xE2, position + 2 < bytes.count, bytes[position + 1] == 0x80,
                bytes[position + 2] <= 0x8A || bytes[position + 2] == 0xAF
            {
                spaceLength = 3
            } else if byte == 0xE3, position + 2 < bytes.count, bytes[position + 1] == 0x80, bytes[position + 2] == 0x80 {
                spaceLength = 3
            } else if byte < 0x20 {
                position += 1  // other control characters are dropped
                continue
            }
            if spaceLength > 0 {
                pendingSpace = !output.isEmpty
                position += spaceLength
                continue
            }
            if pendingSpace {
                output.append(0x20)
                pendingSpace = false
            }
            output.append(byte)
            position += 1
        }
        return String(decoding: output, as: UTF8.self)
    }
}
