#if canImport(Glibc)
import Glibc
#endif

/// Names that are never claimed: hidden and temporary files by default. A relative path is ignored
/// when any of its components matches one pattern (so `.git/x` and `drafts.tmp/x` are ignored too).
public struct IgnorePatterns: Sendable, Equatable {
    public var patterns: [String]

    public init(_ patterns: [String]) {
        self.patterns = patterns
    }

    /// Whether one file or folder name matches a pattern.
    public func matches(name: String) -> Bool {
        patterns.contains { fnmatch($0, name, 0) == 0 }
    }

    /// Whether a path relative to the inbox lies under or at an ignored name.
    public func ignores(relativePath: String) -> Bool {
        relativePath.split(separator: "/").contains { matches(name: String($0)) }
    }
}
