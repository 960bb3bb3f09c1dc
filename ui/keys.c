/* keys.c: the action table, key names, keymap files, help and docs/keys.md
 * (see keys.h).  curses is included only for its KEY_* numbers. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curses.h>

#include "cutover/nearest.h"
#include "keys.h"

_Static_assert(KEY_MAX < KEYMAP_SIZE, "KEYMAP_SIZE must cover every curses key code");
_Static_assert(ACT_COUNT < 256, "actions must fit in an unsigned char");

#define KEYMAP_FILE_MAX (256 * 1024)

struct action_info {
	const char *name, *keys, *help;
	enum key_group group;
	unsigned flags;
};

static const struct action_info actions[ACT_COUNT] = {
	[ACT_NONE] = { "none", "", "Do nothing", KEY_GROUP_COUNT, 0 },
#define KEY_ACTION_INFO(e, str, grp, k, fl, h) [ACT_##e] = { str, k, h, KEY_GROUP_##grp, fl },
	KEY_ACTIONS(KEY_ACTION_INFO)
#undef KEY_ACTION_INFO
};

static const char *const group_titles[] = {
#define KEY_GROUP_TITLE(name, title) title,
	KEY_GROUPS(KEY_GROUP_TITLE)
#undef KEY_GROUP_TITLE
};

struct named_key {
	const char *name;
	int code;
};

static const struct named_key named[] = {
	{ "Tab", '\t' },        { "S-Tab", KEY_BTAB },  { "Enter", '\n' },
	{ "Esc", 27 },          { "Space", ' ' },       { "Backspace", KEY_BACKSPACE },
	{ "Up", KEY_UP },       { "Down", KEY_DOWN },   { "Left", KEY_LEFT },
	{ "Right", KEY_RIGHT }, { "Home", KEY_HOME },   { "End", KEY_END },
	{ "PgUp", KEY_PPAGE },  { "PgDn", KEY_NPAGE },  { "Insert", KEY_IC },
	{ "Delete", KEY_DC },
};
#define N_NAMED (sizeof(named) / sizeof(named[0]))
#define N_FKEYS 12

const char *key_action_name(enum key_action a)
{
	return (unsigned)a < ACT_COUNT ? actions[a].name : "?";
}

const char *key_action_help(enum key_action a)
{
	return (unsigned)a < ACT_COUNT ? actions[a].help : "?";
}

const char *key_action_default_keys(enum key_action a)
{
	return (unsigned)a < ACT_COUNT ? actions[a].keys : "";
}

enum key_group key_action_group(enum key_action a)
{
	return (unsigned)a < ACT_COUNT ? actions[a].group : KEY_GROUP_COUNT;
}

unsigned key_action_flags(enum key_action a)
{
	return (unsigned)a < ACT_COUNT ? actions[a].flags : 0;
}

const char *key_group_title(enum key_group g)
{
	return (unsigned)g < KEY_GROUP_COUNT ? group_titles[g] : "?";
}

enum key_action key_action_by_name(const char *name)
{
	for (int a = 1; a < ACT_COUNT; a++)
		if (strcmp(actions[a].name, name) == 0)
			return (enum key_action)a;
	return ACT_NONE;
}

int keycode_parse(const char *name)
{
	size_t n = strlen(name);

	if (n == 1 && name[0] > ' ' && name[0] < 0x7f)
		return (unsigned char)name[0];
	if (n == 3 && name[0] == 'C' && name[1] == '-' && isalpha((unsigned char)name[2]))
		return tolower((unsigned char)name[2]) - 'a' + 1;
	for (size_t i = 0; i < N_NAMED; i++)
		if (strcasecmp(name, named[i].name) == 0)
			return named[i].code;
	if ((name[0] == 'F' || name[0] == 'f') && n >= 2 && n <= 3 && isdigit((unsigned char)name[1]) &&
	    (n == 2 || isdigit((unsigned char)name[2]))) {
		int f = (int)strtol(name + 1, NULL, 10);
		if (f >= 1 && f <= N_FKEYS)
			return KEY_F(f);
	}
	return -1;
}

bool keycode_name(int key, char *buf, size_t cap)
{
	if (key == '\r' || key == KEY_ENTER)
		key = '\n';
	if (key == 127)
		key = KEY_BACKSPACE;
	for (size_t i = 0; i < N_NAMED; i++) {
		if (named[i].code == key) {
			snprintf(buf, cap, "%s", named[i].name);
			return true;
		}
	}
	if (key >= 1 && key <= 26) {
		snprintf(buf, cap, "C-%c", 'a' + key - 1);
		return true;
	}
	if (key > ' ' && key < 0x7f) {
		snprintf(buf, cap, "%c", key);
		return true;
	}
	if (key >= KEY_F(1) && key <= KEY_F(N_FKEYS)) {
		snprintf(buf, cap, "F%d", key - KEY_F(0));
		return true;
	}
	snprintf(buf, cap, "0x%x", (unsigned)key);
	return false;
}

enum key_action keymap_lookup(const struct keymap *km, int key)
{
	if (key < 0 || key >= KEYMAP_SIZE)
		return ACT_NONE;
	return (enum key_action)km->action[key];
}

bool keymap_bind(struct keymap *km, int key, enum key_action action)
{
	if (key < 0 || key >= KEYMAP_SIZE || (unsigned)action >= ACT_COUNT)
		return false;
	km->action[key] = (unsigned char)action;
	/* Terminals send Enter as LF, CR or KEY_ENTER and Backspace as DEL or
	 * KEY_BACKSPACE; a person means one key. */
	if (key == '\n' || key == '\r' || key == KEY_ENTER)
		km->action['\n'] = km->action['\r'] = km->action[KEY_ENTER] = (unsigned char)action;
	if (key == 127 || key == KEY_BACKSPACE)
		km->action[127] = km->action[KEY_BACKSPACE] = (unsigned char)action;
	return true;
}

void keymap_default(struct keymap *km)
{
	memset(km, 0, sizeof(*km));
	for (int a = 1; a < ACT_COUNT; a++) {
		const char *p = actions[a].keys;

		/* Split the default keys on spaces; strtok is banned. */
		while (*p) {
			char name[16];
			size_t n = strcspn(p, " ");

			if (n && n < sizeof(name)) {
				memcpy(name, p, n);
				name[n] = '\0';
				/* Every default key parses: the test suite checks it. */
				keymap_bind(km, keycode_parse(name), (enum key_action)a);
			}
			p += n;
			while (*p == ' ')
				p++;
		}
	}
}

static const char *near_hint(const char *word, const char *const *names, size_t n, char *buf,
			     size_t cap)
{
	const char *near = nearest_name(word, names, n);

	if (!near)
		return "";
	snprintf(buf, cap, "; did you mean '%s'?", near);
	return buf;
}

static const char *key_hint(const char *word, char *buf, size_t cap)
{
	const char *names[N_NAMED + N_FKEYS + 26];
	char fnames[N_FKEYS][4], cnames[26][4];
	size_t n = 0;

	for (size_t i = 0; i < N_NAMED; i++)
		names[n++] = named[i].name;
	for (int i = 0; i < N_FKEYS; i++) {
		snprintf(fnames[i], sizeof(fnames[i]), "F%d", i + 1);
		names[n++] = fnames[i];
	}
	for (int i = 0; i < 26; i++) {
		snprintf(cnames[i], sizeof(cnames[i]), "C-%c", 'a' + i);
		names[n++] = cnames[i];
	}
	return near_hint(word, names, n, buf, cap);
}

#define MAX_WORDS 4

static enum cutover_status parse_line(struct keymap *km, char *line, const char *file, int lineno,
				      struct cutover_err *err)
{
	char *w[MAX_WORDS], *p = line, hb[96];
	const char *anames[ACT_COUNT];
	int nw = 0, key;
	enum key_action a;

	for (;;) {
		while (isspace((unsigned char)*p))
			*p++ = '\0';
		if (!*p)
			break;
		if (nw == MAX_WORDS)
			return cutover_errf(err, CUTOVER_EPARSE,
					    "%s:%d: too many words; expected 'bind KEY ACTION' or "
					    "'unbind KEY'", file, lineno);
		w[nw++] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
	}
	if (!((nw == 3 && strcmp(w[0], "bind") == 0) || (nw == 2 && strcmp(w[0], "unbind") == 0)))
		return cutover_errf(err, CUTOVER_EPARSE,
				    "%s:%d: expected 'bind KEY ACTION' or 'unbind KEY'", file,
				    lineno);
	key = keycode_parse(w[1]);
	if (key < 0)
		return cutover_errf(err, CUTOVER_EPARSE,
				    "%s:%d: unknown key '%s' (keys look like a, ?, C-r, F5, Up, "
				    "PgDn, Tab, S-Tab, Enter, Esc, Space%s)",
				    file, lineno, w[1], key_hint(w[1], hb, sizeof(hb)));
	if (nw == 2) {
		keymap_bind(km, key, ACT_NONE);
		return CUTOVER_OK;
	}
	a = key_action_by_name(w[2]);
	if (a == ACT_NONE) {
		for (int i = 0; i < ACT_COUNT - 1; i++)
			anames[i] = actions[i + 1].name;
		return cutover_errf(err, CUTOVER_EPARSE,
				    "%s:%d: unknown action '%s'%s (docs/keys.md lists them)", file,
				    lineno, w[2], near_hint(w[2], anames, ACT_COUNT - 1, hb, sizeof(hb)));
	}
	keymap_bind(km, key, a);
	return CUTOVER_OK;
}

enum cutover_status keymap_parse(struct keymap *km, const char *text, size_t len,
				 const char *file, struct cutover_err *err)
{
	struct strbuf line = STRBUF_INIT;
	enum cutover_status st = CUTOVER_OK;
	size_t pos = 0;
	int lineno = 0;

	while (pos < len) {
		size_t end = pos;
		const char *s;

		while (end < len && text[end] != '\n')
			end++;
		lineno++;
		strbuf_reset(&line);
		if ((st = strbuf_append(&line, text + pos, end - pos)) != CUTOVER_OK) {
			cutover_errf(err, st, "%s: out of memory reading the keymap", file);
			goto out;
		}
		pos = end + 1;
		if (strlen(line.data) != line.len) {
			st = cutover_errf(err, CUTOVER_EPARSE, "%s:%d: NUL byte in a keymap file",
					  file, lineno);
			goto out;
		}
		s = line.data;
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#')
			continue;
		if ((st = parse_line(km, line.data, file, lineno, err)) != CUTOVER_OK)
			goto out;
	}
out:
	strbuf_free(&line);
	return st;
}

enum cutover_status keymap_load_file(struct keymap *km, const char *path, struct cutover_err *err)
{
	struct strbuf text = STRBUF_INIT;
	enum cutover_status st;
	char chunk[4096];
	size_t n;
	FILE *f;

	/* The operator's keymap file; read whole, it is small. */
	f = fopen(path, "r");
	if (!f)
		return cutover_errf(err, errno == ENOENT ? CUTOVER_ENOENT : CUTOVER_EIO,
				    "cannot read keymap %s: %s", path, strerror(errno));
	st = CUTOVER_OK;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (text.len + n > KEYMAP_FILE_MAX) {
			st = cutover_errf(err, CUTOVER_EPARSE,
					  "keymap %s is larger than %d KiB; is it a keymap?", path,
					  KEYMAP_FILE_MAX / 1024);
			goto out;
		}
		if ((st = strbuf_append(&text, chunk, n)) != CUTOVER_OK) {
			cutover_errf(err, st, "reading keymap %s: out of memory", path);
			goto out;
		}
	}
	if (ferror(f)) {
		st = cutover_errf(err, CUTOVER_EIO, "cannot read keymap %s: %s", path,
				  strerror(errno));
		goto out;
	}
	st = keymap_parse(km, strbuf_str(&text), text.len, path, err);
out:
	fclose(f);
	strbuf_free(&text);
	return st;
}

char *keymap_keys_text(const struct keymap *km, enum key_action action, const char *sep,
		       char *buf, size_t cap)
{
	char seen[16][16];
	int nseen = 0;
	size_t used = 0;

	if (!cap)
		return buf;
	buf[0] = '\0';
	/* Curses keys (Up, PgUp) read better first than their letter twins. */
	for (int pass = 0; pass < 2; pass++) {
		for (int k = pass ? 0 : 256; k < (pass ? 256 : KEYMAP_SIZE); k++) {
			char name[16];
			bool dup = false;
			int n;

			if (km->action[k] != action || action == ACT_NONE)
				continue;
			keycode_name(k, name, sizeof(name));
			for (int i = 0; i < nseen; i++)
				dup |= strcmp(seen[i], name) == 0;
			if (dup || nseen == 16)
				continue;
			memcpy(seen[nseen++], name, sizeof(name));
			n = snprintf(buf + used, cap - used, "%s%s", used ? sep : "", name);
			if (n < 0 || (size_t)n >= cap - used) {
				buf[used] = '\0';
				return buf;
			}
			used += (size_t)n;
		}
	}
	return buf;
}

char *keymap_hints(const struct keymap *km, const struct key_hint *hints, size_t n, int width,
		   char *buf, size_t cap)
{
	size_t used = 0;

	if (!cap)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char keys[64], item[128];
		int len;

		keymap_keys_text(km, hints[i].action, "\n", keys, sizeof(keys));
		if (!keys[0])
			continue;
		keys[strcspn(keys, "\n")] = '\0';
		len = snprintf(item, sizeof(item), "%s%s %s", used ? "  " : "", keys, hints[i].label);
		if (len < 0 || used + (size_t)len > (size_t)(width > 0 ? width : 0) ||
		    used + (size_t)len >= cap)
			break;
		memcpy(buf + used, item, (size_t)len + 1);
		used += (size_t)len;
	}
	return buf;
}

enum cutover_status keys_help(const struct keymap *km, int key_width, struct strbuf *out)
{
	return keys_help_for(km, key_width, false, out);
}

enum cutover_status keys_help_for(const struct keymap *km, int key_width, bool read_only,
				  struct strbuf *out)
{
	enum cutover_status st;

	for (int g = 0; g < KEY_GROUP_COUNT; g++) {
		if ((st = strbuf_printf(out, "%s%s\n", g ? "\n" : "", group_titles[g])) != CUTOVER_OK)
			return st;
		for (int a = 1; a < ACT_COUNT; a++) {
			char keys[128];

			if (actions[a].group != (enum key_group)g)
				continue;
			keymap_keys_text(km, (enum key_action)a, ", ", keys, sizeof(keys));
			st = strbuf_printf(out, "  %-*s %s%s\n", key_width,
					   keys[0] ? keys : "(unbound)", actions[a].help,
					   actions[a].flags & KEYS_LATER ? " (not yet available)"
					   : read_only && (actions[a].flags & KEYS_CHANGES)
						   ? " (read-only: refused)" : "");
			if (st != CUTOVER_OK)
				return st;
		}
	}
	return CUTOVER_OK;
}

enum cutover_status keys_write_markdown(FILE *f)
{
	struct keymap km;

	keymap_default(&km);
	fprintf(f, "# Keys\n\n"
		   "<!-- Generated from the table in ui/keys.h; do not edit by hand.\n"
		   "     After changing the table, run tests/test_ui_keys --update-docs\n"
		   "     in the build directory. -->\n\n"
		   "The console is driven from the keyboard, after k9s and htop.\n"
		   "The same table produces the help screen (`?`), so the two always agree.\n"
		   "Ctrl-C does not quit: `q` does, and asks first while anything runs.\n\n");
	for (int g = 0; g < KEY_GROUP_COUNT; g++) {
		fprintf(f, "## %s\n\n| Keys | Action | What it does |\n|---|---|---|\n",
			group_titles[g]);
		for (int a = 1; a < ACT_COUNT; a++) {
			char keys[128], cell[256];
			size_t used = 0;

			if (actions[a].group != (enum key_group)g)
				continue;
			keymap_keys_text(&km, (enum key_action)a, "\n", keys, sizeof(keys));
			/* Each key in backticks, a '|' key escaped for the table. */
			for (char *k = keys; *k && used < sizeof(cell) - 16;) {
				size_t n = strcspn(k, "\n");
				int w = snprintf(cell + used, sizeof(cell) - used, "%s`%.*s`",
						 used ? " " : "", (int)n,
						 strncmp(k, "|", n) == 0 && n == 1 ? "\\|" : k);
				if (w < 0 || (size_t)w >= sizeof(cell) - used)
					break;
				used += (size_t)w;
				k += n + (k[n] == '\n');
			}
			cell[used] = '\0';
			fprintf(f, "| %s | `%s` | %s%s |\n", used ? cell : "(unbound)",
				actions[a].name, actions[a].help,
				actions[a].flags & KEYS_LATER ? " (not yet available)" : "");
		}
		fprintf(f, "\n");
	}
	fprintf(f, "## Rebinding keys\n\n"
		   "Point `keymap =` in the `[ui]` section of the preferences file\n"
		   "(`~/.config/cutover/config.ini`) at a keymap file.\n"
		   "A keymap file has one command a line; a line starting with `#` is a comment.\n\n"
		   "```\n"
		   "# Ctrl-R opens the rollback plan too\n"
		   "bind C-r rollback\n"
		   "# F10 quits, q does nothing\n"
		   "bind F10 quit\n"
		   "unbind q\n"
		   "```\n\n"
		   "`bind KEY ACTION` makes KEY do ACTION; the action keeps its other keys.\n"
		   "`unbind KEY` makes KEY do nothing.\n"
		   "ACTION is a name from the tables above.\n"
		   "KEY is a single character (`a`, `A`, `?`), `C-a` to `C-z` for Ctrl,\n"
		   "`F1` to `F12`, or one of");
	for (size_t i = 0; i < N_NAMED; i++)
		fprintf(f, "%s `%s`", i ? (i + 1 == N_NAMED ? " and" : ",") : "", named[i].name);
	fprintf(f, ".\n"
		   "A mistake is reported with its line and the nearest valid name.\n");
	fflush(f);
	return ferror(f) ? CUTOVER_EIO : CUTOVER_OK;
}
