import WirewatchCore

/// A claimed file whose bytes were accepted as text, ready to be committed.
public struct AcceptedFile: Sendable, Equatable {
    public var claimID: ClaimID
    /// Path relative to the inbox.
    public var originalName: String
    public var size: Int64
    public var contentHash: ContentHash
    public var text: DecodedText
    /// Seconds since 1970, when the file was first seen in the inbox.
    public var arrivedAt: Double
    /// Seconds since 1970, when processing finished (just before the commit).
    public var processedAt: Double
    /// Where the file is moved once the commit is durable.
    public var archivePath: String
    /// What the parser made of it.
    public var article: Article?
    /// What the analyzer made of the article, for the dedup engine.
    public var profile: ArticleProfile?
    /// The publisher as counted for distinct sources: the article's source, else its URL's host,
    /// else the file's feed folder or name.
    public var sourceKey: String?
    /// The article's stored columns, encoded ahead of the commit (on the parsing threads).
    public var columns: ArticleColumns?
    /// The article's text prepared for the alert rules' terms (on the parsing threads).
    public var alertText: TermMatcher.Text?

    public init(
        claimID: ClaimID, originalName: String, size: Int64, contentHash: ContentHash, text: DecodedText,
        arrivedAt: Double, processedAt: Double, archivePath: String, article: Article? = nil,
        profile: ArticleProfile? = nil, sourceKey: String? = nil, columns: ArticleColumns? = nil
    ) {
        self.article = article
        self.profile = profile
        self.sourceKey = sourceKey
        self.columns = columns ?? article.map(ArticleColumns.init)
        self.claimID = claimID
        self.originalName = originalName
        self.size = size
        self.contentHash = contentHash
        self.text = text
        self.arrivedAt = arrivedAt
        self.processedAt = processedAt
        self.archivePath = archivePath
    }
}

/// A claimed file that could not be accepted, ready to be committed.
public struct RejectedFile: Sendable, Equatable {
    public var claimID: ClaimID
    public var originalName: String
    /// Bytes, when they could be counted.
    public var size: Int64?
    /// A stable code such as `empty`, `binary` or `symlink`.
    public var reasonCode: String
    /// A sentence for an operator.
    public var reason: String
    public var arrivedAt: Double
    public var failedAt: Double
    /// Where the file is moved, next to its `NAME.error.json`.
    public var failedPath: String

    public init(
        claimID: ClaimID, originalName: String, size: Int64?, reasonCode: String, reason: String,
        arrivedAt: Double, failedAt: Double, failedPath: String
    ) {
        self.claimID = claimID
        self.originalName = originalName
        self.size = size
        self.reasonCode = reasonCode
        self.reason = reason
        self.arrivedAt = arrivedAt
        self.failedAt = failedAt
        self.failedPath = failedPath
    }
}

/// One claimed file's outcome, as committed.
public enum IngestionRecord: Sendable, Equatable {
    case accepted(AcceptedFile)
    case rejected(RejectedFile)

    public var claimID: ClaimID {
        switch self {
        case .accepted(let file): file.claimID
        case .rejected(let file): file.claimID
        }
    }
}

/// What the store made of an ``IngestionRecord``.
public enum IngestionResult: Sendable, Equatable {
    /// A file with new content: a new article.
    case stored(fileID: Int64, articleID: Int64)
    /// A file whose bytes the store already had: recorded, pointing at the first file with them.
    case exactDuplicate(fileID: Int64, articleID: Int64, duplicateOfFileID: Int64)
    case failed(failureID: Int64)
    /// The claim was committed before (a restart after a crash): nothing was written again.
    case alreadyRecorded(ClaimDisposition)
}

/// Where a committed claim belongs on disk.
public enum ClaimDisposition: Sendable, Equatable {
    case archived(path: String)
    case failed(RejectedFile)
}

/// Totals for status lines.
public struct StoreCounts: Sendable, Equatable {
    public var articles: Int
    public var files: Int
    public var exactDuplicates: Int
    public var failed: Int

    public init(articles: Int, files: Int, exactDuplicates: Int, failed: Int) {
        self.articles = articles
        self.files = files
        self.exactDuplicates = exactDuplicates
        self.failed = failed
    }
}

/// A stored article, as read back.
public struct StoredArticle: Sendable, Equatable {
    public var id: Int64
    public var title: String?
    public var source: String?
    /// ISO 8601 as the source gave it.
    public var published: String?
    public var language: String?
    public var author: String?
    public var url: String?
    public var format: String?
    public var body: String?
    public var sectionCount: Int
    /// The dedup decision (nil before it is made).
    public var decision: DedupDecision.Kind?
    public var eventID: Int64?
    /// The article whose normalised body this one repeats.
    public var duplicateOf: Int64?
    /// The article this one copies with edits.
    public var nearDuplicateOf: Int64?
    /// Seconds since 1970 when it first arrived.
    public var firstSeen: Double
}

/// A committed file, as read back.
public struct StoredFile: Sendable, Equatable {
    public var id: Int64
    public var claimID: String
    public var originalName: String
    public var size: Int64
    public var contentHash: String
    public var articleID: Int64
    public var duplicateOfFileID: Int64?
    public var arrivedAt: Double
    public var processedAt: Double
    public var archivePath: String
}

/// An article's text columns as the store writes them: the body, the sections over it, the rules.
public struct ArticleColumns: Sendable, Equatable {
    public var body: String
    public var sections: String
    public var rules: String

    public init(_ article: Article) {
        body = article.body
        sections = Store.sectionsJSON(article.sections)
        rules = Store.rulesJSON(article.rules)
    }
}
