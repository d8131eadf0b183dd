/// RFC 5322 mail (`.eml`): headers (folded, RFC 2047 encoded words), MIME multipart with text/plain
/// preferred over text/html, quoted-printable and base64, charsets. Subject, From and Date give the
/// title, source and date.
public struct EmailParser: Sendable {
    public init() {}

    struct Part {
        var headers: [(String, String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.0 == name }?.1
        }

        /// `text/plain; charset="utf-8"` → ("text/plain", ["charset": "utf-8"]).
        var contentType: (type: String, parameters: [String: String]) {
            EmailParser.parameters(header("content-type") ?? "text/plain")
        }
    }

    /// The draft, the encoding of the chosen part, and that part's format.
    public func draft(_ bytes: [UInt8]) throws(ParseError) -> (ArticleDraft, String, Article.Format) {
        let message = Self.split(bytes[...])
        guard !message.headers.isEmpty else { throw ParseError(.malformedEmail, "the mail has no headers") }
        var draft = ArticleDraft()
        if let subject = message.header("subject") {
            draft.set(\.title, Self.cleanSubject(Self.decodeWords(subject)), field: "title", rule: "Subject header")
        }
        if let from = message.header("from") {
            draft.set(\.source, Self.displayName(Self.decodeWords(from)), field: "source", rule: "From header")
        }
        if let date = message.header("date") {
            draft.set(\.published, DateParser.parse(date), field: "published", rule: "Date header")
        }
        var leaves: [Part] = []
        Self.collectLeaves(message, into: &leaves, depth: 0)
        let plain = leaves.first { $0.contentType.type == "text/plain" && !Self.isEmpty(Self.decodedBody($0).text) }
        let html = leaves.first { $0.contentType.type == "text/html" }
        if let plain {
            let (text, encoding) = Self.decodedBody(plain)
            let body = PlainTextParser().draft(Self.dropURLLines(text), title: draft.title)
            draft.blocks = body.blocks
            // A first line that repeats the subject is dropped later as a repeated title.
            if draft.title == nil, let title = body.title { draft.set(\.title, title, field: "title", rule: "first line") }
            draft.rules["body"] = "text/plain part"
            return (draft, encoding, .text)
        }
        if let html {
            let (text, encoding) = Self.decodedBody(html)
            let (inner, _) = try HTMLArticleParser().draft(Array(text.utf8))
            draft.blocks = inner.blocks
            if draft.title == nil { draft.set(\.title, inner.title, field: "title", rule: "html part title") }
            draft.rules["body"] = "text/html part"
            return (draft, encoding, .html)
        }
        throw ParseError(.noBody, "the mail has no text/plain or text/html part with text")
    }

    static func isEmpty(_ text: String) -> Bool { text.allSatisfy(\.isWhitespace) }

    /// Headers and body of a message or part (split at the first empty line).
    static func split(_ bytes: ArraySlice<UInt8>) -> Part {
        var index = bytes.startIndex
        var headerEnd = bytes.endIndex
        var bodyStart = bytes.endIndex
        while index < bytes.endIndex {
            if bytes[index] == 0x0A {
                let next = index + 1
                if next < bytes.endIndex, bytes[next] == 0x0A {
                    headerEnd = index
                    bodyStart = next + 1
                    break
                }
                if next + 1 < bytes.endIndex, bytes[next] == 0x0D, bytes[next + 1] == 0x0A {
                    headerEnd = index
                    bodyStart = next + 2
                    break
                }
            }
            index += 1
        }
        let headerText = String(decoding: bytes[bytes.startIndex..<headerEnd], as: UTF8.self)
        var headers: [(String, String)] = []
        for line in headerText.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].1 += " " + line.trimmingWhitespace()
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].lowercased()
                guard !name.contains(" ") else { continue }
                headers.append((name, line[line.index(after: colon)...].trimmingWhitespace()))
            }
        }
        return Part(headers: headers, body: Array(bytes[min(bodyStart, bytes.endIndex)...]))
    }

    static func collectLeaves(_ part: Part, into leaves: inout [Part], depth: Int) {
        let (type, parameters) = part.contentType
        if type.hasPrefix("multipart/"), let boundary = parameters["boundary"], depth < 8 {
            for child in splitMultipart(part.body, boundary: boundary) {
                collectLeaves(split(child[...]), into: &leaves, depth: depth + 1)
            }
            return
        }
        if type == "message/rfc822", depth < 8 {
            collectLeaves(split(part.body[...]), into: &leaves, depth: depth + 1)
            return
        }
        if part.header("content-disposition")?.lowercased().hasPrefix("attachment") == true { return }
        leaves.append(part)
    }

    static func splitMultipart(_ body: [UInt8], boundary: String) -> [[UInt8]] {
        let delimiter = Array(("--" + boundary).utf8)
        var parts: [[UInt8]] = []
        var current: [UInt8]?
        var lineStart = 0
        var index = 0
        while index <= body.count {
            if index == body.count || body[index] == 0x0A {
                var line = body[lineStart..<index]
                if line.last == 0x0D { line = line.dropLast() }
                if line.starts(with: delimiter) {
                    if let finished = current { parts.append(finished) }
                    let rest = line.dropFirst(delimiter.count)
                    if rest.starts(with: [0x2D, 0x2D]) { return parts }
                    current = []
                } else if current != nil {
                    current!.append(contentsOf: body[lineStart..<min(index + 1, body.count)])
                }
                lineStart = index + 1
            }
            index += 1
        }
        if let finished = current { parts.append(finished) }
        return parts
    }

    /// The part's body with its transfer encoding undone and its charset decoded.
    static func decodedBody(_ part: Part) -> (text: String, encoding: String) {
        let transfer = part.header("content-transfer-encoding")?.lowercased() ?? "7bit"
        let raw: [UInt8]
        switch transfer {
        case "quoted-printable": raw = quotedPrintable(part.body, header: false)
        case "base64": raw = base64(part.body)
        default: raw = part.body
        }
        return Charsets.decode(raw, declared: part.contentType.parameters["charset"])
    }

    static func quotedPrintable(_ bytes: [UInt8], header: Bool) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x41...0x46: byte - 0x41 + 10
            case 0x61...0x66: byte - 0x61 + 10
            default: nil
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "=") {
                if index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                    index += 2
                    continue
                }
                if index + 2 < bytes.count, bytes[index + 1] == 0x0D, bytes[index + 2] == 0x0A {
                    index += 3
                    continue
                }
                if index + 2 < bytes.count, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) {
                    output.append(high << 4 | low)
                    index += 3
                    continue
                }
            }
            output.append(header && byte == UInt8(ascii: "_") ? 0x20 : byte)
            index += 1
        }
        return output
    }

    static func base64(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            let value: UInt32
            switch byte {
            case 0x41...0x5A: value = UInt32(byte - 0x41)
            case 0x61...0x7A: value = UInt32(byte - 0x61 + 26)
            case 0x30...0x39: value = UInt32(byte - 0x30 + 52)
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="): return output
            default: continue
            }
            buffer = buffer << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
            }
        }
        return output
    }

    /// RFC 2047: `=?utf-8?Q?Gr=C3=BC=C3=9Fe?=`, `=?iso-8859-1?B?...?=`.
    static func decodeWords(_ text: String) -> String {
        guard text.contains("=?") else { return text }
        var result = ""
        var rest = Substring(text)
        var previousWasWord = false
        while let start = rest.firstRange(of: "=?") {
            let before = rest[..<start.lowerBound]
            if !(previousWasWord && before.allSatisfy(\.isWhitespace)) { result += before }
            let afterStart = rest[start.upperBound...]
            let parts = afterStart.split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, parts[3].hasPrefix("=") else {
                result += "=?"
                rest = afterStart
                previousWasWord = false
                continue
            }
            let charset = String(parts[0])
            let encoding = parts[1].lowercased()
            let payload = Array(parts[2].utf8)
            let bytes = encoding == "b" ? base64(payload) : quotedPrintable(payload, header: true)
            result += Charsets.decode(bytes, declared: charset).text
            rest = parts[3].dropFirst()
            previousWasWord = true
        }
        return result + rest
    }

    /// `"Der Newsletter" <news@example.com>` → `Der Newsletter`; a bare address gives its domain.
    static func displayName(_ from: String) -> String {
        if let angle = from.firstIndex(of: "<") {
            let name = from[..<angle].trimmingWhitespace().trimmingQuotes()
            if !name.isEmpty { return name }
            let address = from[from.index(after: angle)...].prefix { $0 != ">" }
            return address.split(separator: "@").last.map(String.init) ?? String(address)
        }
        return from.split(separator: "@").last.map(String.init) ?? from
    }

    /// Subjects without `Fwd:`/`WG:`/`AW:`/`Re:` and newsletter brackets such as `[Morning Brief]`.
    static func cleanSubject(_ subject: String) -> String {
        var text = Substring(subject.trimmingWhitespace())
        var changed = true
        while changed {
            changed = false
            for prefix in ["fwd:", "fw:", "wg:", "re:", "aw:", "tr:"] where text.lowercased().hasPrefix(prefix) {
                text = text.dropFirst(prefix.count).drop { $0 == " " }
                changed = true
            }
            if text.first == "[", let close = text.firstIndex(of: "]") {
                text = text[text.index(after: close)...].drop { $0 == " " }
                changed = true
            }
        }
        return String(text)
    }

    /// Lines that are only a link (`<https://…>`, `[1] https://…`) carry no journalism.
    static func dropURLLines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).filter { line in
            let trimmed = line.trimmingWhitespace().trimmingCharacters(where: { $0 == "<" || $0 == ">" || $0 == "(" || $0 == ")" })
            let withoutMarker = trimmed.drop { $0 == "[" || $0.isNumber || $0 == "]" || $0 == " " }
            return !(withoutMarker.hasPrefix("http://") || withoutMarker.hasPrefix("https://")) || withoutMarker.contains(" ")
        }.joined(separator: "\n")
    }

    /// `type/subtype; key=value; key="value"`.
    static func parameters(_ header: String) -> (String, [String: String]) {
        let pieces = header.split(separator: ";")
        let type = pieces.first.map { $0.trimmingWhitespace().lowercased() } ?? "text/plain"
        var parameters: [String: String] = [:]
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let key = piece[..<equals].trimmingWhitespace().lowercased()
            let value = piece[piece.index(after: equals)...].trimmingWhitespace().trimmingQuotes()
            parameters[key] = value
        }
        return (type, parameters)
    }
}

extension String {
    func trimmingCharacters(where predicate: (Character) -> Bool) -> String {
        String(drop(while: predicate).reversed().drop(while: predicate).reversed())
    }
}
