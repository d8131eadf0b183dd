import Logging
import WirewatchCore

/// A readable account of the configuration in effect, for `--check-config` and the start-up log.
public enum ConfigurationSummary {
    public static func describe(_ configuration: DaemonConfiguration) -> String {
        let paths = configuration.paths
        let inbox = configuration.inbox
        let dedup = configuration.dedup
        func hours(_ seconds: Double) -> String {
            seconds.truncatingRemainder(dividingBy: 3600) == 0 ? "\(Int(seconds / 3600))h" : "\(Int(seconds))s"
        }
        return """
            paths.inbox           \(paths.inbox)
            paths.processing      \(paths.processing)
            paths.archive         \(paths.archive)
            paths.failed          \(paths.failed)
            paths.database        \(paths.database)
            paths.digests         \(paths.digests)
            paths.alerts          \(paths.alerts)
            paths.control_socket  \(paths.controlSocket)
            inbox.max_file_size   \(inbox.maxFileSize) bytes
            inbox.ignore          \(inbox.ignore.map { "\"\($0)\"" }.joined(separator: ", "))
            inbox.stability_delay \(Units.format(inbox.stabilityDelay))
            inbox.rescan_interval \(Units.format(inbox.rescanInterval))
            inbox.batch_size      \(inbox.batchSize)
            dedup.window                     \(hours(dedup.window))
            dedup.near_duplicate_horizon     \(hours(dedup.nearDuplicateHorizon))
            dedup.near_duplicate_similarity  \(dedup.nearDuplicateSimilarity)
            dedup.near_duplicate_containment \(dedup.nearDuplicateContainment)
            dedup.event_similarity           \(dedup.eventSimilarity)
            dedup.content_weight             \(dedup.contentWeight)
            dedup.names_weight               \(dedup.namesWeight)
            dedup.numbers_weight             \(dedup.numbersWeight)
            dedup.maximum_recent_articles    \(dedup.maximumRecentArticles)
            dedup.maximum_open_events        \(dedup.maximumOpenEvents)
            digest.schedule       \(configuration.digest.schedule)\(configuration.digest.schedule.hasPrefix("daily") ? " (\(configuration.digest.timeZone))" : "")
            digest.formats        \(configuration.digest.formats.joined(separator: ", "))
            digest.keep           \(configuration.digest.keep == 0 ? "all" : "\(configuration.digest.keep)")
            digest.max_age        \(configuration.digest.maximumAge == .zero ? "no limit" : Units.format(configuration.digest.maximumAge))
            control.group         \(configuration.control.group.isEmpty ? "(anyone who can open the socket)" : configuration.control.group)
            control.admin_group   \(configuration.control.adminGroup.isEmpty ? "(none: root and the daemon's user)" : configuration.control.adminGroup)
            log.level             \(configuration.logLevel.rawValue)
            """
    }
}
