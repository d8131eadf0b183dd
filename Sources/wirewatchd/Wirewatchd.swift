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
            Without --config, /etc/wirewatch/wirewatch.toml is read when it exists; otherwise the
            built-in defaults apply. --base puts the whole layout (inbox, processing, archive,
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

    static let systemConfigPath = "/etc/wirewatch/wirewatch.toml"

    func run() async throws {
        let configuration: DaemonConfiguration
        let source: String
        do {
            (configuration, source) = try loadConfiguration()
        } catch let error as ConfigurationError {
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
        let level = logLevel ?? configuration.logLevel
        LoggingSystem.bootstrap { label in ConsoleLogHandler(label: label, level: level) }
        let logger = Logger(label: "wirewatchd")
        logger.info("configuration loaded", metadata: ["source": "\(source)"])
        let inbox: InboxService
        do {
            inbox = try InboxService(configuration: configuration, logger: logger)
        } catch {
            logger.critical("cannot start: \(error)")
            throw ExitCode(1)
        }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: inbox)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }

    private func loadConfiguration() throws -> (DaemonConfiguration, String) {
        var configuration = DaemonConfiguration.default
        var source = "built-in defaults"
        let path = config ?? (FileManager.default.fileExists(atPath: Self.systemConfigPath) ? Self.systemConfigPath : nil)
        if let path {
            let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
            guard let data = FileManager.default.contents(atPath: absolute) else {
                throw ConfigurationError(
                    source: path, problems: [ConfigurationProblem(key: "", line: nil, message: "cannot read the file")])
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw ConfigurationError(
                    source: path, problems: [ConfigurationProblem(key: "", line: nil, message: "the file is not UTF-8")])
            }
            let loader = ConfigurationLoader(relativeTo: (absolute as NSString).deletingLastPathComponent)
            configuration = try loader.load(text, source: path)
            source = path
        }
        if let base {
            let absolute = base.hasPrefix("/") ? base : FileManager.default.currentDirectoryPath + "/" + base
            configuration.paths = .local(under: absolute)
            source += " with --base \(base)"
        }
        return (configuration, source)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
