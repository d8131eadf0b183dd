import Foundation
import Synchronization

/// Where the configuration comes from, so that a reload reads the same place again.
public struct ConfigurationSource: Sendable, CustomStringConvertible {
    /// The file, or nil for the built-in defaults.
    public var path: String?
    /// `--base DIR`: the whole layout under one folder, overriding the file's paths.
    public var base: String?

    public static let systemPath = "/etc/wirewatch/wirewatch.toml"

    /// `--config` when given, else the system file when it exists, else the defaults.
    public init(explicitPath: String?, base: String?, workingDirectory: String = FileManager.default.currentDirectoryPath) {
        func absolute(_ path: String) -> String {
            // `./var` and `a/../b` are shown as the folders they are.
            ((path.hasPrefix("/") ? path : workingDirectory + "/" + path) as NSString).standardizingPath
        }
        if let explicitPath {
            path = absolute(explicitPath)
        } else if FileManager.default.fileExists(atPath: Self.systemPath) {
            path = Self.systemPath
        } else {
            path = nil
        }
        self.base = base.map(absolute)
    }

    public var description: String {
        let file = path ?? "built-in defaults"
        return base.map { "\(file) with --base \($0)" } ?? file
    }

    /// Reads and validates the configuration.
    public func load() throws(ConfigurationError) -> DaemonConfiguration {
        var configuration = DaemonConfiguration.default
        if let path {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError(
                    source: path, problems: [ConfigurationProblem(key: "", line: nil, message: "cannot read the file")])
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw ConfigurationError(
                    source: path, problems: [ConfigurationProblem(key: "", line: nil, message: "the file is not UTF-8")])
            }
            configuration = try ConfigurationLoader(relativeTo: FileSystem.parentDirectory(of: path)).load(text, source: path)
        }
        if let base {
            configuration.paths = .local(under: base)
        }
        return configuration
    }
}

/// Inbox settings that a reload may change while the daemon runs.
final class LiveSettings: Sendable {
    private let state: Mutex<(settings: DaemonConfiguration.Inbox, generation: Int)>

    init(_ settings: DaemonConfiguration.Inbox) {
        state = Mutex((settings, 0))
    }

    var current: DaemonConfiguration.Inbox { state.withLock { $0.settings } }

    /// The settings and a number that changes with every update.
    var snapshot: (settings: DaemonConfiguration.Inbox, generation: Int) { state.withLock { $0 } }

    func update(_ settings: DaemonConfiguration.Inbox) {
        state.withLock { $0 = (settings, $0.generation + 1) }
    }
}
