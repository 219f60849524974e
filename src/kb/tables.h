/*
 * tables.h - row types of the compiled-in knowledge tables.
 *
 * The reviewed data files under data/ are the source of every fact.  At build
 * time tools/gen/gen.c reads them, checks them (column types, unique keys) and
 * writes kb_tables.c (one `static const` array of rows per file, in the file's
 * order, except the API and CLI tables, which are sorted by their key so that
 * exact look-ups are binary searches) and kb_tables.h, the row types with
 * their typed columns, both from the generator's column specs: the schema is
 * stated once, there.  This header only includes the generated one (from the
 * build tree's generated/ folder).  Nothing here is hand-edited.
 */
#ifndef MP_KB_TABLES_H
#define MP_KB_TABLES_H

#include "kb_tables.h"

#endif
