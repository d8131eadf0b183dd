#ifndef WIREWATCH_CLIBXML2_SHIM_H
#define WIREWATCH_CLIBXML2_SHIM_H
// Debian builds libxml2 with ICU, whose headers clash with Foundation's own ICU.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlmemory.h>

static inline void wirewatch_xmlFree(void *pointer) { xmlFree(pointer); }
#endif
