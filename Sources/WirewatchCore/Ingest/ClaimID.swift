/// The identity a file gets when it is claimed from the inbox: the arrival time in milliseconds and
/// a random tag, e.g. `1763882649123-9f3a2b1c`. It prefixes the file's name in `processing/` and is
/// recorded in the store with the outcome, so that a restart after a crash can tell a file that was
/// already committed (finish moving it) from one that was not (process it again).
public struct ClaimID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String
    /// Milliseconds since 1970 at which the file was first seen.
    public let arrivalMilliseconds: Int64

    public init(arrivalMilliseconds: Int64, tag: UInt32) {
        let hex = String(tag, radix: 16)
        self.rawValue = "\(arrivalMilliseconds)-\(String(repeating: "0", count: 8 - hex.count))\(hex)"
        self.arrivalMilliseconds = arrivalMilliseconds
    }

    /// Parses a claim ID; nil when `rawValue` is not one.
    public init?(rawValue: String) {
        let parts = rawValue.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 8, UInt32(parts[1], radix: 16) != nil,
            parts[1].allSatisfy({ $0.isHexDigit && !$0.isUppercase }),
            let milliseconds = Int64(parts[0]), milliseconds >= 0
        else { return nil }
        self.rawValue = rawValue
        self.arrivalMilliseconds = milliseconds
    }

    public var description: String { rawValue }

    public static func < (lhs: ClaimID, rhs: ClaimID) -> Bool {
        (lhs.arrivalMilliseconds, lhs.rawValue) < (rhs.arrivalMilliseconds, rhs.rawValue)
    }
}

/// How a claimed file is named in `processing/`: `CLAIMID.NAME`, where NAME is the file's path
/// relative to the inbox with `%` and `/` escaped, shortened to fit the 255-byte name limit.
public struct ClaimedName: Hashable, Sendable {
    public let claimID: ClaimID
    /// The path relative to the inbox (as far as it survived shortening).
    public let originalName: String

    public static let maximumLength = 255

    public init(claimID: ClaimID, originalName: String) {
        self.claimID = claimID
        self.originalName = originalName
    }

    /// The file name in `processing/`.
    public var fileName: String {
        let prefix = claimID.rawValue + "."
        var escaped = ""
        for character in originalName {
            switch character {
            case "%": escaped += "%25"
            case "/": escaped += "%2F"
            default: escaped.append(character)
            }
        }
        let budget = Self.maximumLength - prefix.utf8.count
        while escaped.utf8.count > budget {
            escaped.removeFirst()
        }
        return prefix + escaped
    }

    /// Reads a name from `processing/` back; nil for names that were not made by ``fileName``.
    public init?(fileName: String) {
        guard let dot = fileName.firstIndex(of: "."),
            let claimID = ClaimID(rawValue: String(fileName[..<dot]))
        else { return nil }
        let escaped = fileName[fileName.index(after: dot)...]
        guard !escaped.isEmpty else { return nil }
        self.claimID = claimID
        self.originalName = Self.unescape(escaped)
    }

    /// Undoes the escaping of ``fileName`` in one pass, left to right.
    static func unescape(_ escaped: Substring) -> String {
        var result = ""
        var index = escaped.startIndex
        while index < escaped.endIndex {
            let rest = escaped[index...]
            if rest.hasPrefix("%2F") {
                result.append("/")
                index = escaped.index(index, offsetBy: 3)
            } else if rest.hasPrefix("%25") {
                result.append("%")
                index = escaped.index(index, offsetBy: 3)
            } else {
                result.append(escaped[index])
                index = escaped.index(after: index)
            }
        }
        return result
    }
}
