import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import WirewatchDaemon

@main
struct Wirewatchd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wirewatchd",
        abstract: "The Wirewatch daemon: watches an inbox folder and stores every article dropped into it.",
        discussion: """
            Without --config, /etc/wirewatch/wirewatch.toml is read when it exists; otherwise the \
            built-in defaults apply. --base puts the whole layout (inbox, processing, archive, \
            failed, database, socket) under one folder, as `make run` does with ./var.
            """)

    @Option(name: .long, help: ArgumentHelp("The configuration file.", valueName: "path"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Put every path of the layout under this folder.", valueName: "dir"))
    var base: String?

    @Flag(name: .long, help: "Check the configuration, report every problem with its key and line, and exit.")
    var checkConfig = false

    @Option(name: .long, help: "Override the log level (trace, debug, info, notice, warning, error, critical).")
    var logLevel: Logger.Level?

    func run() async throws {
        HeapTuning.apply()
        let source = ConfigurationSource(explicitPath: config, base: base)
        let configuration: DaemonConfiguration
        do {
            configuration = try source.load()
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            if checkConfig {
                FileHandle.standardError.write(Data("\(error.problems.count) problem(s) in \(error.source)\n".utf8))
            }
            throw ExitCode(1)
        }
        if checkConfig {
            print("\(source): OK")
            print(ConfigurationSummary.describe(configuration))
            return
        }
        let environment = ProcessInfo.processInfo.environment
        let level = SharedLogLevel(logLevel ?? configuration.logLevel)
        // Under systemd stderr is connected to the journal (JOURNAL_STREAM): write structured entries.
        let toJournal = environment["JOURNAL_STREAM"] != nil
        LoggingSystem.bootstrap { label in
            toJournal
                ? JournaldLogHandler(label: label, level: level) as any LogHandler
                : ConsoleLogHandler(label: label, level: level) as any LogHandler
        }
        let logger = Logger(label: "wirewatchd")
        logger.info("configuration loaded", metadata: ["source": "\(source)"])
        let daemon = Daemon(
            source: source, configuration: configuration, logger: logger, logLevel: level,
            notifier: SystemdNotifier(environment: environment))
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: daemon),
                    .init(service: ReloadOnHangup(daemon: daemon), successTerminationBehavior: .ignore),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        do {
            try await group.run()
        } catch {
            logger.critical("wirewatchd stopped: \(error)")
            throw ExitCode(1)
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
