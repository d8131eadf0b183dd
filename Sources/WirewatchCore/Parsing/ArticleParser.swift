/// Turns a file's bytes into an ``Article``: sniffs the format from the content first and the file
/// name second, decodes the text, runs the format's parser and the shared cleaning.
public struct ArticleParser: Sendable {
    public var assembler = ArticleAssembler()
    /// Larger inputs are refused.
    public var maximumSize: Int

    public init(maximumSize: Int = 10 << 20) {
        self.maximumSize = maximumSize
    }

    /// Parses `bytes`; `fileName` helps sniffing and names the file in errors.
    public func parse(_ bytes: [UInt8], fileName: String? = nil) throws(ParseError) -> Article {
        do {
            return try parseUnnamed(bytes, fileName: fileName)
        } catch {
            var named = error
            named.file = fileName
            throw named
        }
    }

    private func parseUnnamed(_ bytes: [UInt8], fileName: String?) throws(ParseError) -> Article {
        if let rejection = ContentScreening.rejection(for: bytes, limit: Int64(maximumSize)) {
            switch rejection {
            case .empty: throw ParseError(.empty, rejection.description)
            case .whitespaceOnly: throw ParseError(.whitespaceOnly, rejection.description)
            case .tooLarge: throw ParseError(.tooLarge, rejection.description)
            case .binary: throw ParseError(.binary, rejection.description)
            }
        }
        let format = FormatSniffer.sniff(bytes, fileName: fileName)
        switch format {
        case .html:
            let (draft, encoding) = try HTMLArticleParser().draft(bytes)
            return try assembler.assemble(draft, format: .html, encoding: encoding)
        case .email:
            let (draft, encoding, innerFormat) = try EmailParser().draft(bytes)
            var article = try assembler.assemble(draft, format: .email, encoding: encoding)
            if innerFormat == .html { article.rules["body"] = "html part" }
            return article
        case .json:
            let decoded = DecodedText.decode(bytes)
            let draft = try JSONArticleParser().draft(decoded.text)
            return try assembler.assemble(draft, format: .json, encoding: decoded.encoding.rawValue)
        case .markdown:
            let decoded = DecodedText.decode(bytes)
            return try assembler.assemble(MarkdownParser().draft(decoded.text), format: .markdown, encoding: decoded.encoding.rawValue)
        case .text:
            let decoded = DecodedText.decode(bytes)
            return try assembler.assemble(PlainTextParser().draft(decoded.text), format: .text, encoding: decoded.encoding.rawValue)
        }
    }
}

/// Recognises a file's format: content first, then the file name's extension.
public enum FormatSniffer {
    public static func sniff(_ bytes: [UInt8], fileName: String?) -> Article.Format {
        var start = bytes.startIndex
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start += 3 }
        while start < bytes.endIndex, bytes[start] == 0x20 || bytes[start] == 0x09 || bytes[start] == 0x0A || bytes[start] == 0x0D {
            start += 1
        }
        let head = bytes[start..<min(bytes.endIndex, start + 1024)]
        let hasMarkup = head.contains(UInt8(ascii: "<"))
        let lowered = hasMarkup ? ByteSearch.asciiLowercased(head) : Array(head.prefix(8)).map { $0 | 0x20 }
        func has(_ text: String) -> Bool { hasMarkup && ByteSearch.contains(lowered, Array(text.utf8)) }
        func begins(_ text: String) -> Bool { lowered.starts(with: Array(text.utf8)) }
        if begins("<!doctype html") || begins("<html") || (begins("<?xml") && has("<html"))
            || (begins("<") && (has("<head") || has("<body") || has("<p>") || has("<div")))
        {
            return .html
        }
        if head.first == UInt8(ascii: "{") || head.first == UInt8(ascii: "[") { return .json }
        if begins("---\n") || begins("---\r\n") { return .markdown }
        if lowered.first.map({ $0 >= 0x61 && $0 <= 0x7A }) == true && looksLikeMailHeaders(Array(head)) {
            return .email
        }
        let name = fileName?.lowercased() ?? ""
        if name.hasSuffix(".html") || name.hasSuffix(".htm") || name.hasSuffix(".xhtml") { return .html }
        if name.hasSuffix(".eml") || name.hasSuffix(".mbox") { return .email }
        if name.hasSuffix(".json") || name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson") { return .json }
        if name.hasSuffix(".md") || name.hasSuffix(".markdown") { return .markdown }
        if has("<p>") || has("</p>") || has("<br") { return .html }
        return .text
    }

    /// Header lines `Name: value` at the top, with at least two of the usual mail headers.
    static func looksLikeMailHeaders(_ bytes: [UInt8]) -> Bool {
        let known: Set<String> = ["from", "to", "subject", "date", "message-id", "mime-version", "content-type", "received", "return-path", "reply-to", "delivered-to", "x-mailer"]
        var hits = 0
        var lineStart = 0
        var lines = 0
        while lineStart < bytes.count && lines < 20 {
            let lineEnd = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.count
            let line = bytes[lineStart..<lineEnd]
            lineStart = lineEnd + 1
            lines += 1
            if line.first == 0x20 || line.first == 0x09 { continue }
            guard let colon = line.firstIndex(of: 0x3A), colon - line.startIndex < 40 else { break }
            let name = String(decoding: ByteSearch.asciiLowercased(line[..<colon]), as: UTF8.self)
            guard !name.utf8.contains(0x20) else { break }
            if known.contains(name) { hits += 1 }
        }
        return hits >= 2
    }
}
