import Foundation
import WirewatchCore
import WirewatchStore

/// The `NAME.error.json` written beside a file in `failed/`.
struct FailureReport: Codable, Equatable {
    var file: String
    var originalPath: String
    var claimID: String
    var reason: String
    var message: String
    var size: Int64?
    var arrivedAt: String
    var failedAt: String

    enum CodingKeys: String, CodingKey {
        case file
        case originalPath = "original_path"
        case claimID = "claim_id"
        case reason
        case message
        case size
        case arrivedAt = "arrived_at"
        case failedAt = "failed_at"
    }

    init(_ rejected: RejectedFile) {
        file = FileSystem.baseName(of: rejected.failedPath)
        originalPath = rejected.originalName
        claimID = rejected.claimID.rawValue
        reason = rejected.reasonCode
        message = rejected.reason
        size = rejected.size
        arrivedAt = Clock.iso8601(rejected.arrivedAt)
        failedAt = Clock.iso8601(rejected.failedAt)
    }

    func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and integers cannot fail.
        return Array((try? encoder.encode(self)) ?? Data("{}".utf8)) + [UInt8(ascii: "\n")]
    }
}
