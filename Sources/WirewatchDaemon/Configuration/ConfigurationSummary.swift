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
            dedup.event_merge_similarity     \(dedup.eventMergeSimilarity)
            dedup.consolidation_linkage      \(dedup.consolidationLinkage)
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
            \(alerts(configuration.alerts))
            """
    }

    /// The sinks, quiet hours and one line per rule.
    static func alerts(_ alerts: DaemonConfiguration.AlertSettings) -> String {
        var sinks: [String] = []
        if alerts.jsonl { sinks.append("alerts.jsonl") }
        if alerts.journal { sinks.append("journal") }
        if let exec = alerts.exec { sinks.append("exec \(exec.command[0]) (timeout \(Units.format(exec.timeout)), \(exec.retries) retries)") }
        if let webhook = alerts.webhook { sinks.append("webhook \(webhook.url) (timeout \(Units.format(webhook.timeout)), \(webhook.retries) retries)") }
        var lines = [
            "alerts.sinks          \(sinks.isEmpty ? "(none)" : sinks.joined(separator: ", "))",
            "alerts.quiet_hours    \(alerts.quietHours.map { "\($0.description) (\($0.timeZone))" } ?? "(none)")",
            "alerts.rules          \(alerts.rules.count)",
        ]
        for rule in alerts.rules {
            var details: [String] = []
            switch rule.kind {
            case .breaking(let sources, let within): details.append("\(sources) sources within \(Int(within))s")
            case .growth(let watching) where !watching.isEmpty: details.append("watching \(watching.joined(separator: ", "))")
            case .spike(let window, let baseline, let factor, let minimum):
                details.append("\(factor)x the mean of \(Int(baseline))s per \(Int(window))s window, at least \(minimum)")
            default: break
            }
            if !rule.terms.any.isEmpty { details.append("any of " + rule.terms.any.joined(separator: ", ")) }
            if !rule.terms.all.isEmpty { details.append("all of " + rule.terms.all.joined(separator: ", ")) }
            if !rule.terms.none.isEmpty { details.append("none of " + rule.terms.none.joined(separator: ", ")) }
            details.append("cool-down \(Int(rule.cooldown))s, priority \(rule.priority)\(rule.honoursQuietHours ? "" : ", ignores quiet hours")")
            lines.append("  \(rule.name) (\(rule.kind.name)): " + details.joined(separator: "; "))
        }
        return lines.joined(separator: "\n")
    }
}
