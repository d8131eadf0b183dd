/// A TOML value with the line it was written on, so configuration problems can point at it.
public struct TOMLValue: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case string(String)
        case integer(Int64)
        case float(Double)
        case boolean(Bool)
        case array([TOMLValue])
        case table(TOMLTable)
    }

    public var kind: Kind
    /// 1-based line of the value (for tables: of their header or first key).
    public var line: Int

    /// A word for the type, for error messages.
    public var typeName: String {
        switch kind {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a number"
        case .boolean: "a boolean"
        case .array: "an array"
        case .table: "a table"
        }
    }
}

/// A TOML table: keys in the order they were written, each with its value and line.
public struct TOMLTable: Sendable, Equatable {
    public private(set) var keys: [String] = []
    public private(set) var values: [String: TOMLValue] = [:]
    /// Line of the table's header or first key.
    public var line: Int

    public init(line: Int) {
        self.line = line
    }

    public subscript(key: String) -> TOMLValue? {
        values[key]
    }

    mutating func set(_ key: String, _ value: TOMLValue) {
        if values[key] == nil { keys.append(key) }
        values[key] = value
    }
}

/// A syntax error in a TOML document.
public struct TOMLSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var message: String

    public var description: String { "line \(line), column \(column): \(message)" }
}

/// A reader for the TOML that configuration files use: comments, tables, arrays of tables, dotted
/// keys, basic/literal/multi-line strings, integers, floats, booleans, arrays and inline tables.
/// (Dates and times are not needed by Wirewatch and are reported as errors.)
public struct TOMLParser {
    private let bytes: [UInt8]
    private var position = 0
    private var line = 1
    private var lineStart = 0

    public static func parse(_ text: String) throws(TOMLSyntaxError) -> TOMLTable {
        var parser = TOMLParser(bytes: Array(text.utf8))
        return try parser.document()
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    // MARK: Document structure

    private mutating func document() throws(TOMLSyntaxError) -> TOMLTable {
        var root = TOMLTable(line: 1)
        var currentPath: [String] = []
        var explicitlyDefined: Set<[String]> = []
        while true {
            skipWhitespaceCommentsAndNewlines()
            guard let byte = peek() else { break }
            if byte == UInt8(ascii: "[") {
                let headerLine = line
                advance()
                let isArray = peek() == UInt8(ascii: "[")
                if isArray { advance() }
                skipSpaces()
                let path = try keyPath()
                skipSpaces()
                try expect("]")
                if isArray { try expect("]") }
                try endOfLine()
                if isArray {
                    try appendTable(to: &root, path: path, line: headerLine)
                } else {
                    guard !explicitlyDefined.contains(path) else {
                        throw error("table [\(path.joined(separator: "."))] is defined twice", line: headerLine)
                    }
                    explicitlyDefined.insert(path)
                    try ensureTable(in: &root, path: path, line: headerLine)
                }
                currentPath = path
            } else {
                let keyLine = line
                let path = try keyPath()
                skipSpaces()
                try expect("=")
                skipSpaces()
                let value = try self.value()
                try endOfLine()
                try insert(value, at: currentPath, key: path, into: &root, line: keyLine)
            }
        }
        return root
    }

    private mutating func keyPath() throws(TOMLSyntaxError) -> [String] {
        var parts = [try key()]
        while true {
            skipSpaces()
            guard peek() == UInt8(ascii: ".") else { break }
            advance()
            skipSpaces()
            parts.append(try key())
        }
        return parts
    }

    private mutating func key() throws(TOMLSyntaxError) -> String {
        guard let byte = peek() else { throw error("expected a key, found the end of the file") }
        if byte == UInt8(ascii: "\"") { return try basicString() }
        if byte == UInt8(ascii: "'") { return try literalString() }
        let start = position
        while let byte = peek(), Self.isBareKey(byte) { advance() }
        guard position > start else { throw error("expected a key, found '\(Character(Unicode.Scalar(byte)))'") }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private static func isBareKey(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    private func tableAt(_ root: TOMLTable, _ path: [String]) -> TOMLTable? {
        var table = root
        for part in path {
            switch table[part]?.kind {
            case .table(let next): table = next
            case .array(let items):
                guard case .table(let last)? = items.last?.kind else { return nil }
                table = last
            default: return nil
            }
        }
        return table
    }

    /// Walks `path`, creating tables; the last element of an array of tables is descended into.
    private mutating func modify(
        _ table: inout TOMLTable, path: ArraySlice<String>, line: Int,
        _ body: (inout TOMLTable) throws(TOMLSyntaxError) -> Void
    ) throws(TOMLSyntaxError) {
        guard let first = path.first else {
            try body(&table)
            return
        }
        let rest = path.dropFirst()
        switch table[first]?.kind {
        case nil:
            var child = TOMLTable(line: line)
            try modify(&child, path: rest, line: line, body)
            table.set(first, TOMLValue(kind: .table(child), line: line))
        case .table(var child):
            try modify(&child, path: rest, line: line, body)
            table.set(first, TOMLValue(kind: .table(child), line: table[first]!.line))
        case .array(var items):
            guard case .table(var last)? = items.last?.kind else {
                throw error("key '\(first)' is already a value, not a table", line: line)
            }
            try modify(&last, path: rest, line: line, body)
            items[items.count - 1] = TOMLValue(kind: .table(last), line: items[items.count - 1].line)
            table.set(first, TOMLValue(kind: .array(items), line: table[first]!.line))
        default:
            throw error("key '\(first)' is already a value, not a table", line: line)
        }
    }

    private mutating func ensureTable(in root: inout TOMLTable, path: [String], line: Int) throws(TOMLSyntaxError) {
        try modify(&root, path: path[...], line: line) { _ throws(TOMLSyntaxError) in }
    }

    private mutating func appendTable(to root: inout TOMLTable, path: [String], line: Int) throws(TOMLSyntaxError) {
        let parent = path.dropLast()
        let name = path[path.count - 1]
        let lineNumber = line
        var failure: TOMLSyntaxError?
        try modify(&root, path: parent, line: line) { table throws(TOMLSyntaxError) in
            switch table[name]?.kind {
            case nil:
                table.set(name, TOMLValue(kind: .array([TOMLValue(kind: .table(TOMLTable(line: lineNumber)), line: lineNumber)]), line: lineNumber))
            case .array(var items):
                items.append(TOMLValue(kind: .table(TOMLTable(line: lineNumber)), line: lineNumber))
                table.set(name, TOMLValue(kind: .array(items), line: table[name]!.line))
            default:
                failure = TOMLSyntaxError(line: lineNumber, column: 1, message: "key '\(name)' is not an array of tables")
            }
        }
        if let failure { throw failure }
    }

    private mutating func insert(
        _ value: TOMLValue, at tablePath: [String], key: [String], into root: inout TOMLTable, line: Int
    ) throws(TOMLSyntaxError) {
        let fullPath = tablePath + key.dropLast()
        let name = key[key.count - 1]
        var duplicate = false
        try modify(&root, path: fullPath[...], line: line) { table throws(TOMLSyntaxError) in
            if table[name] != nil {
                duplicate = true
            } else {
                table.set(name, value)
            }
        }
        if duplicate {
            throw error("key '\((tablePath + key).joined(separator: "."))' is defined twice", line: line)
        }
    }

    // MARK: Values

    private mutating func value() throws(TOMLSyntaxError) -> TOMLValue {
        let valueLine = line
        guard let byte = peek() else { throw error("expected a value, found the end of the file") }
        switch byte {
        case UInt8(ascii: "\""):
            if startsWith("\"\"\"") { return TOMLValue(kind: .string(try multilineBasicString()), line: valueLine) }
            return TOMLValue(kind: .string(try basicString()), line: valueLine)
        case UInt8(ascii: "'"):
            if startsWith("'''") { return TOMLValue(kind: .string(try multilineLiteralString()), line: valueLine) }
            return TOMLValue(kind: .string(try literalString()), line: valueLine)
        case UInt8(ascii: "["):
            return TOMLValue(kind: .array(try array()), line: valueLine)
        case UInt8(ascii: "{"):
            return TOMLValue(kind: .table(try inlineTable()), line: valueLine)
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            if startsWith("true") {
                position += 4
                return TOMLValue(kind: .boolean(true), line: valueLine)
            }
            if startsWith("false") {
                position += 5
                return TOMLValue(kind: .boolean(false), line: valueLine)
            }
            throw error("expected a value (strings need quotes)")
        default:
            return TOMLValue(kind: try number(), line: valueLine)
        }
    }

    private mutating func number() throws(TOMLSyntaxError) -> TOMLValue.Kind {
        let start = position
        while let byte = peek(), !Self.endsValue(byte) { advance() }
        let raw = String(decoding: bytes[start..<position], as: UTF8.self)
        guard !raw.isEmpty else { throw error("expected a value") }
        let cleaned = raw.replacing("_", with: "")
        if raw.contains("-") && raw.first != "-" || raw.contains(":") {
            throw error("dates and times are not supported here: '\(raw)' (write a string such as \"\(raw)\")", column: start)
        }
        if cleaned.hasPrefix("0x"), let value = Int64(cleaned.dropFirst(2), radix: 16) { return .integer(value) }
        if cleaned.hasPrefix("0o"), let value = Int64(cleaned.dropFirst(2), radix: 8) { return .integer(value) }
        if cleaned.hasPrefix("0b"), let value = Int64(cleaned.dropFirst(2), radix: 2) { return .integer(value) }
        if let value = Int64(cleaned.hasPrefix("+") ? String(cleaned.dropFirst()) : cleaned) { return .integer(value) }
        switch cleaned {
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        if cleaned.first.map({ $0.isNumber || $0 == "-" || $0 == "+" }) == true,
            let value = Double(cleaned.hasPrefix("+") ? String(cleaned.dropFirst()) : cleaned)
        {
            return .float(value)
        }
        throw error("'\(raw)' is not a value (strings need quotes)", column: start)
    }

    private static func endsValue(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
            || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]")
            || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "#")
    }

    private mutating func array() throws(TOMLSyntaxError) -> [TOMLValue] {
        try expect("[")
        var items: [TOMLValue] = []
        while true {
            skipWhitespaceCommentsAndNewlines()
            if peek() == UInt8(ascii: "]") {
                advance()
                return items
            }
            items.append(try value())
            skipWhitespaceCommentsAndNewlines()
            if peek() == UInt8(ascii: ",") {
                advance()
                continue
            }
            skipWhitespaceCommentsAndNewlines()
            try expect("]")
            return items
        }
    }

    private mutating func inlineTable() throws(TOMLSyntaxError) -> TOMLTable {
        let tableLine = line
        try expect("{")
        var table = TOMLTable(line: tableLine)
        skipSpaces()
        if peek() == UInt8(ascii: "}") {
            advance()
            return table
        }
        while true {
            skipSpaces()
            let keyLine = line
            let path = try keyPath()
            skipSpaces()
            try expect("=")
            skipSpaces()
            let value = try self.value()
            try insert(value, at: [], key: path, into: &table, line: keyLine)
            skipSpaces()
            if peek() == UInt8(ascii: ",") {
                advance()
                continue
            }
            try expect("}")
            return table
        }
    }

    private mutating func basicString() throws(TOMLSyntaxError) -> String {
        try expect("\"")
        var scalars = String.UnicodeScalarView()
        var chunkStart = position
        func flush(_ parser: TOMLParser, _ scalars: inout String.UnicodeScalarView, _ from: Int) {
            scalars.append(contentsOf: String(decoding: parser.bytes[from..<parser.position], as: UTF8.self).unicodeScalars)
        }
        while true {
            guard let byte = peek(), byte != UInt8(ascii: "\n") else { throw error("unterminated string") }
            if byte == UInt8(ascii: "\"") {
                flush(self, &scalars, chunkStart)
                advance()
                return String(scalars)
            }
            if byte == UInt8(ascii: "\\") {
                flush(self, &scalars, chunkStart)
                scalars.append(try escape())
                chunkStart = position
                continue
            }
            advance()
        }
    }

    private mutating func escape() throws(TOMLSyntaxError) -> Unicode.Scalar {
        advance()  // backslash
        guard let byte = peek() else { throw error("unterminated escape") }
        advance()
        switch byte {
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "e"): return "\u{1B}"
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = byte == UInt8(ascii: "u") ? 4 : 8
            guard position + count <= bytes.count,
                let code = UInt32(String(decoding: bytes[position..<position + count], as: UTF8.self), radix: 16),
                let scalar = Unicode.Scalar(code)
            else { throw error("invalid unicode escape") }
            position += count
            return scalar
        default:
            throw error("invalid escape '\\\(Character(Unicode.Scalar(byte)))'")
        }
    }

    private mutating func literalString() throws(TOMLSyntaxError) -> String {
        try expect("'")
        let start = position
        while let byte = peek(), byte != UInt8(ascii: "'") {
            if byte == UInt8(ascii: "\n") { throw error("unterminated string") }
            advance()
        }
        guard peek() != nil else { throw error("unterminated string") }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        advance()
        return text
    }

    private mutating func multilineBasicString() throws(TOMLSyntaxError) -> String {
        position += 3
        skipOneNewline()
        var scalars = String.UnicodeScalarView()
        while true {
            guard let byte = peek() else { throw error("unterminated multi-line string") }
            if startsWith("\"\"\"") {
                position += 3
                return String(scalars)
            }
            if byte == UInt8(ascii: "\\") {
                if let next = peek(offset: 1), next == UInt8(ascii: "\n") || next == UInt8(ascii: " ") || next == UInt8(ascii: "\t") || next == UInt8(ascii: "\r") {
                    advance()
                    skipWhitespaceAndNewlines()
                    continue
                }
                scalars.append(try escape())
                continue
            }
            scalars.append(contentsOf: try character().unicodeScalars)
        }
    }

    private mutating func multilineLiteralString() throws(TOMLSyntaxError) -> String {
        position += 3
        skipOneNewline()
        let start = position
        while !startsWith("'''") {
            guard peek() != nil else { throw error("unterminated multi-line string") }
            _ = try character()
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        position += 3
        return text
    }

    /// One UTF-8 character, keeping line counting right.
    private mutating func character() throws(TOMLSyntaxError) -> String {
        let start = position
        guard let byte = peek() else { throw error("unexpected end of file") }
        let length = byte < 0x80 ? 1 : byte < 0xE0 ? 2 : byte < 0xF0 ? 3 : 4
        if byte == UInt8(ascii: "\n") {
            advance()
        } else {
            position = min(position + length, bytes.count)
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    // MARK: Lexing helpers

    private func peek(offset: Int = 0) -> UInt8? {
        position + offset < bytes.count ? bytes[position + offset] : nil
    }

    private func startsWith(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        return position + utf8.count <= bytes.count && Array(bytes[position..<position + utf8.count]) == utf8
    }

    private mutating func advance() {
        if bytes[position] == UInt8(ascii: "\n") {
            line += 1
            lineStart = position + 1
        }
        position += 1
    }

    private mutating func expect(_ character: Character) throws(TOMLSyntaxError) {
        let expected = character.asciiValue!
        guard let byte = peek() else { throw error("expected '\(character)', found the end of the file") }
        guard byte == expected else {
            let found = byte == UInt8(ascii: "\n") ? "the end of the line" : "'\(Character(Unicode.Scalar(byte)))'"
            throw error("expected '\(character)', found \(found)")
        }
        advance()
    }

    private mutating func skipSpaces() {
        while let byte = peek(), byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { advance() }
    }

    private mutating func skipOneNewline() {
        if peek() == UInt8(ascii: "\r") && peek(offset: 1) == UInt8(ascii: "\n") { advance() }
        if peek() == UInt8(ascii: "\n") { advance() }
    }

    private mutating func skipWhitespaceAndNewlines() {
        while let byte = peek(),
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
        {
            advance()
        }
    }

    private mutating func skipWhitespaceCommentsAndNewlines() {
        while true {
            skipWhitespaceAndNewlines()
            guard peek() == UInt8(ascii: "#") else { return }
            while let byte = peek(), byte != UInt8(ascii: "\n") { advance() }
        }
    }

    /// After a key/value pair or header only a comment may follow on the line.
    private mutating func endOfLine() throws(TOMLSyntaxError) {
        skipSpaces()
        if peek() == UInt8(ascii: "#") {
            while let byte = peek(), byte != UInt8(ascii: "\n") { advance() }
        }
        if peek() == UInt8(ascii: "\r") { advance() }
        guard let byte = peek() else { return }
        guard byte == UInt8(ascii: "\n") else {
            throw error("expected the end of the line, found '\(Character(Unicode.Scalar(byte)))'")
        }
        advance()
    }

    private func error(_ message: String, line: Int? = nil, column: Int? = nil) -> TOMLSyntaxError {
        let errorLine = line ?? self.line
        let errorColumn = column.map { $0 - lineStart + 1 } ?? (line == nil ? position - lineStart + 1 : 1)
        return TOMLSyntaxError(line: errorLine, column: max(1, errorColumn), message: message)
    }
}
