#!/usr/bin/env python3
"""console_screen.py: judge a captured console screen the way a person would.

  console_screen.py frame COLS ROWS < screen
      the frame is whole: ROWS lines, a top line from corner to corner, a
      bottom line from corner to corner, every line between starts and ends on
      a frame line, no line is wider than COLS (no leftover of a larger frame)
  console_screen.py panel RUNBOOK_JSON phases|gauges|flags < screen
      every phase title / gauge (with a value and an evaluated state) / flag
      (with a value) of the normalized runbook (`cutover check --json`) is on
      the screen; names are matched on their first 12 characters, as narrow
      columns cut them with an ellipsis

Exit 0 when it holds; else 1 with what is missing on stderr.
"""
import json
import re
import sys
import unicodedata

STATES = ("ok", "warn", "critical", "triggered")


def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in s)


def frame(cols, rows, lines):
    bad = []
    while len(lines) > rows and lines[-1] == "":
        lines.pop()
    if len(lines) != rows:
        bad.append(f"{len(lines)} lines, expected {rows}")
    for i, l in enumerate(lines):
        w = width(l)
        if w > cols:
            bad.append(f"line {i} is {w} columns wide, more than {cols}")
    if lines:
        if not (lines[0].startswith("┌") and lines[0].rstrip().endswith("┐")):
            bad.append(f"top line is not a frame: {lines[0]!r}")
        if not (lines[-1].startswith("└") and lines[-1].rstrip().endswith("┘")):
            bad.append(f"bottom line is not a frame: {lines[-1]!r}")
        for i, l in enumerate(lines[1:-1], 1):
            if not l or l[0] not in "│├┌" or width(l) != cols or l[-1] not in "│┤┐":
                bad.append(f"line {i} is not framed at {cols} columns: {l!r}")
    return bad


def prefix(s):
    return s[:12]


def rows_starting(lines, name):
    """Rows of a panel whose first column (after the frame and the
    selection mark) starts with name: not a mention elsewhere (a banner)."""
    pat = re.compile(r"(^|[│├])[ ▸>]" + re.escape(name))
    return [l for l in lines if pat.search(l)]


def panel(rb, what, lines):
    text = "\n".join(lines)
    bad = []
    if what == "phases":
        for p in rb["phases"]:
            if prefix(p["title"]) not in text:
                bad.append(f"phase {p['title']!r} not on screen")
    elif what == "gauges":
        for g in rb["gauges"]:
            t = prefix(g.get("title", g["id"]))
            rows = rows_starting(lines, t)
            if not rows:
                bad.append(f"gauge {g.get('title')!r} not on screen")
                continue
            row = rows[0]
            rest = row[row.index(t) + len(t):]
            words = re.findall(r"[a-z]+", rest)
            if not any(s in words for s in STATES):
                bad.append(f"gauge {t!r} has no evaluated state (ok/warn/critical/triggered): {row!r}")
            if g.get("kind", "") != "alarm" and "alarm" not in g and not re.search(r"\d", rest):
                bad.append(f"gauge {t!r} shows no value: {row!r}")
    elif what == "flags":
        for f in rb["flags"]:
            rows = rows_starting(lines, prefix(f["id"]))
            if not rows:
                bad.append(f"flag {f['id']!r} not on screen")
            elif not re.search(r"\bv\d+\b", rows[0]):
                bad.append(f"flag {f['id']!r} shows no value read from SSM (no version): {rows[0]!r}")
    else:
        bad.append(f"unknown panel {what}")
    return bad


def main():
    lines = sys.stdin.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if sys.argv[1] == "frame":
        bad = frame(int(sys.argv[2]), int(sys.argv[3]), lines)
    else:
        with open(sys.argv[2]) as f:
            bad = panel(json.load(f), sys.argv[3], lines)
    for b in bad:
        print(b, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
