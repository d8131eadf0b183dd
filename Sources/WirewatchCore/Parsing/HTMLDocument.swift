import CLibXML2

/// A parsed HTML page as a small Swift tree, built once from libxml2's (which recovers from the
/// broken markup real pages have) so that extraction can walk it as often as it likes.
public final class HTMLNode {
    /// Lowercased tag name; `#text` for text.
    public let name: String
    public var text: String
    /// The few attributes extraction looks at, as (name, value) pairs.
    public var attributes: [(String, String)]
    public var children: [HTMLNode] = []
    public private(set) weak var parent: HTMLNode?
    /// Scratch space for extraction passes (characters of paragraph text below this node).
    var proseLength = 0

    init(name: String, text: String = "", attributes: [(String, String)] = []) {
        self.name = name
        self.text = text
        self.attributes = attributes
    }

    func append(_ child: HTMLNode) {
        child.parent = self
        children.append(child)
    }

    public var isText: Bool { name == "#text" }

    public subscript(attribute: String) -> String? {
        for (key, value) in attributes where key == attribute { return value }
        return nil
    }

    /// Class and id, ASCII-lowercased, for furniture patterns.
    public lazy var classAndID: [UInt8] = ByteSearch.asciiLowercased(Array(((self["class"] ?? "") + " " + (self["id"] ?? "")).utf8))

    /// Every text below, concatenated (whitespace as in the source).
    public var textContent: String {
        if isText { return text }
        var result = ""
        appendText(to: &result)
        return result
    }

    private func appendText(to result: inout String) {
        for child in children {
            if child.isText { result += child.text } else { child.appendText(to: &result) }
        }
    }

    /// Depth-first, this node first.
    public func forEach(_ body: (HTMLNode) -> Void) {
        body(self)
        for child in children { child.forEach(body) }
    }

    public func first(where predicate: (HTMLNode) -> Bool) -> HTMLNode? {
        if predicate(self) { return self }
        for child in children {
            if let found = child.first(where: predicate) { return found }
        }
        return nil
    }

    public func all(where predicate: (HTMLNode) -> Bool) -> [HTMLNode] {
        var found: [HTMLNode] = []
        forEach { if predicate($0) { found.append($0) } }
        return found
    }
}

/// Parsing bytes into an ``HTMLNode`` tree through libxml2's `htmlReadMemory`.
public enum HTMLDocument {
    /// Attributes kept on elements (the rest is never looked at).
    static let keptAttributes: Set<String> = [
        "class", "id", "itemprop", "itemtype", "role", "href", "content", "property", "name", "datetime", "type",
        "rel", "hidden", "aria-hidden", "lang", "charset", "http-equiv", "style", "data-testid",
    ]

    /// Parses a page (or a fragment) that is already UTF-8.
    public static func parse(utf8 bytes: [UInt8]) -> HTMLNode? {
        guard !bytes.isEmpty else { return nil }
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                htmlReadMemory($0, Int32(buffer.count), nil, "UTF-8", options)
            }
        }
        guard let document else { return nil }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else { return nil }
        let tree = HTMLNode(name: "#document")
        convert(root, into: tree)
        return tree
    }

    private static func convert(_ first: xmlNodePtr, into parent: HTMLNode) {
        var current: xmlNodePtr? = first
        while let node = current {
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                let name = String(cString: node.pointee.name).lowercased()
                var attributes: [(String, String)] = []
                var property = node.pointee.properties
                while let attribute = property {
                    let key = String(cString: attribute.pointee.name).lowercased()
                    if keptAttributes.contains(key) {
                        if let valueNode = attribute.pointee.children, let content = valueNode.pointee.content {
                            attributes.append((key, String(cString: content)))
                        } else {
                            attributes.append((key, ""))
                        }
                    }
                    property = attribute.pointee.next
                }
                let element = HTMLNode(name: name, attributes: attributes)
                parent.append(element)
                if let child = node.pointee.children { convert(child, into: element) }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = node.pointee.content {
                    parent.append(HTMLNode(name: "#text", text: String(cString: content)))
                }
            default:
                break
            }
            current = node.pointee.next
        }
    }
}

/// Small helpers for text that may hold markup.
public enum HTMLText {
    /// Whether a string holds HTML tags rather than plain text.
    public static func looksLikeHTML(_ text: String) -> Bool {
        let lowered = text.prefix(4096).lowercased()
        return lowered.contains("<p") || lowered.contains("</") || lowered.contains("<br") || lowered.contains("<div")
    }

    /// Text of an HTML snippet (tags removed, entities decoded); plain text is returned as is.
    public static func stripTags(_ text: String) -> String {
        guard text.contains("<") || text.contains("&") else { return text }
        guard let tree = HTMLDocument.parse(utf8: Array(("<div>" + text + "</div>").utf8)) else { return text }
        return PlainTextParser.collapseWhitespace(Substring(tree.textContent))
    }
}
