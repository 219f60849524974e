/*
 * schema.h - validation of JSON values against the subset of JSON Schema
 * that mlxplan's MCP tools declare.
 *
 * The tool table states every tool's input and output as JSON Schema text
 * (what `tools/list` shows clients).  The server validates arguments with
 * the very same schema objects, so the published contract and the check
 * cannot drift.  Only the keywords listed below are understood; the
 * server refuses to start with a schema that uses any other (checked once
 * by mp_schema_check), so a keyword can never be silently ignored.
 *
 * Keywords: type (a name or an array of names: object, array, string,
 * integer, number, boolean, null), properties, required,
 * additionalProperties (true or false), enum (strings, numbers, booleans, null),
 * minimum, maximum, minLength, maxLength (in code points), items, minItems,
 * maxItems, and the annotations title, description, default, examples.
 */
#ifndef MP_MCP_SCHEMA_H
#define MP_MCP_SCHEMA_H

#include <cjson/cJSON.h>

#include "kb/param.h"
#include "util/error.h"

/* Check that `schema` is an object that uses only the supported keywords,
 * with values of the right kind, recursively.  Returns 0, or MP_EINTERNAL
 * with a message naming the path and the keyword. */
int mp_schema_check(const cJSON *schema, mp_error *err);

/* Validate `value` against `schema` (already checked).  Returns 0, or
 * MP_EINVAL with a one-line message about the first problem that names the
 * argument by its path ('memory_gb', 'settings.quant', 'items[2]'), says
 * what was expected and quotes what was given; an unknown key gets a
 * "did you mean" and the list of accepted keys.  `what` names the top-level
 * value ("arguments") in messages about the value as a whole. */
int mp_schema_validate(const cJSON *schema, const cJSON *value, const char *what,
                       mp_error *err);

/* Add to the "properties" of `schema` one property per parameter-table row
 * of a tool of `cmd` (MP_PC_*) that has an MCP spelling, in table order:
 * type from the row's type, "enum" from CHOICES, "minimum"/"maximum" (or
 * "minLength"/"maxLength"; for a list "maxItems" and the items' lengths) from the range, "default" when the default is a
 * number, and the help line as "description".  MP_ENOMEM. */
int mp_schema_add_params(cJSON *schema, unsigned cmd, mp_error *err);

/* The property of one row for a tool of `cmd` (NULL when out of memory). */
cJSON *mp_schema_param_property(const mp_param *p, unsigned cmd);

#endif
