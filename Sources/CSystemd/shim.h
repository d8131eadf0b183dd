#ifndef WIREWATCH_CSYSTEMD_SHIM_H
#define WIREWATCH_CSYSTEMD_SHIM_H
// struct ucred and SO_PEERCRED are GNU extensions.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sys/socket.h>
#include <sys/uio.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#endif
