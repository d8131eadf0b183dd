import WirewatchCore

/// Realistic synthetic news for benchmarks: German and English articles of about 4 KiB with the
/// statistics of real feeds (a Zipfian vocabulary, function words, capitalised names, numbers,
/// headlines and date lines), grouped into events that several sources cover, with agency copies
/// (edited or trimmed) and exact republications among them, arriving at a steady rate.
///
/// Deterministic for a seed. Words are made of syllables, so stemming and hashing cost what real
/// words cost, without copying anyone's text.
struct SyntheticNews {
    struct Item {
        var name: String
        var text: String
        /// Simulated arrival, seconds since 1970.
        var arrival: Double
        /// The event it is about (for checking).
        var event: Int
    }

    private var random: SplitMix64
    private let vocabulary: [String]
    private let capitalizedVocabulary: [String]
    private let people: [String]
    private let places: [String]
    private let zipf: [Double]
    private var events: [Event] = []
    private var produced = 0
    private var eventCounter = 0
    /// Articles per simulated day.
    let perDay: Double
    let start = 1_718_000_000.0

    private struct Event {
        var id: Int
        var names: [String]
        var place: String
        var terms: [String]
        var numbers: [String]
        var german: Bool
        /// An agency text that later articles may copy.
        var agency: [String]?
        var remaining: Int
    }

    /// Articles per event: 1 to `eventLength`, uniformly (6.5 on average by default).
    let eventLength: Int

    init(seed: UInt64, perDay: Double = 20_000, eventLength: Int = 12) {
        self.eventLength = eventLength
        random = SplitMix64(seed: seed)
        self.perDay = perDay
        let syllables = [
            "ka", "ber", "lin", "to", "ma", "ner", "sch", "ung", "ter", "al", "ri", "ko", "ste", "wer", "pa", "ge",
            "mi", "rend", "ton", "ver", "lan", "di", "en", "hau", "stra", "por", "zei", "tion", "mo", "bel", "ar",
            "ding", "fe", "ra", "gen", "lo", "ser", "ment", "ab", "ken",
        ]
        var generator = SplitMix64(seed: 0x5eed)
        func word(_ count: Int) -> String {
            (0..<count).map { _ in syllables[Int(generator.next() % UInt64(syllables.count))] }.joined()
        }
        vocabulary = (0..<40_000).map { _ in word(2 + Int(generator.next() % 3)) }
        people = (0..<5000).map { _ in word(2).capitalizedASCII + " " + word(2 + Int(generator.next() % 2)).capitalizedASCII }
        places = (0..<800).map { _ in word(2 + Int(generator.next() % 2)).capitalizedASCII }
        capitalizedVocabulary = vocabulary.map(\.capitalizedASCII)
        // Zipf's law over the vocabulary: cumulative weights of 1/rank.
        var total = 0.0
        zipf = (1...vocabulary.count).map { rank in
            total += 1 / Double(rank)
            return total
        }
    }

    private mutating func uniform(_ count: Int) -> Int { Int(random.next() % UInt64(max(1, count))) }

    private mutating func commonWord(capitalized: Bool = false) -> String {
        let target = Double(random.next() % 1_000_000) / 1_000_000 * zipf.last!
        var low = 0
        var high = zipf.count - 1
        while low < high {
            let middle = (low + high) / 2
            if zipf[middle] < target { low = middle + 1 } else { high = middle }
        }
        return capitalized ? capitalizedVocabulary[low] : vocabulary[low]
    }

    private mutating func newEvent() -> Event {
        let german = random.next() % 3 != 0
        eventCounter += 1
        return Event(
            id: eventCounter, names: (0..<3).map { _ in people[uniform(people.count)] },
            place: places[uniform(places.count)], terms: (0..<8).map { _ in vocabulary[500 + uniform(20_000)] },
            numbers: (0..<3).map { _ in String(10 + uniform(5000)) }, german: german, agency: nil,
            remaining: 1 + uniform(eventLength))
    }

    private mutating func sentence(_ event: Event) -> String {
        let function = event.german ? StopWords.german : StopWords.english
        var words: [String] = []
        let length = 10 + uniform(16)
        for index in 0..<length {
            let roll = uniform(100)
            switch roll {
            case 0..<40: words.append(function[uniform(min(60, function.count))])
            case 40..<52: words.append(event.terms[uniform(event.terms.count)])
            case 52..<57: words.append(event.names[uniform(event.names.count)])
            case 57..<59: words.append(event.place)
            case 59..<61: words.append(event.numbers[uniform(event.numbers.count)])
            case 61..<63: words.append(people[uniform(people.count)])
            default: words.append(commonWord(capitalized: event.german && index > 0 && roll % 4 == 0))
            }
        }
        words[0] = words[0].capitalizedASCII
        return words.joined(separator: " ") + (uniform(12) == 0 ? "?" : ".")
    }

    private mutating func body(_ event: Event, bytes: Int) -> [String] {
        var paragraphs: [String] = []
        var size = 0
        while size < bytes {
            let paragraph = (0..<(2 + uniform(3))).map { _ in sentence(event) }.joined(separator: " ")
            size += paragraph.utf8.count + 2
            paragraphs.append(paragraph)
        }
        return paragraphs
    }

    /// The next article: a new event, a report on an open one, an agency copy or a republication.
    mutating func next() -> Item {
        produced += 1
        let arrival = start + Double(produced) * 86_400 / perDay
        if events.isEmpty || uniform(100) < 35 {
            events.append(newEvent())
            if events.count > 2000 { events.removeFirst(events.count - 2000) }
        }
        let index = events.count - 1 - min(uniform(40), events.count - 1)
        var event = events[index]
        let title = (0..<(5 + uniform(5))).map { _ in uniform(3) == 0 ? event.names[0] : commonWord() }.joined(separator: " ")
        let day = Int((arrival - start) / 86_400)
        let date = event.german ? "\(1 + day % 28). Juni 2024" : "June \(1 + day % 28), 2024"
        var paragraphs: [String]
        let roll = uniform(100)
        if let agency = event.agency, roll < 25 {
            // Agency copy: trimmed, a sentence added, a word changed here and there.
            paragraphs = Array(agency.prefix(max(2, agency.count - uniform(3))))
            paragraphs[0] = sentence(event) + " " + paragraphs[0]
            if uniform(2) == 0 { paragraphs[paragraphs.count - 1] = paragraphs[paragraphs.count - 1].replacingFirst(event.terms[0], with: commonWord()) }
        } else if let agency = event.agency, roll < 30 {
            paragraphs = agency  // republished word for word
        } else {
            paragraphs = body(event, bytes: 3600 + uniform(800))
            if event.agency == nil { event.agency = paragraphs }
        }
        event.remaining -= 1
        if event.remaining <= 0 {
            events.remove(at: index)
        } else {
            events[index] = event
        }
        let text = ([title, date] + paragraphs).joined(separator: "\n\n") + "\n"
        return Item(name: String(format: "synthetic-%08d.txt", produced), text: text, arrival: arrival, event: event.id)
    }
}

extension String {
    /// The first letter upper-cased, for the generator's ASCII words (Foundation's `capitalized`
    /// goes through ICU and dominated generation time).
    fileprivate var capitalizedASCII: String {
        var bytes = Array(utf8)
        if let first = bytes.first, first >= 0x61, first <= 0x7A { bytes[0] = first - 0x20 }
        return String(decoding: bytes, as: UTF8.self)
    }

    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}

import Foundation
