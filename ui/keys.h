/* keys.h: keys as data (after tig's REQ_INFO).
 *
 * One table of actions generates the action enum, the help screen, the
 * names a keymap file binds, and docs/keys.md.  A key is an int: a byte
 * below 256 (letters, C-x control codes, Tab, Enter, Esc) or a curses KEY_*
 * code (Up, F5, PgDn, S-Tab).  Key names are `a`, `?`, `C-r`, `F5`, `Up`,
 * `PgDn`, `Tab`, `S-Tab`, `Enter`, `Esc`, `Space`, `Backspace`.
 *
 * A keymap file has one command a line, `#` comments and blank lines:
 *   bind KEY ACTION     KEY now does ACTION (the action's other keys stay)
 *   unbind KEY          KEY does nothing
 * Actions marked KEYS_LATER belong to later work (flag toggling, approvals,
 * acknowledging): they are bound and listed, so keymaps written today keep
 * working, and the help says they are not available yet.
 * Pure, no terminal needed; the main thread owns the keymap. */
#ifndef CUTOVER_KEYS_H
#define CUTOVER_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cutover/status.h"
#include "cutover/strbuf.h"

/* _(ENUM, "title") in help order */
#define KEY_GROUPS(_) \
	_(MOVE,     "Moving around") \
	_(PANELS,   "Panels") \
	_(GLOBAL,   "Everywhere") \
	_(PHASES,   "Phases and executions") \
	_(FLAGS,    "Flags") \
	_(ALERTS,   "Alerts") \
	_(ROLLBACK, "Rollback")

#define KEYS_LATER 1u /* arrives with a later issue */
#define KEYS_CHANGES 2u /* changes something: refused (and greyed in help) with --read-only */

/* _(ENUM, "name", GROUP, "default keys", flags, "help") in help order */
#define KEY_ACTIONS(_) \
	_(UP,          "up",          MOVE,     "Up k",      0, "Move up") \
	_(DOWN,        "down",        MOVE,     "Down j",    0, "Move down") \
	_(LEFT,        "left",        MOVE,     "Left h",    0, "Move left, scroll left") \
	_(RIGHT,       "right",       MOVE,     "Right l",   0, "Move right, scroll right") \
	_(PAGE_UP,     "page-up",     MOVE,     "PgUp C-b",  0, "One page up") \
	_(PAGE_DOWN,   "page-down",   MOVE,     "PgDn C-f",  0, "One page down") \
	_(TOP,         "top",         MOVE,     "Home g",    0, "Go to the first row") \
	_(BOTTOM,      "bottom",      MOVE,     "End G",     0, "Go to the last row") \
	_(NEXT_PANEL,  "next-panel",  PANELS,   "Tab",       0, "Next panel (next tab on a small terminal)") \
	_(PREV_PANEL,  "prev-panel",  PANELS,   "S-Tab",     0, "Previous panel") \
	_(PANEL_1,     "panel-1",     PANELS,   "1",         0, "Go to panel 1, phases") \
	_(PANEL_2,     "panel-2",     PANELS,   "2",         0, "Go to panel 2, gauges") \
	_(PANEL_3,     "panel-3",     PANELS,   "3",         0, "Go to panel 3, flags") \
	_(PANEL_4,     "panel-4",     PANELS,   "4",         0, "Go to panel 4, rollback") \
	_(PANEL_5,     "panel-5",     PANELS,   "5",         0, "Go to panel 5, events") \
	_(DETAIL,      "detail",      PANELS,   "Enter",     0, "Open the detail of the selected row") \
	_(BACK,        "back",        PANELS,   "Esc",       0, "Close the detail, help, filter or prompt") \
	_(HELP,        "help",        GLOBAL,   "?",         0, "Show this help") \
	_(FILTER,      "filter",      GLOBAL,   "/",         0, "Filter the rows of the current panel") \
	_(COMMAND,     "command",     GLOBAL,   ":",         0, "Type a command") \
	_(REDRAW,      "redraw",      GLOBAL,   "C-l",       0, "Redraw the whole screen") \
	_(QUIT,        "quit",        GLOBAL,   "q",         0, "Quit (asks first while anything runs)") \
	_(AUDIT,       "audit",       GLOBAL,   "L",         0, "Show the audit log, live (also :audit)") \
	_(NOTE,        "note",        GLOBAL,   "n",         KEYS_CHANGES,          "Add a note to the audit log") \
	_(APPROVE,     "approve",     PHASES,   "a",         KEYS_CHANGES,          "Approve the selected pending approval") \
	_(REJECT,      "reject",      PHASES,   "x",         KEYS_CHANGES,          "Reject the selected pending approval") \
	_(STOP,        "stop",        PHASES,   "s",         KEYS_CHANGES,          "Stop the selected execution") \
	_(TOGGLE,      "toggle",      FLAGS,    "Space t",   KEYS_CHANGES,          "Toggle the selected flag") \
	_(STEP_UP,     "step-up",     FLAGS,    "+ =",       KEYS_CHANGES,          "Step the selected flag up") \
	_(STEP_DOWN,   "step-down",   FLAGS,    "-",         KEYS_CHANGES,          "Step the selected flag down") \
	_(EDIT,        "edit",        FLAGS,    "e",         KEYS_CHANGES,          "Set the selected flag: pick an enum value (Tab), edit a string (also Enter on the flags)") \
	_(ACKNOWLEDGE, "acknowledge", ALERTS,   "A",         KEYS_CHANGES,          "Acknowledge the alert banner (audited)") \
	_(ROLLBACK,    "rollback",    ROLLBACK, "R",         0, "Open the rollback view: the recommended plan, or the run in progress") \
	_(RB_YES,      "rollback-yes", ROLLBACK, "y",        KEYS_CHANGES, "Rollback view: start the plan; the manual step is done; the check is confirmed") \
	_(RB_RETRY,    "rollback-retry", ROLLBACK, "r",      KEYS_CHANGES, "Rollback view: retry the failed step") \
	_(RB_FAIL,     "rollback-fail", ROLLBACK, "f",       KEYS_CHANGES, "Rollback view: the manual step or the check failed (with a note)") \
	_(RB_SKIP,     "rollback-skip", ROLLBACK, "S",       KEYS_CHANGES, "Rollback view: skip the failed step (with a reason)") \
	_(RB_ABORT,    "rollback-abort", ROLLBACK, "X",      KEYS_CHANGES, "Rollback view: abort the run (asks first)") \
	_(AUTO_ARM,    "auto-arm",    ROLLBACK, "m",         KEYS_CHANGES, "Arm or disarm the selected gauge's auto-rollback (audited; asks first)") \
	_(AUTO_CANCEL, "auto-cancel", ROLLBACK, "C",         KEYS_CHANGES, "Cancel the auto-rollback countdown (audited; a reason is optional)")

enum key_group {
#define KEY_GROUP_ENUM(name, title) KEY_GROUP_##name,
	KEY_GROUPS(KEY_GROUP_ENUM)
#undef KEY_GROUP_ENUM
	KEY_GROUP_COUNT
};

enum key_action {
	ACT_NONE, /* an unbound key */
#define KEY_ACTION_ENUM(name, str, group, keys, flags, help) ACT_##name,
	KEY_ACTIONS(KEY_ACTION_ENUM)
#undef KEY_ACTION_ENUM
	ACT_COUNT
};

#define KEYMAP_SIZE 512 /* every byte and every curses KEY_* code */

/* Which action each key does.  A plain value. */
struct keymap {
	unsigned char action[KEYMAP_SIZE]; /* enum key_action */
};

/* The defaults from the table. */
void keymap_default(struct keymap *km);

/* Apply keymap text over km.  file names the source in errors:
 * "keys:3: unknown action 'rolback' (did you mean 'rollback'?)".
 * On error km may be partly updated; start again from keymap_default. */
enum cutover_status keymap_parse(struct keymap *km, const char *text, size_t len,
				 const char *file, struct cutover_err *err) CUTOVER_MUST_CHECK;

/* Read path and apply it over km.  A missing file is CUTOVER_ENOENT (the
 * caller decides whether that matters). */
enum cutover_status keymap_load_file(struct keymap *km, const char *path,
				     struct cutover_err *err) CUTOVER_MUST_CHECK;

/* What key does (ACT_NONE when unbound or out of range). */
enum key_action keymap_lookup(const struct keymap *km, int key);

/* Bind key (with its aliases: Enter is also CR and KEY_ENTER, Backspace is
 * also DEL) to action; ACT_NONE unbinds.  Returns false for a key out of
 * range. */
bool keymap_bind(struct keymap *km, int key, enum key_action action);

/* The distinct key names bound to action, joined by sep ("Up, k"),
 * curses keys first; "" when none.  Truncated to fit cap.  Returns buf. */
char *keymap_keys_text(const struct keymap *km, enum key_action action, const char *sep,
		       char *buf, size_t cap);

/* A status-line hint: an action and the word shown after its key. */
struct key_hint {
	enum key_action action;
	const char *label;
};

/* "? help  : command  q quit": each hint's first bound key and its label,
 * two blanks apart, as many whole hints as fit in width columns (the text is
 * ASCII); unbound actions are left out, so a rebinding shows at once.
 * Returns buf. */
char *keymap_hints(const struct keymap *km, const struct key_hint *hints, size_t n, int width,
		   char *buf, size_t cap);

/* The key named name (see above), or -1. */
int keycode_parse(const char *name);

/* The canonical name of key into buf ("C-r", "Up", "a"); false when the key
 * has no name (buf then holds e.g. "0x1ff"). */
bool keycode_name(int key, char *buf, size_t cap);

/* Table accessors; "?" / 0 / KEY_GROUP_COUNT for out-of-range values. */
const char *key_action_name(enum key_action a);
const char *key_action_help(enum key_action a);
const char *key_action_default_keys(enum key_action a);
enum key_group key_action_group(enum key_action a);
unsigned key_action_flags(enum key_action a);
const char *key_group_title(enum key_group g);
/* The action named name, or ACT_NONE. */
enum key_action key_action_by_name(const char *name);

/* The help screen for km: per group a title line, then one line per action
 * "  KEYS<pad>help" with KEYS padded to key_width columns; later actions end
 * in " (not yet available)", unbound ones show "(unbound)".  Lines end in
 * '\n'; groups are separated by an empty line. */
enum cutover_status keys_help(const struct keymap *km, int key_width,
			      struct strbuf *out) CUTOVER_MUST_CHECK;

/* The same, for a console in --read-only mode when read_only: every action
 * that changes something says "(read-only: refused)". */
enum cutover_status keys_help_for(const struct keymap *km, int key_width, bool read_only,
				  struct strbuf *out) CUTOVER_MUST_CHECK;

/* docs/keys.md for the default keymap. */
enum cutover_status keys_write_markdown(FILE *f) CUTOVER_MUST_CHECK;

#endif
