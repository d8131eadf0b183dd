#if canImport(Glibc)
import Glibc
#endif

/// Test-only switches, read from the environment at start-up. They exist so that integration
/// tests can provoke situations that are otherwise hard to time (an inotify queue overflow, a crash
/// at a precise step). Unset in production; setting them is logged loudly.
public struct FaultSwitches: Sendable {
    /// While a file exists at this path, the watcher does not read inotify events
    /// (`WIREWATCH_TEST_HOLD_WATCHER`).
    public var holdWatcherWhile: String?
    /// When a file exists at this path, the pipeline hangs for good, as a deadlock would
    /// (`WIREWATCH_TEST_HANG_PIPELINE`): the watchdog must catch it.
    public var hangPipelineWhen: String?

    public init(holdWatcherWhile: String? = nil, hangPipelineWhen: String? = nil) {
        self.holdWatcherWhile = holdWatcherWhile
        self.hangPipelineWhen = hangPipelineWhen
    }

    public static func fromEnvironment() -> FaultSwitches {
        FaultSwitches(
            holdWatcherWhile: getenv("WIREWATCH_TEST_HOLD_WATCHER").map { String(cString: $0) },
            hangPipelineWhen: getenv("WIREWATCH_TEST_HANG_PIPELINE").map { String(cString: $0) })
    }

    public var anyActive: Bool { holdWatcherWhile != nil || hangPipelineWhen != nil }

    func hangPipelineIfRequested() {
        guard let path = hangPipelineWhen, FileSystem.exists(path) else { return }
        while true { sleep(3600) }
    }

    func holdWatcherIfRequested(unless stopping: () -> Bool) {
        guard let path = holdWatcherWhile else { return }
        while FileSystem.exists(path) && !stopping() {
            usleep(10_000)
        }
    }
}
