#ifndef WIREWATCH_CLINUX_SHIM_H
#define WIREWATCH_CLINUX_SHIM_H
// glibc declarations that Swift's Glibc module does not export.
#include <malloc.h>
#endif
