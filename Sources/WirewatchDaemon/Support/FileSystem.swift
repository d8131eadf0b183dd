#if canImport(Glibc)
import Glibc
#endif

/// A failed system call, with what was attempted on which path.
public struct SystemError: Error, Sendable, Equatable, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var errno: Int32

    public init(_ operation: String, path: String, errno: Int32 = Glibc.errno) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    public var description: String { "\(operation) \(path): \(String(cString: strerror(errno)))" }
}

/// Thin, typed wrappers over the POSIX calls the daemon needs. No symlink is ever followed.
public enum FileSystem {
    /// `lstat`; nil when the entry does not exist.
    public static func observe(_ path: String) throws(SystemError) -> FileObservation? {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw SystemError("lstat", path: path)
        }
        return observation(info)
    }

    static func observation(_ info: stat) -> FileObservation {
        let kind: FileObservation.Kind
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symlink
        case S_IFIFO: kind = .fifo
        case S_IFSOCK: kind = .socket
        case S_IFCHR: kind = .characterDevice
        case S_IFBLK: kind = .blockDevice
        default: kind = .unknown
        }
        return FileObservation(
            kind: kind, size: Int64(info.st_size),
            modifiedNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
            inode: UInt64(info.st_ino))
    }

    /// The device a path lives on (to check that renames between folders can work).
    public static func device(of path: String) throws(SystemError) -> UInt64 {
        var info = stat()
        guard stat(path, &info) == 0 else { throw SystemError("stat", path: path) }
        return UInt64(info.st_dev)
    }

    /// Names in a folder, without `.` and `..`.
    public static func list(_ path: String) throws(SystemError) -> [String] {
        guard let directory = opendir(path) else { throw SystemError("opendir", path: path) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// `mkdir -p`.
    public static func createDirectory(_ path: String, mode: mode_t = 0o750) throws(SystemError) {
        if let existing = try observe(path) {
            guard existing.kind == .directory else { throw SystemError("mkdir", path: path, errno: ENOTDIR) }
            return
        }
        let parent = parentDirectory(of: path)
        if parent != path && !parent.isEmpty { try createDirectory(parent, mode: mode) }
        guard mkdir(path, mode) == 0 || errno == EEXIST else { throw SystemError("mkdir", path: path) }
    }

    public static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    public static func baseName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// `rename`; throws with ENOENT when the source is gone.
    public static func rename(_ source: String, to destination: String) throws(SystemError) {
        guard Glibc.rename(source, destination) == 0 else { throw SystemError("rename to \(destination)", path: source) }
    }

    /// Makes renames and creations in a folder durable.
    public static func syncDirectory(_ path: String) throws(SystemError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw SystemError("open", path: path) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw SystemError("fsync", path: path) }
    }

    /// What came of reading a claimed file.
    public enum ReadOutcome: Sendable, Equatable {
        case bytes([UInt8])
        /// Larger than the limit; not read.
        case tooLarge(size: Int64)
        /// Not a regular file (checked on the open descriptor, so nothing can be swapped in).
        case notRegular(FileObservation.Kind)
    }

    /// Reads a regular file up to `limit` bytes without following a symlink or blocking on a FIFO.
    public static func read(_ path: String, limit: Int64) throws(SystemError) -> ReadOutcome {
        // Opening a socket fails and opening a device has effects: look before opening.
        if let entry = try observe(path), entry.kind != .regular { return .notRegular(entry.kind) }
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard descriptor >= 0 else {
            if errno == ELOOP { return .notRegular(.symlink) }
            throw SystemError("open", path: path)
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw SystemError("fstat", path: path) }
        let observed = observation(info)
        guard observed.kind == .regular else { return .notRegular(observed.kind) }
        guard observed.size <= limit else { return .tooLarge(size: observed.size) }
        var bytes = [UInt8](repeating: 0, count: Int(observed.size) + 1)
        var count = 0
        while true {
            if count == bytes.count {
                // Grew while being read: keep going up to the limit.
                guard Int64(count) <= limit else { return .tooLarge(size: Int64(count)) }
                bytes.append(contentsOf: repeatElement(0, count: max(4096, count / 2)))
            }
            let got = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(descriptor, buffer.baseAddress! + count, buffer.count - count)
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw SystemError("read", path: path)
            }
            if got == 0 { break }
            count += got
        }
        guard Int64(count) <= limit else { return .tooLarge(size: Int64(count)) }
        bytes.removeSubrange(count...)
        return .bytes(bytes)
    }

    /// Writes a file atomically: a hidden temporary beside it, fsync, rename.
    public static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o640) throws(SystemError) {
        let temporary = parentDirectory(of: path) + "/." + baseName(of: path) + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)
        guard descriptor >= 0 else { throw SystemError("create", path: temporary) }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + written, buffer.count - written)
            }
            if result < 0 {
                if errno == EINTR { continue }
                let error = SystemError("write", path: temporary)
                close(descriptor)
                unlink(temporary)
                throw error
            }
            written += result
        }
        guard fsync(descriptor) == 0 else {
            let error = SystemError("fsync", path: temporary)
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        try rename(temporary, to: path)
    }

    /// Whether anything (even a dangling symlink) exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }
}

/// Clocks, as plain numbers so the pure parts can take them as arguments.
public enum Clock {
    /// Monotonic nanoseconds.
    public static func monotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// Seconds since 1970.
    public static func wallSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// `YYYY-MM-DD` in UTC.
    public static func utcDate(_ seconds: Double) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
    }

    /// ISO 8601 in UTC with milliseconds, e.g. `2026-11-23T07:24:09.123Z`.
    public static func iso8601(_ seconds: Double) -> String {
        // From whole milliseconds, so that a time kept to the millisecond prints as itself.
        let total = Int64((seconds * 1000).rounded(.toNearestOrEven))
        let wholeSeconds = total >= 0 ? total / 1000 : (total - 999) / 1000
        var time = time_t(wholeSeconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let milliseconds = Int(total - wholeSeconds * 1000)
        return "\(parts.tm_year + 1900)-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))T"
            + "\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2)).\(pad(milliseconds, 3))Z"
    }
}
