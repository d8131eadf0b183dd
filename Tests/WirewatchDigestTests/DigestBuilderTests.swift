import Foundation
import GRDB
import Testing
import WirewatchCore
@testable import WirewatchStore
@testable import WirewatchDigest

/// Digests from a real store: the five seeds make one event with five sources, a summary that
/// does not repeat itself and the agency sentences of 002 and 004 marked.
struct DigestBuilderTests {
    static let repository = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
    static let seedNames = [
        "000_e7c496c3c614537c.txt", "001_c880a8e2b3970301.txt", "002_3e2959cc9f6ec901.txt", "003_e021fd765f2ce2fb.txt",
        "004_77b36c938f220c04.txt",
    ]

    /// A store holding the seeds, an hour apart, decided by the engine.
    static func seededStore() throws -> (Store, String) {
        let folder = NSTemporaryDirectory() + "wirewatch-digest-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let store = try Store(path: folder + "/state.sqlite")
        let (engine, _) = try store.restore(configuration: DedupConfiguration(), analyzer: ArticleAnalyzer())
        for (index, name) in seedNames.enumerated() {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: repository + "/seeds/" + name)))
            guard case .article(let article, let profile, let hash, let text, _) = ArticleIntake.evaluate(
                bytes, fileName: name, maximumSize: 10 << 20, analyzer: ArticleAnalyzer())
            else { throw CocoaError(.fileReadCorruptFile) }
            let arrival = 1_718_700_000 + Double(index) * 3600
            _ = try store.record(
                [
                    .accepted(
                        AcceptedFile(
                            claimID: ClaimID(arrivalMilliseconds: Int64(arrival * 1000), tag: UInt32(index)), originalName: name,
                            size: Int64(bytes.count), contentHash: hash, text: text, arrivedAt: arrival, processedAt: arrival,
                            archivePath: "/archive/" + name, article: article, profile: profile,
                            sourceKey: SourceKey.of(article, fileName: name)))
                ], engine: engine)
        }
        return (store, folder)
    }

    @Test func theSeedsMakeOneEventWithFiveSourcesAndTheAgencySentencesMarked() throws {
        let (store, folder) = try Self.seededStore()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let material = try store.digestMaterial(since: 1_718_690_000, until: 1_718_800_000)
        let digest = DigestBuilder().build(material, since: 1_718_690_000, until: 1_718_800_000, now: 1_718_800_000)
        #expect(digest.events.count == 1)
        let event = try #require(digest.events.first)
        #expect(event.sources.count == 5)
        #expect(event.headline.contains("Putin") || event.headline.contains("Nordkorea"))
        #expect(!event.summary.isEmpty && event.summary.count <= 3)
        // No sentence repeats another, nor most of its words.
        for (i, a) in event.summary.enumerated() {
            for b in event.summary[(i + 1)...] {
                #expect(a != b)
                #expect(Sentences.overlap(Sentences.words(a), Sentences.words(b)) <= 0.5)
            }
        }
        // 004 (article 5) shares agency sentences with 002 (article 3).
        #expect(event.sharedPassages.contains { $0.articleIDs.contains(3) && $0.articleIDs.contains(5) })
        #expect(event.sharedPassages.contains { $0.text.contains("Vertiefung der Beziehungen zwischen Nordkorea und Russland") })
        #expect(event.names.contains { $0.contains("Putin") })
    }

    @Test func articlesStoredBeforeLeadsWereKeptAreSummarisedFromTheirBodies() throws {
        let (store, folder) = try Self.seededStore()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let before = DigestBuilder().build(
            try store.digestMaterial(since: 1_718_690_000, until: 1_718_800_000), since: 1_718_690_000, until: 1_718_800_000, now: 0)
        try store.pool.write { try $0.execute(sql: "DELETE FROM article_lead") }
        let after = DigestBuilder().build(
            try store.digestMaterial(since: 1_718_690_000, until: 1_718_800_000), since: 1_718_690_000, until: 1_718_800_000, now: 0)
        #expect(after.events.first?.summary.isEmpty == false)
        #expect(after.events.first?.summary == before.events.first?.summary)
    }

    @Test func aWindowWithoutArticlesGivesAnEmptyDigest() throws {
        let (store, folder) = try Self.seededStore()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let material = try store.digestMaterial(since: 1_800_000_000, until: 1_800_086_400)
        #expect(DigestBuilder().build(material, since: 1_800_000_000, until: 1_800_086_400, now: 1_800_086_400).events.isEmpty)
    }

    @Test func sentencesSplitAtTheirEndsButNotAtAbbreviationsDatesOrInitials() {
        let text = "Am 18. Juni reiste Putin nach Pjöngjang. Dort traf er u.a. Kim Jong Un (Nordkorea). Die USA sind »besorgt«. Ein abgeschnittener Satz ohne"
        let bytes = Array(text.utf8)
        #expect(
            Sentences.split(bytes).map { String(decoding: bytes[$0], as: UTF8.self) } == [
                "Am 18. Juni reiste Putin nach Pjöngjang.", "Dort traf er u.a. Kim Jong Un (Nordkorea).", "Die USA sind »besorgt«.",
            ])
    }
}

/// The three forms and the folder they are written to.
struct DigestRenderingTests {
    static func seedDigest() throws -> (Digest, String) {
        let (store, folder) = try DigestBuilderTests.seededStore()
        let material = try store.digestMaterial(since: 1_718_690_000, until: 1_718_800_000)
        return (DigestBuilder().build(material, since: 1_718_690_000, until: 1_718_800_000, now: 1_718_800_000), folder)
    }

    @Test func theJSONFormHasTheDocumentedShape() throws {
        let (digest, folder) = try Self.seedDigest()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let object = try #require(try JSONSerialization.jsonObject(with: Data(DigestJSON.render(digest))) as? [String: Any])
        #expect(object["schema"] as? String == "wirewatch-digest/1")
        let events = try #require(object["events"] as? [[String: Any]])
        #expect(events.count == 1)
        #expect((events[0]["headline"] as? String)?.isEmpty == false)
        let sources = try #require(events[0]["sources"] as? [[String: Any]])
        #expect(sources.count == 5)
        #expect(Set(sources.compactMap { $0["name"] as? String }).count == 5)
        #expect((events[0]["shared_passages"] as? [[String: Any]])?.isEmpty == false)
    }

    @Test func markdownAndHTMLCarryTheEventAndEscapeWhatTheyMust() throws {
        var (digest, folder) = try Self.seedDigest()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let markdown = DigestMarkdown.render(digest)
        #expect(markdown.contains("## "))
        #expect(markdown.contains("**Shared agency copy**"))
        digest.events[0].headline = "<script>alert(1)</script> & *bold*"
        let html = DigestHTML.render(digest)
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; *bold*"))
        #expect(!html.contains("<script>"))
        #expect(html.contains("<meta name=\"viewport\""))
        #expect(DigestMarkdown.render(digest).contains("\\<script\\>"))
    }

    @Test func digestsAreWrittenInEveryFormatAndTheOldestGoBeyondTheLimit() throws {
        let (digest, folder) = try Self.seedDigest()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = folder + "/digests"
        let writer = DigestWriter(folder: output, keep: 2)
        var later = digest
        var stems: [String] = []
        for hour in 0..<3 {
            later.until = digest.until + Double(hour) * 3600
            let paths = try writer.write(later, now: later.until)
            #expect(paths.count == 3)
            stems.append(DigestWriter.stem(later))
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: output).sorted()
        #expect(names.count == 6)  // two digests of three files; no temporary files left
        #expect(!names.contains { $0.hasPrefix(".") })
        #expect(!names.contains { $0.hasPrefix(stems[0] + ".") })  // the oldest went
        #expect(names.contains(stems[2] + ".json"))
        // The same minute twice keeps both.
        try writer.write(later, now: later.until)
        #expect(try FileManager.default.contentsOfDirectory(atPath: output).contains { $0.contains("-2.") })
    }
}

struct DigestScheduleTests {
    @Test func everySixHoursFallsOnTheHoursOfTheDay() throws {
        let schedule = try #require(DigestSchedule.parse("every 6h"))
        let tuesday = 1_718_668_800.0  // 2024-06-18 00:00 UTC
        #expect(schedule.next(after: tuesday) == tuesday + 6 * 3600)
        #expect(schedule.next(after: tuesday + 3600) == tuesday + 6 * 3600)
        #expect(schedule.next(after: tuesday + 6 * 3600) == tuesday + 12 * 3600)
    }

    @Test func dailyFollowsTheTimeZoneAcrossDaylightSaving() throws {
        let berlin = try #require(DigestSchedule.parse("daily 07:30", timeZone: "Europe/Berlin"))
        // 2024-06-18 00:00 UTC: 07:30 in Berlin (summer, UTC+2) is 05:30 UTC the same day.
        #expect(berlin.next(after: 1_718_668_800) == 1_718_668_800 + 5.5 * 3600)
        // After it, the next is a day later.
        #expect(berlin.next(after: 1_718_668_800 + 5.5 * 3600) == 1_718_668_800 + 29.5 * 3600)
        // In winter (UTC+1), 06:30 UTC: 2024-01-15 00:00 UTC is 1_705_276_800.
        #expect(berlin.next(after: 1_705_276_800) == 1_705_276_800 + 6.5 * 3600)
    }

    @Test func badSchedulesAreRefused() {
        for text in ["", "hourly", "every", "every 0h", "every 5s", "every 9d", "daily 25:00", "daily 7", "daily 07:60 x"] {
            #expect(DigestSchedule.parse(text) == nil, "\(text)")
        }
        #expect(DigestSchedule.parse("daily 07:00", timeZone: "Mars/Olympus") == nil)
        #expect(DigestSchedule.parse("off") == .off)
        #expect(DigestSchedule.off.next(after: 0) == nil)
    }
}
