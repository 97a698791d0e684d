/*
 * json - just enough JSON output for moimctl's --json
 */
#include <string.h>

#include "json.h"

/* json_escape_char - append the escape of one ASCII control or special */
static void
json_escape_char(GString *out, unsigned char ch)
{
	switch (ch) {
	case '"':
		g_string_append(out, "\\\"");
		break;
	case '\\':
		g_string_append(out, "\\\\");
		break;
	case '\n':
		g_string_append(out, "\\n");
		break;
	case '\r':
		g_string_append(out, "\\r");
		break;
	case '\t':
		g_string_append(out, "\\t");
		break;
	default:
		g_string_append_printf(out, "\\u%04x", ch);
	}
}

/* json_string - append s as a JSON string literal, or null */
void
json_string(GString *out, const char *s)
{
	const char *p = s, *end;

	if (s == NULL) {
		g_string_append(out, "null");
		return;
	}
	end = s + strlen(s);
	g_string_append_c(out, '"');
	while (p < end) {
		unsigned char ch = (unsigned char)*p;
		gunichar u;

		if (ch < 0x20 || ch == '"' || ch == '\\' || ch == 0x7f) {
			json_escape_char(out, ch);
			p++;
		} else if (ch < 0x80) {
			g_string_append_c(out, (char)ch);
			p++;
		} else if ((u = g_utf8_get_char_validated(p, end - p)) <
		    (gunichar)-2) {
			g_string_append_len(out, p, g_utf8_next_char(p) - p);
			p = g_utf8_next_char(p);
		} else {
			/* Not UTF-8: one replacement character per byte. */
			g_string_append(out, "\xef\xbf\xbd");
			p++;
		}
	}
	g_string_append_c(out, '"');
}

/* json_key - append the separator and "key": */
void
json_key(GString *out, bool *first, const char *key)
{
	if (!*first)
		g_string_append_c(out, ',');
	*first = false;
	json_string(out, key);
	g_string_append_c(out, ':');
}

/* json_str_member - append "key":"value" */
void
json_str_member(GString *out, bool *first, const char *key, const char *value)
{
	json_key(out, first, key);
	json_string(out, value);
}

/* json_int_member - append "key":number */
void
json_int_member(GString *out, bool *first, const char *key, gint64 value)
{
	json_key(out, first, key);
	g_string_append_printf(out, "%" G_GINT64_FORMAT, value);
}

/* json_bool_member - append "key":true|false */
void
json_bool_member(GString *out, bool *first, const char *key, bool value)
{
	json_key(out, first, key);
	g_string_append(out, value ? "true" : "false");
}
