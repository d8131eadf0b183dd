#ifndef WIREWATCH_CLINUX_SHIM_H
#define WIREWATCH_CLINUX_SHIM_H
// glibc declarations that Swift's Glibc module does not export.
#include <malloc.h>
#include <stddef.h>
#include <sys/socket.h>

// Declared by glibc only under _GNU_SOURCE, which would change this module's libc types: the
// descriptor and its close-on-exec flag in one step, so a child started meanwhile never gets it.
extern int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);
extern int pipe2(int fds[2], int flags);

// libcurl, loaded with dlopen when a webhook is first used (so an idle daemon never maps it).
// Its option setters are variadic, which Swift cannot call: these call them with one argument.
typedef int (*ww_curl_variadic)(void *, int, ...);

static inline int ww_curl_setopt_pointer(void *function, void *handle, int option, const void *value) {
    return ((ww_curl_variadic)function)(handle, option, value);
}

static inline int ww_curl_setopt_long(void *function, void *handle, int option, long value) {
    return ((ww_curl_variadic)function)(handle, option, value);
}

static inline int ww_curl_getinfo_long(void *function, void *handle, int info, long *value) {
    return ((ww_curl_variadic)function)(handle, info, value);
}

static size_t ww_curl_discard(char *data, size_t size, size_t count, void *context) {
    (void)data;
    (void)context;
    return size * count;
}

/// A write callback that drops the response body.
static inline void *ww_curl_discard_function(void) { return (void *)ww_curl_discard; }
#endif
