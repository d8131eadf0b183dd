import ArgumentParser
import Foundation
import WirewatchCore

/// A mutation fuzzer for the parsers, for long runs outside the test suite: it mutates real inputs
/// (seeds, extraction pages, the regression corpus) with byte flips, splices, truncations and
/// inserted markup, and parses each. Before every parse the input is written to `--current`, so a
/// crash leaves the input that caused it; `make fuzz` copies such inputs into the regression
/// corpus, which the test suite parses on every run.
struct Fuzz: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Fuzz the article parsers with mutated real inputs.")

    @Option(help: "How long to run.")
    var seconds: Double = 60

    @Option(help: "Folders with starting inputs.")
    var corpus: [String] = ["seeds", "Tests/WirewatchCoreTests/FuzzCorpus"]

    @Option(help: "The extraction data set, for HTML starting inputs (the first 20 pages).")
    var extraction: String = "../shared/eval/extraction"

    @Option(help: "Where the input being parsed is written before each parse.")
    var current: String = "/tmp/wirewatch-fuzz-current"

    @Option(help: "Random seed (0: random).")
    var seed: UInt64 = 0

    func run() throws {
        var inputs: [[UInt8]] = []
        for folder in corpus {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
                if let data = FileManager.default.contents(atPath: folder + "/" + name) { inputs.append(Array(data)) }
            }
        }
        if let pages = try? FileManager.default.contentsOfDirectory(atPath: extraction + "/html") {
            for name in pages.sorted().prefix(20) {
                inputs.append(try ExtractionEvaluation.gunzip(extraction + "/html/" + name))
            }
        }
        inputs += Self.fragments.map { Array($0.utf8) }
        var generator = SplitMix(seed: seed == 0 ? UInt64.random(in: 1...UInt64.max) : seed)
        print("fuzz: \(inputs.count) starting inputs, seed \(generator.state), \(seconds) s")
        let parser = ArticleParser()
        let deadline = Date().addingTimeInterval(seconds)
        var runs = 0
        var parsed = 0
        let fileNames = ["a.txt", "a.html", "a.eml", "a.json", "a.md", "a"]
        while Date() < deadline {
            var input = inputs[Int(generator.next() % UInt64(inputs.count))]
            for _ in 0..<Int(1 + generator.next() % 6) { Self.mutate(&input, with: inputs, &generator) }
            _ = FileManager.default.createFile(atPath: current, contents: Data(input))
            let name = fileNames[Int(generator.next() % UInt64(fileNames.count))]
            if (try? parser.parse(input, fileName: name)) != nil { parsed += 1 }
            runs += 1
        }
        try? FileManager.default.removeItem(atPath: current)
        print("fuzz: \(runs) inputs, \(parsed) parsed, \(runs - parsed) refused with a ParseError, no crash")
    }

    static let fragments = [
        "<html><head><title>T | S</title></head><body><article><p>Text, more text.</p></article></body></html>",
        "From: a@b\nSubject: =?utf-8?Q?x?=\nContent-Type: multipart/alternative; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nBody\n--b--\n",
        #"{"title": "x", "body": "<p>y</p>", "published": "2024-06-18T10:00:00+02:00"}"#,
        "---\ntitle: x\ndate: 2024-06-18\n---\n# H\n\nText [link](u) **b**\n",
    ]

    static func mutate(_ input: inout [UInt8], with inputs: [[UInt8]], _ generator: inout SplitMix) {
        let tokens: [[UInt8]] = ["<", ">", "</p>", "<p>", "{", "}", "\"", "=?", "?=", "--", "\n\n", "\r", "\u{0}", "&#x", ";", ":", "charset=", "boundary=", "date ", "Foto: ©"].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xE2, 0x80], [0xEF, 0xBB, 0xBF]]
        let position = input.isEmpty ? 0 : Int(generator.next() % UInt64(input.count + 1))
        switch generator.next() % 7 {
        case 0 where !input.isEmpty:
            input[min(position, input.count - 1)] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
        case 1:
            input.insert(contentsOf: tokens[Int(generator.next() % UInt64(tokens.count))], at: position)
        case 2 where !input.isEmpty:
            input.removeSubrange(position..<min(input.count, position + Int(generator.next() % 64)))
        case 3:
            input.removeSubrange(position...)  // truncate
        case 4:
            let other = inputs[Int(generator.next() % UInt64(inputs.count))]
            let start = other.isEmpty ? 0 : Int(generator.next() % UInt64(other.count))
            input.insert(contentsOf: other[start..<min(other.count, start + Int(generator.next() % 512))], at: position)
        case 5 where input.count > 2:
            let length = min(input.count - position, Int(generator.next() % 256))
            input.insert(contentsOf: input[position..<(position + length)], at: position)
        default:
            input.insert(UInt8(truncatingIfNeeded: generator.next()), at: position)
        }
    }
}

/// A small deterministic generator, so a run can be repeated from its seed.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
