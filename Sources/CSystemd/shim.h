#ifndef WIREWATCH_CSYSTEMD_SHIM_H
#define WIREWATCH_CSYSTEMD_SHIM_H
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

/// The process at the other end of a Unix socket (SO_PEERCRED). Returns 0, or -1 with errno set.
/// `struct ucred` is only declared with _GNU_SOURCE, which would make this module's libc types
/// clash with Swift's Glibc module; its layout (pid, uid, gid) is fixed on Linux, so read it raw.
static inline int wirewatch_peer_credentials(int fd, int *pid, unsigned int *uid, unsigned int *gid) {
    int credentials[3];
    socklen_t length = sizeof(credentials);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, credentials, &length) != 0) return -1;
    *pid = credentials[0];
    *uid = (unsigned int)credentials[1];
    *gid = (unsigned int)credentials[2];
    return 0;
}

/// The supplementary groups of the process at the other end (SO_PEERGROUPS, Linux 4.13). Returns
/// how many were written (at most `capacity`), or -1 with errno set.
static inline int wirewatch_peer_groups(int fd, unsigned int *groups, int capacity) {
    socklen_t length = (socklen_t)(capacity * sizeof(unsigned int));
#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59
#endif
    if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &length) != 0) return -1;
    return (int)(length / sizeof(unsigned int));
}
#endif
