#if canImport(Glibc)
import Glibc
#endif

/// Who may call what on the control socket: reading methods for root, the daemon's own user and
/// members of `control.group` (anyone who can open the socket when it is empty); changing methods
/// (reload, pause, resume, rescan) for root, the daemon's own user and members of
/// `control.admin_group`. Pure, with the group lookup passed in, so it is tested without users.
enum ControlAccess {
    static func mayRead(
        _ peer: PeerCredentials, ownUID: UInt32, control: DaemonConfiguration.Control, groupID: (String) -> UInt32?
    ) -> Bool {
        if peer.uid == 0 || peer.uid == ownUID || control.group.isEmpty { return true }
        if let group = groupID(control.group), peer.isMember(of: group) { return true }
        return mayChange(peer, ownUID: ownUID, control: control, groupID: groupID)
    }

    static func mayChange(
        _ peer: PeerCredentials, ownUID: UInt32, control: DaemonConfiguration.Control, groupID: (String) -> UInt32?
    ) -> Bool {
        if peer.uid == 0 || peer.uid == ownUID { return true }
        guard !control.adminGroup.isEmpty, let group = groupID(control.adminGroup) else { return false }
        return peer.isMember(of: group)
    }

    /// The id of a group by name, from the system's group database (nil when there is none).
    static func groupID(_ name: String) -> UInt32? {
        var entry = group()
        var buffer = [CChar](repeating: 0, count: 16_384)
        var result: UnsafeMutablePointer<group>?
        guard getgrnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return entry.gr_gid
    }
}
