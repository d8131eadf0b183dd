import Foundation
import WirewatchCore
import WirewatchStore

/// Turns digest material into a ``Digest``: per event a headline, its sources, an extractive
/// summary that does not repeat itself, what later sources added, the passages shared as agency
/// copy, the main names and related events; events ordered by importance.
public struct DigestBuilder: Sendable {
    /// Sentences in a summary, at most.
    public var summarySentences = 3
    /// Sentences two chosen ones may share at most this share of their words.
    public var maximumOverlap = 0.5
    /// At most this many events (the most important).
    public var maximumEvents = 10_000

    public init() {}

    public func build(_ material: DigestMaterial, since: Double, until: Double, now: Double) -> Digest {
        let nameIndex = relatedIndex(material.events)
        // Ranked first (cheap), so that only the events the digest keeps are described.
        var ranked: [(event: EventSummary, sources: [Digest.Source], importance: Double, newSources: Int)] = []
        for event in material.events {
            let articles = material.articles[event.id] ?? []
            guard articles.contains(where: { $0.firstSeen >= since && $0.firstSeen <= until }) else { continue }
            let listed = listedSources(articles, material.sources[event.id] ?? [])
            let (importance, newSources) = Self.importance(event, listed, since: since, until: until)
            ranked.append((event, listed, importance, newSources))
        }
        ranked.sort { $0.importance != $1.importance ? $0.importance > $1.importance : $0.event.id < $1.event.id }
        if ranked.count > maximumEvents { ranked.removeLast(ranked.count - maximumEvents) }
        let kept = ranked
        // Events are described independently: in slices, on every core.
        let slices = max(1, min(ProcessInfo.processInfo.activeProcessorCount * 4, kept.count / 64))
        let results = ParallelSlots<[(Int, Digest.Event)]>(count: slices, empty: [])
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            var described: [(Int, Digest.Event)] = []
            for index in stride(from: slice, to: kept.count, by: slices) {
                let entry = kept[index]
                described.append(
                    (
                        index,
                        describe(
                            entry.event, articles: material.articles[entry.event.id] ?? [], listed: entry.sources,
                            importance: entry.importance, newSources: entry.newSources,
                            passages: material.passages[entry.event.id] ?? [], related: nameIndex)
                    ))
            }
            results.set(slice, described)
        }
        let events = results.values.flatMap { $0 }.sorted { $0.0 < $1.0 }.map(\.1)
        return Digest(generatedAt: now, since: since, until: until, events: events)
    }

    // MARK: One event

    /// Sources in the order they joined, each with its first article there, each name once.
    private func listedSources(_ articles: [DigestMaterial.Article], _ sources: [EventSource]) -> [Digest.Source] {
        let byID = Dictionary(articles.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var listed: [Digest.Source] = []
        var seenSources = Set<String>()
        for source in sources {
            let article = byID[source.firstArticleID]
            let name = article?.source ?? source.source
            guard seenSources.insert(name.lowercased()).inserted else { continue }
            listed.append(
                Digest.Source(
                    name: name, firstSeen: source.firstSeen, url: article?.url, articleID: source.firstArticleID,
                    copyOf: article?.copyOf))
        }
        return listed
    }

    /// Distinct sources, how recent, how much it grew within the window; and the sources new in it.
    static func importance(_ event: EventSummary, _ listed: [Digest.Source], since: Double, until: Double) -> (Double, Int) {
        let newSources = listed.filter { $0.firstSeen >= since && $0.firstSeen <= until }.count
        let span = max(3600, until - since)
        let recency = max(0, 1 - (until - event.lastSeen) / span)
        let growth = listed.isEmpty ? 0 : Double(newSources) / Double(listed.count)
        return (2 * log2(1 + Double(listed.count)) + recency + growth, newSources)
    }

    private func describe(
        _ event: EventSummary, articles: [DigestMaterial.Article], listed: [Digest.Source], importance: Double, newSources: Int,
        passages: [DigestMaterial.Passage], related: [String: [(id: Int64, headline: String)]]
    ) -> Digest.Event {
        // Originals only (copies collapse into what they copy), the first of each source.
        let read = DigestMaterial.read(articles).map { articles[$0] }
        let leads = read.map { Sentences.Lead(title: $0.title, lead: $0.lead) }
        let summary = summarize(leads, title: event.title)
        // Agency copy: passages shared between the event's articles, each once, with who shares it.
        var slots = WordCounts()
        var order: [(text: String, articles: [Int64])] = []
        for passage in passages {
            let key = Sentences.hash(Array(passage.text.utf8)[...])
            if !slots.contains(key) {
                slots.add(key, Int32(order.count + 1))
                order.append((passage.text, []))
            }
            let index = Int(slots[key]) - 1
            for id in [passage.articleID, passage.otherArticleID] where !order[index].articles.contains(id) {
                order[index].articles.append(id)
            }
        }
        // What a later source adds is its own: not agency copy another source has too.
        let passageWords = order.prefix(50).map { Sentences.words($0.text) }
        let additions = self.additions(read, leads, summary: summary).filter { addition in
            let words = Sentences.words(addition.sentence)
            return !passageWords.contains { Sentences.containment(words, $0) >= 0.8 }
        }
        let sharedPassages = order.prefix(10).map { Digest.SharedPassage(text: $0.text, articleIDs: $0.articles.sorted()) }
        var relatedEvents: [Int64: (headline: String, names: [String])] = [:]
        for name in event.topNames.prefix(6) {
            for other in related[name.lowercased()] ?? [] where other.id != event.id {
                relatedEvents[other.id, default: (other.headline, [])].names.append(name)
            }
        }
        let relatedList = relatedEvents.filter { $0.value.names.count >= 2 || event.topNames.count == 1 }
            .sorted { $0.value.names.count != $1.value.names.count ? $0.value.names.count > $1.value.names.count : $0.key < $1.key }
            .prefix(3)
            .map { Digest.Related(id: $0.key, headline: $0.value.headline, sharedNames: $0.value.names) }
        return Digest.Event(
            id: event.id, headline: headline(read, leads, fallback: event.title) ?? "Event \(event.id)", firstSeen: event.firstSeen,
            lastSeen: event.lastSeen, importance: importance, articleCount: articles.count, newSources: newSources,
            sources: listed, summary: summary, additions: additions, sharedPassages: Array(sharedPassages),
            names: Array(event.topNames.prefix(8)), related: Array(relatedList))
    }

    /// The most representative title: the one whose words the event's articles use most, among
    /// those that read as headlines (a title that is a long sentence with a full stop is a lead
    /// taken for a title, and comes last).
    func headline(_ articles: [DigestMaterial.Article], _ leads: [Sentences.Lead], fallback: String?) -> String? {
        var frequency = WordCounts()
        for lead in leads { for word in lead.allWords { frequency.add(word) } }
        var best: (title: String, score: Double)?
        for title in articles.compactMap(\.title) + [fallback].compactMap({ $0 }) where !title.isEmpty {
            let words = Sentences.words(title)
            guard !words.isEmpty else { continue }
            var score = words.reduce(0.0) { $0 + Double(frequency[$1]) } / Double(words.count).squareRoot()
            if title.hasSuffix(".") || title.utf8.count > 130 { score *= 0.5 }
            if best == nil || score > best!.score { best = (title, score) }
        }
        return best?.title
    }

    /// The sentences most central to the event (sharing the words its articles share most),
    /// earlier ones preferred, none repeating another.
    func summarize(_ leads: [Sentences.Lead], title: String?) -> [String] {
        var frequency = WordCounts()
        for lead in leads { for word in lead.allWords { frequency.add(word) } }
        var titleWords = WordCounts(capacity: 16)
        for word in Sentences.words(title ?? "") { titleWords.add(word) }
        var candidates: [(score: Double, article: Int, position: Int)] = []
        for (article, lead) in leads.enumerated() {
            for (position, sentence) in lead.sentences.enumerated() where sentence.words.count >= 4 {
                var score = 0.0
                for word in sentence.words { score += Double(frequency[word]) + (titleWords.contains(word) ? 1 : 0) }
                score /= Double(sentence.words.count).squareRoot()
                // Leads come first in news: the first sentences weigh more.
                score *= 1 / (1 + 0.15 * Double(position))
                candidates.append((score, article, position))
            }
        }
        candidates.sort { $0.score != $1.score ? $0.score > $1.score : ($0.article, $0.position) < ($1.article, $1.position) }
        var chosen: [(article: Int, position: Int)] = []
        for candidate in candidates where chosen.count < summarySentences {
            let words = leads[candidate.article].sentences[candidate.position].words
            if chosen.allSatisfy({ Sentences.overlap(leads[$0.article].sentences[$0.position].words, words) <= maximumOverlap }) {
                chosen.append((candidate.article, candidate.position))
            }
        }
        // In the order they were written (by article, then position).
        chosen.sort { ($0.article, $0.position) < ($1.article, $1.position) }
        return chosen.map { leads[$0.article].sentences[$0.position].text }
    }

    /// For each source after the first, the sentence of its first original article with the most
    /// words no earlier source and no summary sentence used, when most of its words are new.
    func additions(_ articles: [DigestMaterial.Article], _ leads: [Sentences.Lead], summary: [String]) -> [Digest.Addition] {
        var known = WordCounts()
        for sentence in summary { for word in Sentences.words(sentence) { known.add(word) } }
        var result: [Digest.Addition] = []
        for (index, (article, lead)) in zip(articles, leads).enumerated() {
            defer { for word in lead.allWords { known.add(word) } }
            guard index > 0 else { continue }
            var best: (sentence: String, fresh: Int)?
            for sentence in lead.sentences where sentence.words.count >= 4 {
                let fresh = sentence.words.filter { !known.contains($0) }.count
                if fresh * 2 > sentence.words.count, fresh > (best?.fresh ?? 0) { best = (sentence.text, fresh) }
            }
            if let best { result.append(Digest.Addition(source: article.source ?? "unknown source", sentence: best.sentence)) }
        }
        return result
    }

    /// Events by the names they lead with (lowercased), for related events. A name that leads
    /// more than `commonName` events in the window says nothing about how two of them relate
    /// (a capital, a country in every story) and is left out.
    private func relatedIndex(_ events: [EventSummary]) -> [String: [(id: Int64, headline: String)]] {
        var index: [String: [(id: Int64, headline: String)]] = [:]
        for event in events {
            for name in event.topNames.prefix(6) {
                index[name.lowercased(), default: []].append((event.id, event.title ?? "Event \(event.id)"))
            }
        }
        return index.filter { $0.value.count <= Self.commonName }
    }

    static let commonName = 25
}
