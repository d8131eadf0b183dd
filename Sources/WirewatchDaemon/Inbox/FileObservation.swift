/// What `lstat` said about an inbox entry: enough to tell whether it changed between two looks.
public struct FileObservation: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        case regular, directory, symlink, fifo, socket, characterDevice, blockDevice, unknown

        /// How an operator would name it.
        public var description: String {
            switch self {
            case .regular: "regular file"
            case .directory: "directory"
            case .symlink: "symbolic link"
            case .fifo: "named pipe (FIFO)"
            case .socket: "socket"
            case .characterDevice: "character device"
            case .blockDevice: "block device"
            case .unknown: "file of unknown type"
            }
        }
    }

    public var kind: Kind
    public var size: Int64
    /// Modification time in nanoseconds since 1970.
    public var modifiedNanoseconds: Int64
    public var inode: UInt64

    public init(kind: Kind, size: Int64, modifiedNanoseconds: Int64, inode: UInt64) {
        self.kind = kind
        self.size = size
        self.modifiedNanoseconds = modifiedNanoseconds
        self.inode = inode
    }
}
