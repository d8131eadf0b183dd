/// Finds a page's main text: prunes what is never article text (scripts, navigation, forms, share
/// bars, comments, related-story lists, cookie banners, footers), scores the containers of
/// paragraphs by how much comma-rich, link-poor prose they hold, and keeps the best container's
/// paragraphs and subheadings, plus sibling prose that belongs with them.
struct ContentExtractor {
    /// Elements that never hold article text.
    static let droppedTags: Set<String> = [
        "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed", "form", "button",
        "select", "input", "textarea", "nav", "footer", "aside", "header", "figure", "figcaption", "picture", "video",
        "audio", "map", "dialog", "menu", "head", "link", "meta", "label", "option",
    ]
    static let droppedRoles: Set<String> = ["navigation", "banner", "contentinfo", "complementary", "dialog", "alertdialog", "search", "menu", "menubar", "toolbar"]
    /// Substrings of class/id that mark furniture.
    static let furnitureFragments = [
        "comment", "share", "sharing", "social", "related", "recommend", "newsletter", "subscribe", "subscription",
        "cookie", "consent", "gdpr", "banner", "promo", "advert", "sponsor", "sidebar", "widget", "footer",
        "breadcrumb", "popup", "modal", "toolbar", "outbrain", "taboola", "caption", "credit", "byline", "author",
        "tag-list", "taglist", "keywords", "pagination", "pager", "masthead", "navbar", "navigation", "signup",
        "most-popular", "mostpopular", "most-read", "mostread", "trending", "read-more", "readmore", "more-stories",
        "rating", "skip-link", "skiplink", "dateline", "timestamp", "print-only", "visually-hidden", "sr-only",
        "screen-reader", "offscreen", "disclaimer", "correction-", "teaser-list", "article-list", "story-list",
        "card-list", "feed-", "inline-ad", "ad-container", "ad-slot", "adslot", "advertisement", "paid-content",
        "newsletter", "podcast", "video-player", "audio-player", "gallery", "slideshow", "carousel", "hidden",
    ]
    /// Whole class/id tokens that mark furniture.
    static let furnitureTokens: Set<String> = ["ad", "ads", "nav", "meta", "share", "tags", "tools", "utility", "hide", "menu", "related", "social", "promo", "sponsored", "aside", "popular"]
    /// Substrings of class/id that mark the article's text.
    static let contentFragments = ["articlebody", "article-body", "article__body", "article_body", "story-body", "storybody", "story__body", "post-body", "postbody", "entry-content", "post-content", "article-content", "articlecontent", "article__content", "article-text", "articletext", "story-content", "body-text", "bodytext", "rich-text", "main-content", "content-body", "article__text", "paywall"]

    static let blockTags: Set<String> = [
        "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt",
        "dd", "blockquote", "pre", "table", "tbody", "thead", "tfoot", "tr", "td", "th", "br", "hr", "body",
        "center", "address", "details", "summary", "html", "#document",
    ]
    static let headingTags: Set<String> = ["h2", "h3", "h4", "h5", "h6"]

    /// A run of text between block boundaries.
    struct TextBlock {
        var text: String
        var linkLength: Int
        /// The block element that holds it.
        var holder: HTMLNode
        var isHeading: Bool
        var isTitle: Bool

        var linkDensity: Double { text.isEmpty ? 0 : Double(linkLength) / Double(text.count) }
    }

    func extract(_ root: HTMLNode, title: String?) -> (blocks: [Block], rule: String) {
        let body = root.first { $0.name == "body" } ?? root
        prune(body)
        let textBlocks = collect(body)
        guard !textBlocks.isEmpty else { return ([], "no text") }
        let (container, rule) = chooseContainer(body, textBlocks)
        let chosen = select(textBlocks, container: container)
        return (chosen.compactMap(Self.block), rule)
    }

    /// Every block of a fragment, with furniture pruned but no container chosen.
    func blocks(in root: HTMLNode) -> [Block] {
        let body = root.first { $0.name == "body" } ?? root
        prune(body)
        return collect(body).filter { $0.linkDensity < 0.6 }.compactMap(Self.block)
    }

    static func block(_ text: TextBlock) -> Block? {
        if text.isTitle { return nil }
        return Block(text.isHeading ? .heading : .paragraph, text.text)
    }

    // MARK: Pruning

    /// Elements that never hold text worth keeping, whatever they wrap.
    static let alwaysDroppedTags: Set<String> = ["script", "style", "noscript", "template", "svg", "canvas", "head", "link", "meta", "option", "select", "button", "textarea", "input"]

    func prune(_ root: HTMLNode) {
        let total = Self.measureParagraphText(root)
        var verdicts: [[UInt8]: Bool] = [:]
        prune(root, total: total, verdicts: &verdicts)
    }

    private func prune(_ node: HTMLNode, total: Int, verdicts: inout [[UInt8]: Bool]) {
        node.children.removeAll { child in
            guard !child.isText else { return false }
            if Self.alwaysDroppedTags.contains(child.name) { return true }
            guard Self.isFurniture(child, verdicts: &verdicts) else { return false }
            // Never drop what holds most of the page's paragraphs: pages wrap their article in
            // forms, "hidden-nav" wrappers and the like.
            return Double(child.proseLength) < Double(total) * 0.4
        }
        for child in node.children where !child.isText { prune(child, total: total, verdicts: &verdicts) }
    }

    /// Characters of text inside `<p>` elements under each node (stored on the nodes).
    @discardableResult
    static func measureParagraphText(_ node: HTMLNode) -> Int {
        if node.isText { return 0 }
        var sum = 0
        if node.name == "p" {
            sum = node.textContent.utf8.count
        } else {
            for child in node.children { sum += measureParagraphText(child) }
        }
        node.proseLength = sum
        return sum
    }

    static let furnitureFragmentBytes = furnitureFragments.map { Array($0.utf8) }
    static let contentFragmentBytes = contentFragments.map { Array($0.utf8) }

    static func isFurniture(_ node: HTMLNode, verdicts: inout [[UInt8]: Bool]) -> Bool {
        if droppedTags.contains(node.name) { return true }
        if node["hidden"] != nil || node["aria-hidden"]?.lowercased() == "true" { return true }
        if let role = node["role"]?.lowercased(), droppedRoles.contains(role) { return true }
        if let style = node["style"]?.lowercased(), style.contains("display:none") || style.contains("display: none") { return true }
        if node.name == "body" || node.name == "html" || node.name == "main" || node.name == "article" { return false }
        let names = node.classAndID
        guard names.count > 1 else { return false }
        if node["itemprop"] == "articleBody" { return false }
        // Pages repeat the same class strings many times: decide each once.
        if let known = verdicts[names] { return known }
        let verdict = classesMarkFurniture(names)
        verdicts[names] = verdict
        return verdict
    }

    static func classesMarkFurniture(_ names: [UInt8]) -> Bool {
        if contentFragmentBytes.contains(where: { ByteSearch.contains(names, $0) }) { return false }
        if furnitureFragmentBytes.contains(where: { ByteSearch.contains(names, $0) }) { return true }
        for token in names.split(whereSeparator: { $0 == 0x20 || $0 == 0x2D || $0 == 0x5F })
        where furnitureTokens.contains(String(decoding: token, as: UTF8.self)) {
            return true
        }
        return false
    }

    // MARK: Collecting text

    func collect(_ root: HTMLNode) -> [TextBlock] {
        var blocks: [TextBlock] = []
        var buffer = ""
        var linkLength = 0
        var holder = root
        func flush() {
            let text = PlainTextParser.collapseWhitespace(Substring(buffer))
            if !text.isEmpty {
                let heading = Self.headingTags.contains(holder.name) || holder.name == "h1"
                blocks.append(TextBlock(text: text, linkLength: min(linkLength, text.count), holder: holder, isHeading: heading && text.count < 200, isTitle: holder.name == "h1"))
            }
            buffer = ""
            linkLength = 0
        }
        func walk(_ node: HTMLNode, inLink: Bool) {
            for child in node.children {
                if child.isText {
                    buffer += child.text
                    if inLink { linkLength += child.text.count }
                    continue
                }
                if Self.blockTags.contains(child.name) {
                    flush()
                    let saved = holder
                    holder = child
                    walk(child, inLink: inLink)
                    flush()
                    holder = saved
                } else {
                    if child.name == "br" {
                        buffer += "\n"
                        continue
                    }
                    walk(child, inLink: inLink || child.name == "a")
                }
            }
        }
        walk(root, inLink: false)
        flush()
        return blocks
    }

    // MARK: Choosing the container

    func chooseContainer(_ body: HTMLNode, _ blocks: [TextBlock]) -> (HTMLNode, String) {
        if let marked = body.first(where: { $0["itemprop"] == "articleBody" }), Self.prose(in: marked, blocks) >= 400 {
            return (marked, "itemprop articleBody")
        }
        var scores: [ObjectIdentifier: (node: HTMLNode, score: Double)] = [:]
        for block in blocks where !block.isHeading && block.text.count >= 25 && block.linkDensity < 0.5 {
            let commas = block.text.reduce(0) { $0 + ($1 == "," ? 1 : 0) }
            let score = 1 + Double(commas) + min(Double(block.text.count) / 100, 3)
            var ancestor: HTMLNode? = block.holder.name == "p" || block.holder.name == "li" || block.holder.name == "td" ? block.holder.parent : block.holder
            var level = 1.0
            while let node = ancestor, level <= 3 {
                let identifier = ObjectIdentifier(node)
                scores[identifier, default: (node, Self.classWeight(node))].score += score / (level == 1 ? 1 : level == 2 ? 2 : 3)
                ancestor = node.parent
                level += 1
            }
        }
        guard !scores.isEmpty else { return (body, "whole body") }
        let linkDensities = Self.linkDensities(blocks)
        var best: (node: HTMLNode, score: Double)?
        for (identifier, entry) in scores {
            let adjusted = entry.score * (1 - (linkDensities[identifier] ?? 0))
            if best == nil || adjusted > best!.score { best = (entry.node, adjusted) }
        }
        var container = best!.node
        // A container holding only a sliver of the page's prose is a fragment of the real one.
        let total = blocks.filter { !$0.isHeading && $0.linkDensity < 0.5 && $0.text.count >= 25 }.reduce(0) { $0 + $1.text.count }
        while let parent = container.parent, parent.name != "#document", parent.name != "html",
            Double(Self.prose(in: container, blocks)) < Double(total) * 0.5,
            Double(Self.prose(in: parent, blocks)) < Double(total) * 0.9 || Self.prose(in: parent, blocks) > Self.prose(in: container, blocks) * 3 / 2
        {
            guard Self.prose(in: parent, blocks) > Self.prose(in: container, blocks) else { break }
            container = parent
            if Double(Self.prose(in: container, blocks)) >= Double(total) * 0.5 { break }
        }
        return (container, "densest prose container <\(container.name)>")
    }

    /// Characters of link-poor prose in blocks under `node`.
    static func prose(in node: HTMLNode, _ blocks: [TextBlock]) -> Int {
        blocks.filter { !$0.isHeading && $0.linkDensity < 0.5 && isDescendant($0.holder, of: node) }.reduce(0) { $0 + $1.text.count }
    }

    static func isDescendant(_ node: HTMLNode, of ancestor: HTMLNode) -> Bool {
        var current: HTMLNode? = node
        while let candidate = current {
            if candidate === ancestor { return true }
            current = candidate.parent
        }
        return false
    }

    /// Link text share of every element that holds blocks.
    static func linkDensities(_ blocks: [TextBlock]) -> [ObjectIdentifier: Double] {
        var totals: [ObjectIdentifier: (text: Int, links: Int)] = [:]
        for block in blocks {
            var current: HTMLNode? = block.holder
            while let node = current {
                totals[ObjectIdentifier(node), default: (0, 0)].text += block.text.count
                totals[ObjectIdentifier(node), default: (0, 0)].links += block.linkLength
                current = node.parent
            }
        }
        return totals.mapValues { $0.text == 0 ? 0 : Double($0.links) / Double($0.text) }
    }

    static func classWeight(_ node: HTMLNode) -> Double {
        let names = node.classAndID
        var weight = 0.0
        if contentFragmentBytes.contains(where: { ByteSearch.contains(names, $0) }) || node["itemprop"] == "articleBody" { weight += 25 }
        if node.name == "article" { weight += 10 }
        return weight
    }

    // MARK: Selecting blocks

    func select(_ blocks: [TextBlock], container: HTMLNode) -> [TextBlock] {
        blocks.filter { block in
            guard Self.isDescendant(block.holder, of: container) else { return false }
            if block.isHeading { return block.linkDensity < 0.5 }
            // Link lists and one-word leftovers are not prose.
            if block.linkDensity > 0.5 { return false }
            if block.holder.name == "li" && block.linkDensity > 0.3 { return false }
            return true
        }
    }
}
