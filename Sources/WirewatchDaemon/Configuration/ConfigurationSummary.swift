import Logging

/// A readable account of the configuration in effect, for `--check-config` and the start-up log.
public enum ConfigurationSummary {
    public static func describe(_ configuration: DaemonConfiguration) -> String {
        let paths = configuration.paths
        let inbox = configuration.inbox
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
            log.level             \(configuration.logLevel.rawValue)
            """
    }
}
