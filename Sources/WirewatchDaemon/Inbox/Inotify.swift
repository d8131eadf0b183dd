#if canImport(Glibc)
import Glibc
#endif

/// An inotify instance: watches folders and decodes the kernel's event records.
public final class Inotify {
    /// Event bits (from `<sys/inotify.h>`).
    public struct Mask: OptionSet, Sendable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let modify = Mask(rawValue: 0x0000_0002)
        public static let closeWrite = Mask(rawValue: 0x0000_0008)
        public static let movedFrom = Mask(rawValue: 0x0000_0040)
        public static let movedTo = Mask(rawValue: 0x0000_0080)
        public static let create = Mask(rawValue: 0x0000_0100)
        public static let deleteSelf = Mask(rawValue: 0x0000_0400)
        public static let moveSelf = Mask(rawValue: 0x0000_0800)
        public static let unmount = Mask(rawValue: 0x0000_2000)
        public static let queueOverflow = Mask(rawValue: 0x0000_4000)
        public static let ignored = Mask(rawValue: 0x0000_8000)
        public static let onlyDirectory = Mask(rawValue: 0x0100_0000)
        public static let dontFollow = Mask(rawValue: 0x0200_0000)
        public static let excludeUnlinked = Mask(rawValue: 0x0400_0000)
        public static let isDirectory = Mask(rawValue: 0x4000_0000)

        /// What the inbox and its subfolders are watched for.
        public static let inbox: Mask = [
            .modify, .closeWrite, .movedTo, .create, .deleteSelf, .moveSelf, .onlyDirectory, .dontFollow,
            .excludeUnlinked,
        ]
    }

    public struct Event: Sendable, Equatable {
        public var watch: Int32
        public var mask: Mask
        public var name: String
    }

    public let descriptor: Int32
    private var buffer = [UInt8](repeating: 0, count: 256 * 1024)

    public init() throws(SystemError) {
        descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { throw SystemError("inotify_init1", path: "") }
    }

    deinit {
        close(descriptor)
    }

    /// Adds (or refreshes) a watch on a folder; returns its watch descriptor.
    public func watch(_ path: String, mask: Mask = .inbox) throws(SystemError) -> Int32 {
        let watch = inotify_add_watch(descriptor, path, mask.rawValue)
        guard watch >= 0 else { throw SystemError("inotify_add_watch", path: path) }
        return watch
    }

    func removeWatch(_ watch: Int32) {
        _ = inotify_rm_watch(descriptor, watch)
    }

    /// Reads what is queued without blocking; empty when nothing is.
    public func readEvents() throws(SystemError) -> [Event] {
        let count = buffer.withUnsafeMutableBytes { raw in Glibc.read(descriptor, raw.baseAddress!, raw.count) }
        if count < 0 {
            if errno == EAGAIN || errno == EINTR { return [] }
            throw SystemError("read", path: "inotify")
        }
        return Self.decode(buffer[0..<count])
    }

    /// Decodes `struct inotify_event` records: wd, mask, cookie, len, then `len` bytes of
    /// NUL-padded name (a flexible array member, so it is read from the raw bytes).
    static func decode(_ bytes: ArraySlice<UInt8>) -> [Event] {
        var events: [Event] = []
        var offset = bytes.startIndex
        func word(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
        }
        while offset + 16 <= bytes.endIndex {
            let watch = Int32(bitPattern: word(offset))
            let mask = Mask(rawValue: word(offset + 4))
            let length = Int(word(offset + 12))
            let nameStart = offset + 16
            guard nameStart + length <= bytes.endIndex else { break }
            let nameBytes = bytes[nameStart..<(nameStart + length)]
            let end = nameBytes.firstIndex(of: 0) ?? nameBytes.endIndex
            events.append(Event(watch: watch, mask: mask, name: String(decoding: nameBytes[..<end], as: UTF8.self)))
            offset = nameStart + length
        }
        return events
    }
}
