import Foundation
import Testing
import WirewatchControl
import WirewatchCore
import WirewatchStore

/// Duplicates and events end to end: the running daemon, its store across a restart, and the
/// `analyze` and `explain` commands, which run the same pipeline without it.
@Suite(.serialized)
struct DedupIntegrationTests {
    static let repository = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
    static let seeds = [
        "000_e7c496c3c614537c.txt", "001_c880a8e2b3970301.txt", "002_3e2959cc9f6ec901.txt", "003_e021fd765f2ce2fb.txt",
        "004_77b36c938f220c04.txt",
    ]

    static func seed(_ name: String) throws -> String {
        try String(contentsOfFile: repository + "/seeds/" + name, encoding: .utf8)
    }

    @Test func theDaemonPutsTheSeedsInOneEventAndKeepsItAcrossARestart() throws {
        let daemon = try ControlIntegrationTests.startWithSeeds()
        defer { daemon.remove() }
        let store = try daemon.store()
        let events = try store.allEvents()
        #expect(events.count == 1)
        #expect(events.first?.articleCount == 5)
        #expect(events.first?.sourceCount == 5)
        #expect(daemon.log_().contains("decision=same-event"))
        #expect(try daemon.stop() == 0)

        // After a restart, an edited copy of a seed is recognised as its copy, in the same event.
        try daemon.start()
        let copy = try Self.seed(Self.seeds[2]).replacingOccurrences(of: "Nordkorea", with: "Nord-Korea")
        try daemon.renameIn("copy.txt", copy)
        try daemon.waitUntil("the copy stored", timeout: 30) { try daemon.storedNames().count == 6 }
        let reopened = try daemon.store()
        let file = try #require(try reopened.allFiles().last)
        let decision = try #require(try reopened.decision(ofArticle: file.articleID))
        #expect(decision.kind == .nearDuplicate)
        #expect(decision.nearDuplicateOf == 3)
        #expect(decision.eventID == events.first?.id)
        #expect(try reopened.allEvents().count == 1)
        #expect(daemon.log_().contains("dedup engine ready"))
        #expect(try daemon.stop() == 0)
    }

    @Test func analyzeJSONPrintsOneObjectPerFileWithTheDocumentedFieldsAndNothingElse() throws {
        let folder = NSTemporaryDirectory() + "wirewatch-analyze-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for name in Self.seeds { try Self.seed(name).write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
        try Self.seed(Self.seeds[1]).write(toFile: folder + "/zz-same-bytes.txt", atomically: true, encoding: .utf8)
        try ("Kopie\n\n" + Self.seed(Self.seeds[4]).components(separatedBy: "\n").dropFirst().joined(separator: "\n"))
            .write(toFile: folder + "/zz-copy.txt", atomically: true, encoding: .utf8)
        try Data([0, 1, 2, 3]).write(to: URL(fileURLWithPath: folder + "/zz-binary.txt"))
        let result = try runTool(DaemonHarness.cliPath, ["analyze", "--json", folder])
        #expect(result.status == 1)  // one file failed
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }
        #expect(lines.count == 8)
        let objects = try lines.map { try JSONValue.decode(Array($0.utf8)) }
        let keys: Set<String> = [
            "path", "id", "title", "source", "published", "language", "event", "duplicate_of", "near_duplicate_of", "error",
        ]
        for object in objects {
            guard case .object(let fields) = object else {
                Issue.record("not an object")
                continue
            }
            #expect(Set(fields.keys) == keys)
        }
        var byName: [String: JSONValue] = [:]
        for object in objects { byName[((object["path"]?.stringValue ?? "") as NSString).lastPathComponent] = object }
        #expect(Set(objects.prefix(5).compactMap { $0["event"]?.intValue }).count == 1)
        #expect(byName["zz-same-bytes.txt"]?["duplicate_of"]?.stringValue?.hasSuffix(Self.seeds[1]) == true)
        #expect(byName["zz-same-bytes.txt"]?["id"] == byName[Self.seeds[1]]?["id"])
        let copy = byName["zz-copy.txt"]
        #expect(copy?["near_duplicate_of"]?.stringValue?.hasSuffix(Self.seeds[4]) == true || copy?["duplicate_of"]?.stringValue?.hasSuffix(Self.seeds[4]) == true)
        #expect(copy?["event"] == byName[Self.seeds[0]]?["event"])
        #expect(byName["zz-binary.txt"]?["error"]?.stringValue?.hasPrefix("binary") == true)
        #expect(byName[Self.seeds[0]]?["error"] == JSONValue.null)
        #expect(byName[Self.seeds[0]]?["published"] == "2024-06")
    }

    @Test func theDaemonMergesTwoEventsThatAnArticleLinksAndTheOldIdStillFindsTheStory() throws {
        let daemon = try DaemonHarness(name: "merge")
        defer { daemon.remove() }
        let config = daemon.base + "/wirewatch.toml"
        try "[dedup]\nevent_similarity = 0.45\n".write(toFile: config, atomically: true, encoding: .utf8)
        daemon.extraArguments = ["--config", config]
        try daemon.start()
        let fixtures = Self.repository + "/Tests/WirewatchCoreTests/Fixtures/"
        for (index, name) in ["collapse", "rescue", "roundup"].enumerated() {
            try daemon.renameIn("\(name).txt", try String(contentsOfFile: fixtures + "crane-\(name).txt", encoding: .utf8))
            try daemon.waitUntil("\(name) stored", timeout: 30) { try daemon.storedNames().count == index + 1 }
        }
        #expect(daemon.log_().contains("merged_events=2"))
        let events = try JSONValue.decode(Array(try ControlIntegrationTests.cli(daemon, ["events", "--json"]).stdout.utf8))
        #expect(events["total"]?.intValue == 1)
        let old = try ControlIntegrationTests.cli(daemon, ["event", "2"])
        #expect(old.status == 0)
        #expect(old.stdout.contains("event 2 was merged into event 1"), "\(old.stdout)")
        let shown = try JSONValue.decode(Array(try ControlIntegrationTests.cli(daemon, ["event", "2", "--json"]).stdout.utf8))
        #expect(shown["event"]?["id"]?.intValue == 1)
        if case .array(let articles)? = shown["articles"] { #expect(articles.count == 3) } else { Issue.record("no articles") }
        #expect(try daemon.stop() == 0)
    }

    @Test func analyzeGivesEachFileTheEventAsItStandsAtTheEndAfterAMerge() throws {
        let folder = NSTemporaryDirectory() + "wirewatch-analyze-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // A strict threshold keeps the collapse and the rescue apart until the roundup links them.
        try "[dedup]\nevent_similarity = 0.45\n".write(toFile: folder + "/strict.toml", atomically: true, encoding: .utf8)
        let fixtures = Self.repository + "/Tests/WirewatchCoreTests/Fixtures/"
        try FileManager.default.createDirectory(atPath: folder + "/in", withIntermediateDirectories: true)
        for (index, name) in ["collapse", "rescue", "roundup"].enumerated() {
            try FileManager.default.copyItem(atPath: fixtures + "crane-\(name).txt", toPath: folder + "/in/\(index + 1)-\(name).txt")
        }
        let result = try runTool(DaemonHarness.cliPath, ["analyze", "--json", "--config", folder + "/strict.toml", folder + "/in"])
        #expect(result.status == 0, "\(result.stderr)")
        let objects = try result.stdout.split(separator: "\n").map { try JSONValue.decode(Array($0.utf8)) }
        #expect(objects.count == 3)
        #expect(objects.compactMap { $0["event"]?.intValue } == [1, 1, 1], "\(result.stdout)")
        let text = try runTool(DaemonHarness.cliPath, ["analyze", "--config", folder + "/strict.toml", folder + "/in"])
        #expect(text.stdout.contains("article 2, event 1 (decided 2, merged later)  new-event"), "\(text.stdout)")
        #expect(text.stdout.contains("3 files: 2 new-event, 1 same-event; 1 event"), "\(text.stdout)")
    }

    @Test func analyzeKeepsItsStateAndOrdersByDateWhenAsked() throws {
        let folder = NSTemporaryDirectory() + "wirewatch-analyze-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/in", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "Neuer\n\n18. Juni 2024\n\nDer zweite Text über ein ganz anderes Thema mit vielen Wörtern darin.".write(
            toFile: folder + "/in/a-later.txt", atomically: true, encoding: .utf8)
        try "Älter\n\n17. Juni 2024\n\nDer erste Text über ein ganz anderes Thema mit vielen Wörtern darin.".write(
            toFile: folder + "/in/b-earlier.txt", atomically: true, encoding: .utf8)
        let state = folder + "/state.sqlite"
        let first = try runTool(DaemonHarness.cliPath, ["analyze", "--json", "--by-date", "--state", state, folder + "/in"])
        #expect(first.status == 0)
        let paths = first.stdout.split(separator: "\n").map { try? JSONValue.decode(Array($0.utf8))["path"]?.stringValue }
        #expect(paths.map { $0.map { ($0 as NSString).lastPathComponent } } == ["b-earlier.txt", "a-later.txt"])
        // A second run continues from the state: the same bytes are the same articles.
        let second = try runTool(DaemonHarness.cliPath, ["analyze", "--json", "--state", state, folder + "/in/b-earlier.txt"])
        let again = try JSONValue.decode(Array(second.stdout.utf8.prefix { $0 != 0x0A }))
        #expect(again["duplicate_of"]?.stringValue?.hasSuffix("b-earlier.txt") == true)
        #expect(try Store(path: state).counts().articles == 2)
    }

    @Test func explainShowsWhyTwoArticlesBelongTogether() throws {
        let folder = NSTemporaryDirectory() + "wirewatch-explain-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let state = folder + "/state.sqlite"
        let seeds = Self.seeds.map { Self.repository + "/seeds/" + $0 }
        #expect(try runTool(DaemonHarness.cliPath, ["analyze", "--state", state] + seeds).status == 0)
        let byID = try runTool(DaemonHarness.cliPath, ["explain", "--database", state, "3", "5"])
        #expect(byID.status == 0)
        #expect(byID.stdout.contains("verdict      same event"))
        #expect(byID.stdout.contains("Putin"))
        #expect(byID.stdout.contains("Die Reise werde »die bilaterale Zusammenarbeit"))
        #expect(byID.stdout.contains("engine       B: same-event"))
        let byFile = try runTool(DaemonHarness.cliPath, ["explain", "--json", "--database", state, seeds[2], seeds[4]])
        let object = try JSONValue.decode(Array(byFile.stdout.utf8))
        #expect(object["a"]?["id"]?.intValue == 3)
        #expect(object["near_duplicate"] == false)
        #expect((object["combined"].flatMap { if case .number(let value) = $0 { value } else { nil } } ?? 0) > 0.2)
        // Two reports with two numbers each: their numbers disagree but do not count, and explain says so.
        let flood = [
            ("a.txt", "Flood in Passau\n\nThe Danube rose to 12 metres in Passau on Tuesday; 340 people left their homes, Mayor Dupper said.\n"),
            ("b.txt", "Passau floods\n\nIn Passau the Danube reached 11 metres on Tuesday and 500 residents were evacuated, Mayor Dupper said.\n"),
        ]
        for (name, text) in flood { try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8) }
        let few = try runTool(DaemonHarness.cliPath, ["explain", "--database", state, folder + "/a.txt", folder + "/b.txt"])
        #expect(few.status == 0)
        #expect(few.stdout.contains("numbers    0.000 (not counted: fewer than three numbers on a side)"))
        let fewJSON = try JSONValue.decode(
            Array(try runTool(DaemonHarness.cliPath, ["explain", "--json", "--database", state, folder + "/a.txt", folder + "/b.txt"]).stdout.utf8))
        #expect(fewJSON["numbers_share"] == .number(0))
        #expect(object["numbers_share"] == .null)  // the seeds 002 and 004 do not both have numbers
        let missing = try runTool(DaemonHarness.cliPath, ["explain", "--database", state, "3", "999"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no article 999"))
    }

    /// Reports 1…6 of two earthquakes of one kind, alternating, named so that file-name order is
    /// arrival order; and a configuration under which every report joins what it resembles at
    /// all, as the first report of a second earthquake joins the first's event.
    static func quakeFolder() throws -> (folder: String, files: [String], config: String) {
        let folder = NSTemporaryDirectory() + "wirewatch-quakes-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/in", withIntermediateDirectories: true)
        let fixtures = repository + "/Tests/WirewatchCoreTests/Fixtures/"
        var files: [String] = []
        for number in 1...6 {
            for place in ["lisbon", "porto"] {
                let name = String(format: "%02d-%@-%d.txt", files.count + 1, place, number)
                try FileManager.default.copyItem(atPath: fixtures + "quake-\(place)-\(number).txt", toPath: folder + "/in/" + name)
                files.append(name)
            }
        }
        try "[dedup]\nevent_similarity = 0.01\nevent_merge_similarity = 1\n".write(
            toFile: folder + "/eager.toml", atomically: true, encoding: .utf8)
        return (folder, files, folder + "/eager.toml")
    }

    @Test func analyzeMovesTheReportsOfASecondEarthquakeToAnEventOfTheirOwn() throws {
        let (folder, _, config) = try Self.quakeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try runTool(DaemonHarness.cliPath, ["analyze", "--json", "--config", config, folder + "/in"])
        #expect(result.status == 0, "\(result.stderr)")
        let objects = try result.stdout.split(separator: "\n").map { try JSONValue.decode(Array($0.utf8)) }
        #expect(objects.count == 12)
        var events: [String: Set<Int>] = [:]
        for object in objects {
            let name = ((object["path"]?.stringValue ?? "") as NSString).lastPathComponent
            events[name.contains("lisbon") ? "lisbon" : "porto", default: []].insert(object["event"]?.intValue ?? -1)
        }
        #expect(events["lisbon"]?.count == 1 && events["porto"]?.count == 1, "\(result.stdout)")
        #expect(events["lisbon"] != events["porto"])
        let text = try runTool(DaemonHarness.cliPath, ["analyze", "--config", config, folder + "/in"])
        #expect(text.stdout.contains("regrouped later"), "\(text.stdout)")
        #expect(text.stdout.contains("12 files:") && text.stdout.contains("; 2 events"), "\(text.stdout)")
    }

    @Test func theDaemonMovesTheReportsOfASecondEarthquakeAndExplainSaysWhy() throws {
        let (folder, files, config) = try Self.quakeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let daemon = try DaemonHarness(name: "consolidate")
        defer { daemon.remove() }
        daemon.extraArguments = ["--config", config]
        try daemon.start()
        for (index, name) in files.enumerated() {
            try daemon.renameIn(name, try String(contentsOfFile: folder + "/in/" + name, encoding: .utf8))
            try daemon.waitUntil("\(name) stored", timeout: 30) { try daemon.storedNames().count == index + 1 }
        }
        try daemon.waitUntil("the reports regrouped", timeout: 30) { daemon.log_().contains("event=event-split") }
        let store = try daemon.store()
        let articles = try store.allFiles().map(\.articleID)
        let events = try store.events(ofArticles: articles)
        let lisbon = Set(articles.enumerated().filter { $0.offset % 2 == 0 }.compactMap { events[$0.element] })
        let porto = Set(articles.enumerated().filter { $0.offset % 2 == 1 }.compactMap { events[$0.element] })
        #expect(lisbon.count == 1 && porto.count == 1 && lisbon != porto, "\(events)")
        #expect(try store.allEvents().count == 2)
        #expect(try daemon.stop() == 0)
        let explained = try runTool(DaemonHarness.cliPath, ["explain", "--database", daemon.database, "1", "2"])
        #expect(explained.stdout.contains("consolidation split event"), "\(explained.stdout)")
    }
}
