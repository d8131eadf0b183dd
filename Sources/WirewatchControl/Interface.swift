/// The `io.wirewatch` Varlink interface: names and the description served by
/// `org.varlink.service.GetInterfaceDescription`. The text equals `io.wirewatch.varlink` in this
/// folder (a test keeps them in step); it is compiled in so an installed binary needs no resources.
public enum WirewatchInterface {
    public static let name = "io.wirewatch"
    public static let vendor = "Wirewatch"
    public static let product = "wirewatchd"
    public static let version = "0.2.0"
    public static let url = "https://github.com/wirewatch/wirewatch"

    public enum Method {
        public static let getStatus = "io.wirewatch.GetStatus"
        public static let reload = "io.wirewatch.Reload"
        public static let listEvents = "io.wirewatch.ListEvents"
        public static let getEvent = "io.wirewatch.GetEvent"
        public static let listArticles = "io.wirewatch.ListArticles"
        public static let listAlerts = "io.wirewatch.ListAlerts"
        public static let getArticle = "io.wirewatch.GetArticle"
        public static let explain = "io.wirewatch.Explain"
        public static let pause = "io.wirewatch.Pause"
        public static let resume = "io.wirewatch.Resume"
        public static let rescan = "io.wirewatch.Rescan"
        public static let retry = "io.wirewatch.Retry"
        public static let follow = "io.wirewatch.Follow"
        public static let buildDigest = "io.wirewatch.BuildDigest"
    }

    public enum Error {
        public static let invalidConfiguration = "io.wirewatch.InvalidConfiguration"
        public static let permissionDenied = "io.wirewatch.PermissionDenied"
        public static let notFound = "io.wirewatch.NotFound"
        public static let invalidParameter = "io.wirewatch.InvalidParameter"
        public static let internalError = "io.wirewatch.InternalError"
    }

    public static let description = """
        # Wirewatch: steer and query the media-monitoring daemon.
        interface io.wirewatch

        # The daemon's state and counts.
        type Status (
          # "starting", "running", "paused", "reloading" or "stopping".
          state: string,
          version: string,
          uptime_seconds: int,
          # The watched inbox folder.
          inbox: string,
          # Stored articles (distinct contents).
          articles: int,
          # Ingested files, exact duplicates included.
          files: int,
          exact_duplicates: int,
          # Files moved to failed/.
          failed: int,
          # Files found ready and waiting to be claimed.
          queued: int,
          # Inbox rescans after an inotify queue overflow.
          overflows: int,
          # Inbox rescans of any cause.
          rescans: int,
          # Alert deliveries waiting for their sinks (a failing hook or webhook keeps them here).
          alerts_pending: int,
          last_error: ?string
        )

        # An event: articles about the same happening. Times are ISO 8601 in UTC.
        type Event (
          id: int,
          # The title of its most representative article.
          title: ?string,
          first_seen: string,
          last_seen: string,
          # When its articles say they were published (as precise as they are).
          published: ?string,
          articles: int,
          sources: int,
          top_names: []string
        )

        # One distinct source of an event and its first article there.
        type EventSource (
          source: string,
          first_seen: string,
          article_id: int
        )

        # An article as listed.
        type Article (
          id: int,
          title: ?string,
          source: ?string,
          # As the article gives it (ISO 8601, as precise as the source).
          published: ?string,
          language: ?string,
          # When its first file arrived.
          first_seen: string,
          # "exact-duplicate", "near-duplicate", "same-event" or "new-event"; null until decided.
          decision: ?string,
          event_id: ?int,
          # The earlier article whose text this one repeats, or copies with edits.
          duplicate_of: ?int,
          near_duplicate_of: ?int,
          # The name of its first file.
          file: ?string
        )

        # A passage (a sentence) an article shares with an earlier one.
        type SharedPassage (
          text: string,
          article_id: int
        )

        # An article with its text and the evidence of its dedup decision.
        type ArticleDetail (
          article: Article,
          author: ?string,
          url: ?string,
          # "text", "html", "email", "json" or "markdown".
          format: ?string,
          body: ?string,
          shared_passages: []SharedPassage,
          # The stored evidence as a JSON object: scores, shared terms, candidates considered.
          evidence: ?string
        )

        # Why two articles are or are not copies or reports of one event.
        type Explanation (
          # In words, e.g. "same event (12), as the engine decided".
          verdict: string,
          exact_duplicate: bool,
          near_duplicate: bool,
          # Estimated Jaccard similarity of their word 4-grams, and containment of the shorter.
          jaccard: float,
          containment: float,
          # The similarity reported for the pair (0 to 1), and the combined score an event is joined by.
          similarity: float,
          combined: float,
          content: float,
          names: float,
          numbers: ?float,
          # How much of the numbers' weight counted (0 to 1): none below three numbers on a side, all from five.
          numbers_share: ?float,
          time_distance_hours: ?float,
          event_threshold: float,
          shared_terms: []string,
          only_in_a: []string,
          only_in_b: []string,
          # Sentences of B found (nearly) word for word in A.
          shared_passages: []string,
          # How many articles the term weights come from.
          weights_from_articles: int,
          # Each article: path, id, title, and the engine's decision, event and evidence.
          a: object,
          b: object
        )

        # An alert a rule fired. Times are ISO 8601 in UTC.
        type Alert (
          id: int,
          rule: string,
          # "watchlist", "new", "breaking", "growth" or "spike".
          kind: string,
          # What fired the rule; a rule fires at most once per event and reason ("match", "new",
          # "breaking", "source:NAME", "spike:WINDOW").
          reason: string,
          # The event, or null for a spike (about no single event).
          event_id: ?int,
          article_id: ?int,
          fired_at: string,
          # syslog priority, 0 (emerg) to 7 (debug).
          priority: int,
          # Held by quiet hours for the next digest instead of being sent.
          held: bool,
          message: string,
          # Sinks that have not taken it yet ("jsonl", "journal", "exec", "webhook").
          pending: []string,
          # The whole alert as the sinks get it (JSON, schema wirewatch-alert/1).
          payload: string
        )

        # Something that happened, as Follow streams it.
        type Change (
          # "status" (the first reply: the daemon as it is), "event" (an event as it is now: first the
          # twenty most recently active, then whenever an article joins or opens one), "article" (a new
          # article and its decision) or "alert" (an alert just fired). With an "event", merged_events
          # lists the events the article showed to be this one, which it has just taken in.
          kind: string,
          status: ?Status,
          event: ?Event,
          merged_events: ?[]int,
          article: ?Article,
          alert: ?Alert
        )

        # The daemon's state and counts.
        method GetStatus() -> (status: Status)

        # Events, most recently active first. since: active at or after (last seen); until: begun at or
        # before (first seen); query: words the title or top names contain; min_sources: at least this
        # many distinct sources; limit (default 50, at most 1000) and offset page through the rest.
        method ListEvents(
          since: ?string,
          until: ?string,
          query: ?string,
          min_sources: ?int,
          limit: ?int,
          offset: ?int
        ) -> (events: []Event, total: int)

        # One event with its sources and articles (oldest first, at most 1000). The id of an event
        # merged into another finds the event that took its articles (its id is in the reply).
        method GetEvent(id: int) -> (event: Event, sources: []EventSource, articles: []Article)

        # Articles, newest first, filtered like ListEvents (query: words of the title), or of one event.
        method ListArticles(
          since: ?string,
          until: ?string,
          query: ?string,
          event_id: ?int,
          limit: ?int,
          offset: ?int
        ) -> (articles: []Article, total: int)

        # Alerts, most recent first. since, until: fired in that span; rule: of this rule; event_id: about
        # this event; limit (default 50, at most 1000) and offset page through the rest.
        method ListAlerts(
          since: ?string,
          until: ?string,
          rule: ?string,
          event_id: ?int,
          limit: ?int,
          offset: ?int
        ) -> (alerts: []Alert, total: int)

        # One article with its text and evidence.
        method GetArticle(id: int) -> (article: ArticleDetail)

        # Compares two stored articles as the engine does, with its decisions about them.
        method Explain(a: int, b: int) -> (explanation: Explanation)

        # Stops claiming files from the inbox (files keep arriving there and wait); what is claimed is
        # finished. For root and the admin group.
        method Pause() -> (state: string)

        # Claims files again, starting with a scan of the inbox. For root and the admin group.
        method Resume() -> (state: string)

        # Scans the inbox for files the watcher has not reported. For root and the admin group.
        method Rescan() -> (queued: int)

        # Moves a file from the failed folder back into the inbox to be ingested again (its report is
        # removed; the store keeps the failure). file: its name in the failed folder. For root and the
        # admin group.
        method Retry(file: string) -> (inbox_path: string)

        # With more: the current state first, then every new article, event change and alert as it
        # happens, each as a reply with continues. Without more: ExpectedMore.
        method Follow() -> (change: Change)

        # Writes a digest now into the digests folder, in the configured formats. since: by default the
        # end of the previous digest; until: by default now. For root and the admin group.
        method BuildDigest(since: ?string, until: ?string) -> (paths: []string, events: int, since: string, until: string)

        # Re-reads the configuration file, validates it and applies it. An invalid file is refused and
        # the running configuration stays. Paths take effect only at a restart.
        method Reload() -> (source: string, warnings: []string)

        # The configuration file could not be used; nothing was changed.
        error InvalidConfiguration (source: string, problems: []string)

        # The caller may not call this method.
        error PermissionDenied (method: string)

        # No such event, article or file.
        error NotFound (kind: string, id: string)

        # A parameter has a value the method cannot use.
        error InvalidParameter (parameter: string, reason: string)

        # The daemon could not complete the call (the store failed); the reason says how.
        error InternalError (reason: string)

        """

    /// The standard service interface every Varlink service offers.
    public static let serviceDescription = """
        # The Varlink Service Interface is provided by every varlink service. It
        # describes the service and the interfaces it implements.
        interface org.varlink.service

        # Get a list of all the interfaces a service provides and information
        # about the implementation.
        method GetInfo() -> (
          vendor: string,
          product: string,
          version: string,
          url: string,
          interfaces: []string
        )

        # Get the description of an interface that is implemented by this service.
        method GetInterfaceDescription(interface: string) -> (description: string)

        # The requested interface was not found.
        error InterfaceNotFound (interface: string)

        # The requested method was not found
        error MethodNotFound (method: string)

        # The interface defines the requested method, but the service does not
        # implement it.
        error MethodNotImplemented (method: string)

        # One of the passed parameters is invalid.
        error InvalidParameter (parameter: string)

        # Client is denied access
        error PermissionDenied ()

        # Method is expected to be called with 'more' set to true, but wasn't
        error ExpectedMore ()

        """
}
