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
    }

    public enum Error {
        public static let invalidConfiguration = "io.wirewatch.InvalidConfiguration"
        public static let permissionDenied = "io.wirewatch.PermissionDenied"
    }

    public static let description = """
        # Wirewatch: steer and query the media-monitoring daemon.
        interface io.wirewatch

        # The daemon's state and counts.
        type Status (
          # "starting", "running", "reloading" or "stopping".
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
          last_error: ?string
        )

        # The daemon's state and counts.
        method GetStatus() -> (status: Status)

        # Re-reads the configuration file, validates it and applies it. An invalid file is refused and
        # the running configuration stays. Paths take effect only at a restart.
        method Reload() -> (source: string, warnings: []string)

        # The configuration file could not be used; nothing was changed.
        error InvalidConfiguration (source: string, problems: []string)

        # The caller may not call this method.
        error PermissionDenied (method: string)

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
