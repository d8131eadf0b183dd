#if canImport(Glibc)
import Glibc
#endif
import CSystemd

/// Sockets passed by systemd (`sd_listen_fds_with_names`).
public enum SocketActivation {
    /// The listening socket named `name` (`FileDescriptorName=`), or the only one passed; nil when
    /// the daemon was not socket-activated. The environment variables are unset afterwards so
    /// child processes do not inherit them.
    public static func listeningSocket(named name: String) -> Int32? {
        var names: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil
        let count = sd_listen_fds_with_names(1, &names)
        guard count > 0 else { return nil }
        defer {
            if let names {
                for index in 0..<Int(count) { free(names[index]) }
                free(names)
            }
        }
        var chosen: Int32?
        for index in 0..<Int(count) {
            let descriptor = Int32(SD_LISTEN_FDS_START) + Int32(index)
            let fdName = names?[index].map { String(cString: $0) } ?? ""
            if fdName == name {
                chosen = descriptor
            }
        }
        if chosen == nil && count == 1 { chosen = Int32(SD_LISTEN_FDS_START) }
        // Keep other passed descriptors from leaking into children.
        for index in 0..<Int(count) where Int32(SD_LISTEN_FDS_START) + Int32(index) != chosen {
            _ = fcntl(Int32(SD_LISTEN_FDS_START) + Int32(index), F_SETFD, FD_CLOEXEC)
        }
        return chosen
    }
}
