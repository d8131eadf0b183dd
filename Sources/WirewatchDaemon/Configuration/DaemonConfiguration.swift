import Logging
import WirewatchCore

/// Everything `wirewatchd` can be told in its configuration file. Defaults are the layout of a
/// systemd installation (see `config/wirewatch.toml`).
public struct DaemonConfiguration: Sendable, Equatable {
    /// Where files and state live.
    public struct Paths: Sendable, Equatable {
        /// Producers drop or rename files in here.
        public var inbox: String
        /// Claimed files while they are processed; must be on the inbox's file system.
        public var processing: String
        /// Processed files, in dated subfolders.
        public var archive: String
        /// Files that could not be processed, each with a `NAME.error.json`.
        public var failed: String
        /// The SQLite state.
        public var database: String
        /// Written digests.
        public var digests: String
        /// Alerts, one JSON object a line.
        public var alerts: String
        /// The Varlink control socket.
        public var controlSocket: String

        /// The systemd layout.
        public static let systemDefault = Paths(
            inbox: "/var/spool/wirewatch/inbox",
            processing: "/var/spool/wirewatch/processing",
            archive: "/var/spool/wirewatch/archive",
            failed: "/var/spool/wirewatch/failed",
            database: "/var/lib/wirewatch/wirewatch.sqlite",
            digests: "/var/lib/wirewatch/digests",
            alerts: "/var/lib/wirewatch/alerts.jsonl",
            controlSocket: "/run/wirewatch/control.sock")

        /// The same layout under one folder, as `make run` uses it (`./var/inbox`, `./var/wirewatch.sqlite`, ...).
        public static func local(under base: String) -> Paths {
            let base = base.hasSuffix("/") ? String(base.dropLast()) : base
            return Paths(
                inbox: base + "/inbox",
                processing: base + "/processing",
                archive: base + "/archive",
                failed: base + "/failed",
                database: base + "/wirewatch.sqlite",
                digests: base + "/digests",
                alerts: base + "/alerts.jsonl",
                controlSocket: base + "/control.sock")
        }
    }

    /// How the inbox is watched and files are taken in.
    public struct Inbox: Sendable, Equatable {
        /// Larger files go to `failed/`.
        public var maxFileSize: Int64
        /// Glob patterns of names that are never claimed (matched against every path component).
        public var ignore: [String]
        /// How long a file must stay unchanged, with no new events, before it is claimed.
        public var stabilityDelay: Duration
        /// How often the whole inbox is scanned to catch anything inotify missed.
        public var rescanInterval: Duration
        /// Most files committed in one transaction.
        public var batchSize: Int

        public static let `default` = Inbox(
            maxFileSize: 10 * 1024 * 1024,
            ignore: [".*", "*.tmp", "*.part", "*~"],
            stabilityDelay: .milliseconds(5),
            rescanInterval: .seconds(60),
            batchSize: 256)
    }

    /// Who may use the control socket.
    public struct Control: Sendable, Equatable {
        /// Members may call the reading methods; the socket gets this group when the daemon
        /// creates it. Empty: whoever can open the socket.
        public var group: String
        /// Members may also call the changing methods (besides root and the daemon's own user).
        /// Empty: no group.
        public var adminGroup: String

        public static let `default` = Control(group: "wirewatch", adminGroup: "")
    }

    /// When and how digests are written.
    public struct DigestSettings: Sendable, Equatable {
        /// "off", "every 6h", "daily 07:00".
        public var schedule: String
        /// The time zone of a daily schedule (IANA name).
        public var timeZone: String
        /// File formats: "md", "json", "html".
        public var formats: [String]
        /// Digests kept in the folder (0: all).
        public var keep: Int
        /// Digests older than this are removed (0: never).
        public var maximumAge: Duration

        public static let `default` = DigestSettings(
            schedule: "daily 07:00", timeZone: "UTC", formats: ["md", "json", "html"], keep: 60, maximumAge: .seconds(0))
    }

    /// Alert rules and where alerts go.
    public struct AlertSettings: Sendable, Equatable {
        public var rules: [AlertRule]
        /// `22:00-06:00`: alerts of rules that honour quiet hours wait for the next digest.
        public var quietHours: QuietHours?
        /// The time zone of the quiet hours (IANA name).
        public var timeZone: String
        /// Append each alert to `paths.alerts`.
        public var jsonl: Bool
        /// Send each alert to the journal.
        public var journal: Bool
        public var exec: ExecHook?
        public var webhook: Webhook?

        /// A command run for each alert, the alert as JSON on its standard input.
        public struct ExecHook: Sendable, Equatable {
            /// The program (an absolute path) and its arguments; no shell.
            public var command: [String]
            /// A run that takes longer is killed and counts as failed.
            public var timeout: Duration
            /// Failed runs are retried this many times, with a doubling delay from 1 s.
            public var retries: Int
        }

        /// An HTTP(S) URL each alert is posted to as JSON.
        public struct Webhook: Sendable, Equatable {
            public var url: String
            public var timeout: Duration
            public var retries: Int
            /// Extra request headers (`Authorization`, ...).
            public var headers: [String: String]
        }

        public static let `default` = AlertSettings(
            rules: [], quietHours: nil, timeZone: "UTC", jsonl: true, journal: true, exec: nil, webhook: nil)
    }

    public var paths: Paths
    public var inbox: Inbox
    public var alerts: AlertSettings = .default
    public var control: Control = .default
    public var digest: DigestSettings = .default
    /// How articles are recognised as copies and grouped into events.
    public var dedup: DedupConfiguration
    /// The lowest level that is logged.
    public var logLevel: Logger.Level

    public init(
        paths: Paths = .systemDefault, inbox: Inbox = .default, dedup: DedupConfiguration = DedupConfiguration(),
        logLevel: Logger.Level = .info
    ) {
        self.paths = paths
        self.inbox = inbox
        self.dedup = dedup
        self.logLevel = logLevel
    }

    public static let `default` = DaemonConfiguration()
}
