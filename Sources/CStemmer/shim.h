#ifndef WIREWATCH_CSTEMMER_SHIM_H
#define WIREWATCH_CSTEMMER_SHIM_H
#include <libstemmer.h>
#endif
