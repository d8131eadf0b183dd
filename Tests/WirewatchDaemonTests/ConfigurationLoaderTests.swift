import Foundation
import Logging
import Testing
import WirewatchCore
@testable import WirewatchDaemon

struct ConfigurationLoaderTests {
    let loader = ConfigurationLoader(relativeTo: "/etc/wirewatch")

    @Test func anEmptyFileGivesTheSystemDefaults() throws {
        let configuration = try loader.load("", source: "t.toml")
        #expect(configuration == .default)
        #expect(configuration.paths.inbox == "/var/spool/wirewatch/inbox")
        #expect(configuration.paths.database == "/var/lib/wirewatch/wirewatch.sqlite")
        #expect(configuration.paths.controlSocket == "/run/wirewatch/control.sock")
        #expect(configuration.inbox.maxFileSize == 10 * 1024 * 1024)
    }

    @Test func theSampleConfigFileIsValidAndMatchesTheDefaults() throws {
        let path = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let text = try String(contentsOfFile: "/" + path + "/config/wirewatch.toml", encoding: .utf8)
        #expect(try loader.load(text, source: "wirewatch.toml") == .default)
    }

    @Test func everyKeyIsApplied() throws {
        let configuration = try loader.load(
            """
            [paths]
            inbox = "/srv/in"
            processing = "/srv/processing"
            archive = "/srv/archive"
            failed = "/srv/failed"
            database = "state/w.sqlite"
            digests = "/srv/digests"
            alerts = "/srv/alerts.jsonl"
            control_socket = "/run/w.sock"
            [inbox]
            max_file_size = "512 KiB"
            ignore = ["*.partial"]
            stability_delay = "250ms"
            rescan_interval = "2m"
            batch_size = 32
            [log]
            level = "debug"
            """, source: "t.toml")
        #expect(configuration.paths.inbox == "/srv/in")
        #expect(configuration.paths.database == "/etc/wirewatch/state/w.sqlite")
        #expect(configuration.paths.controlSocket == "/run/w.sock")
        #expect(configuration.inbox.maxFileSize == 512 * 1024)
        #expect(configuration.inbox.ignore == ["*.partial"])
        #expect(configuration.inbox.stabilityDelay == .milliseconds(250))
        #expect(configuration.inbox.rescanInterval == .seconds(120))
        #expect(configuration.inbox.batchSize == 32)
        #expect(configuration.logLevel == .debug)
    }

    @Test func everyProblemIsReportedWithItsKeyAndLine() {
        let text = """
            [inbox]
            max_file_size = "ten"
            stability_dely = "5s"
            rescan_interval = true

            [paths]
            processing = "/var/spool/wirewatch/inbox/processing"
            [log]
            level = "loud"
            [extra]
            """
        do {
            _ = try loader.load(text, source: "t.toml")
            Issue.record("expected problems")
        } catch {
            let found = error.problems.map { "\($0.line ?? 0) \($0.key)" }
            #expect(
                Set(found) == [
                    "2 inbox.max_file_size", "3 inbox.stability_dely", "4 inbox.rescan_interval",
                    "7 paths.processing", "9 log.level", "10 extra",
                ])
            #expect(error.description.contains("t.toml:3: inbox.stability_dely: unknown key"))
        }
    }

    @Test func aSyntaxErrorIsOneProblemWithItsLine() {
        do {
            _ = try loader.load("[inbox]\nbatch_size = = 3\n", source: "t.toml")
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.problems.count == 1)
            #expect(error.problems.first?.line == 2)
        }
    }

    @Test func foldersThatWouldBeWatchedOrSharedAreRefused() {
        #expect(throws: ConfigurationError.self) {
            try loader.load("[paths]\ninbox = \"/a\"\narchive = \"/a\"", source: "t")
        }
        #expect(throws: ConfigurationError.self) {
            try loader.load("[paths]\ninbox = \"/a/in\"\nfailed = \"/a\"", source: "t")
        }
        #expect(throws: ConfigurationError.self) {
            try loader.load("[paths]\narchive = \"/x\"\nfailed = \"/x\"", source: "t")
        }
    }

    @Test(arguments: [("10 MiB", 10_485_760), ("512KiB", 524_288), ("1.5 MB", 1_500_000), ("4096", 4096), ("2 GiB", 2_147_483_648)])
    func sizesAreReadAsPeopleWriteThem(text: String, bytes: Int64) {
        #expect(Units.parseByteSize(text) == bytes)
    }

    @Test(arguments: [("250ms", 250), ("5s", 5000), ("1.5 s", 1500), ("10m", 600_000), ("72h", 259_200_000), ("2", 2000)])
    func durationsAreReadAsPeopleWriteThem(text: String, milliseconds: Int64) {
        #expect(Units.parseDuration(text) == .milliseconds(milliseconds))
    }

    @Test(arguments: ["", "ten", "5 parsecs", "-1s", "MiB"])
    func nonsenseUnitsAreRefused(text: String) {
        #expect(Units.parseDuration(text) == nil)
        #expect(Units.parseByteSize(text) == nil)
    }

    @Test func dedupSettingsAreApplied() throws {
        let configuration = try loader.load(
            """
            [dedup]
            window = "48h"
            near_duplicate_horizon = "3d"
            near_duplicate_similarity = 0.6
            near_duplicate_containment = 0.9
            event_similarity = 0.35
            event_merge_similarity = 0.6
            consolidation_linkage = 0.2
            content_weight = 1
            names_weight = 2
            numbers_weight = 0
            maximum_recent_articles = 50000
            maximum_open_events = 20000
            """, source: "t.toml")
        let dedup = configuration.dedup
        #expect(dedup.window == 48 * 3600)
        #expect(dedup.nearDuplicateHorizon == 3 * 86_400)
        #expect(dedup.nearDuplicateSimilarity == 0.6)
        #expect(dedup.nearDuplicateContainment == 0.9)
        #expect(dedup.eventSimilarity == 0.35)
        #expect(dedup.eventMergeSimilarity == 0.6)
        #expect(dedup.consolidationLinkage == 0.2)
        #expect([dedup.contentWeight, dedup.namesWeight, dedup.numbersWeight] == [1, 2, 0])
        #expect(dedup.maximumRecentArticles == 50000 && dedup.maximumOpenEvents == 20000)
    }

    @Test func badDedupSettingsAreEachReportedWithKeyAndLine() {
        #expect(throws: ConfigurationError.self) {
            try loader.load("[dedup]\nwindow = \"soon\"", source: "t.toml")
        }
        do {
            _ = try loader.load(
                """
                [dedup]
                event_similarity = 1.5
                near_duplicate_similarity = "high"
                window = "10s"
                content_weight = -1
                maximum_open_events = 5
                thresold = 0.3
                event_merge_similarity = 0
                consolidation_linkage = 2
                """, source: "t.toml")
            Issue.record("accepted")
        } catch {
            let keys = error.problems.map(\.key)
            #expect(keys.contains("dedup.event_similarity"))
            #expect(keys.contains("dedup.near_duplicate_similarity"))
            #expect(keys.contains("dedup.window"))
            #expect(keys.contains("dedup.content_weight"))
            #expect(keys.contains("dedup.maximum_open_events"))
            #expect(keys.contains("dedup.thresold"))
            #expect(keys.contains("dedup.event_merge_similarity"))
            #expect(keys.contains("dedup.consolidation_linkage"))
            #expect(error.problems.first { $0.key == "dedup.event_similarity" }?.line == 2)
        }
    }

    @Test func digestAndControlSettingsAreAppliedOrReportedWithKeyAndLine() throws {
        let configuration = try loader.load(
            """
            [digest]
            time_zone = "Europe/Berlin"
            schedule = "daily 06:30"
            formats = ["json", "html"]
            keep = 10
            max_age = "30d"
            [control]
            group = "newsroom"
            admin_group = "newsroom-admin"
            """, source: "t.toml")
        #expect(configuration.digest.schedule == "daily 06:30" && configuration.digest.timeZone == "Europe/Berlin")
        #expect(configuration.digest.formats == ["json", "html"] && configuration.digest.keep == 10)
        #expect(configuration.digest.maximumAge == .seconds(30 * 86_400))
        #expect(configuration.control.group == "newsroom" && configuration.control.adminGroup == "newsroom-admin")
        do {
            _ = try loader.load(
                """
                [digest]
                schedule = "hourly"
                time_zone = "Atlantis/Capital"
                formats = ["pdf"]
                keep = -1
                [control]
                group = "a b"
                """, source: "t.toml")
            Issue.record("accepted")
        } catch {
            let problems = Dictionary(error.problems.map { ($0.key, $0.line) }, uniquingKeysWith: { first, _ in first })
            #expect(problems["digest.schedule"] == 2)
            #expect(problems["digest.time_zone"] == 3)
            #expect(problems["digest.formats"] != nil)
            #expect(problems["digest.keep"] == 5)
            #expect(problems["control.group"] == 7)
        }
    }

    @Test func weightsThatAreAllZeroAreRefused() {
        #expect(throws: ConfigurationError.self) {
            try loader.load("[dedup]\ncontent_weight = 0\nnames_weight = 0\nnumbers_weight = 0", source: "t.toml")
        }
    }
}
