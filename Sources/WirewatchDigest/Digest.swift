import Foundation

/// A digest: what happened in a window, one entry per event, most important first. Built by
/// ``DigestBuilder``, written by the renderers (Markdown, JSON, HTML).
public struct Digest: Sendable, Equatable {
    /// The version of the JSON schema (`schema` in the JSON form).
    public static let schema = "wirewatch-digest/1"

    public struct Source: Sendable, Equatable {
        public var name: String
        public var firstSeen: Double
        public var url: String?
        /// Its first article in the event.
        public var articleID: Int64
        /// When that article copies an earlier one (agency copy), the one it copies.
        public var copyOf: Int64?
    }

    /// What a later source said that earlier ones did not.
    public struct Addition: Sendable, Equatable {
        public var source: String
        public var sentence: String
    }

    /// A passage several articles share word for word (agency copy).
    public struct SharedPassage: Sendable, Equatable {
        public var text: String
        public var articleIDs: [Int64]
    }

    public struct Related: Sendable, Equatable {
        public var id: Int64
        public var headline: String
        public var sharedNames: [String]
    }

    public struct Event: Sendable, Equatable {
        public var id: Int64
        public var headline: String
        public var firstSeen: Double
        public var lastSeen: Double
        /// Distinct sources, recency and growth in the window, combined (for the order).
        public var importance: Double
        /// Articles, copies included.
        public var articleCount: Int
        /// Sources that joined within the window.
        public var newSources: Int
        public var sources: [Source]
        public var summary: [String]
        public var additions: [Addition]
        public var sharedPassages: [SharedPassage]
        public var names: [String]
        public var related: [Related]
    }

    /// An alert that quiet hours held back for this digest.
    public struct HeldAlert: Sendable, Equatable {
        public var id: Int64
        public var rule: String
        public var message: String
        public var firedAt: Double
        /// 0 for alerts about no single event.
        public var eventID: Int64

        public init(id: Int64, rule: String, message: String, firedAt: Double, eventID: Int64) {
            self.id = id
            self.rule = rule
            self.message = message
            self.firedAt = firedAt
            self.eventID = eventID
        }
    }

    public var generatedAt: Double
    public var since: Double
    public var until: Double
    public var events: [Event]
    /// Alerts held by quiet hours since the last digest, oldest first.
    public var heldAlerts: [HeldAlert] = []
}
