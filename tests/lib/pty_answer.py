#!/usr/bin/env python3
"""pty_answer.py: run a command on a pseudo-terminal and answer its prompts.

usage: pty_answer.py TIMEOUT ANSWERS.json CMD ARGS...

ANSWERS.json is a list of [regex, line]: when the output (since the previous
answer) matches the regex, line and a newline are typed.  Everything the
command printed goes to stdout; the exit status is the command's (124 on
timeout, with what was seen so far).  A person at a terminal, in short.
"""
import json
import os
import pty
import re
import select
import sys
import time


def main():
    timeout = float(sys.argv[1])
    with open(sys.argv[2]) as f:
        answers = json.load(f)
    cmd = sys.argv[3:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    seen = b""
    since = 0
    deadline = time.time() + timeout
    step = 0
    status = None
    while True:
        if time.time() > deadline:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            sys.stdout.write(seen.decode(errors="replace"))
            sys.stdout.write("\n[pty_answer: timeout waiting for %r]\n" %
                             (answers[step][0] if step < len(answers) else "exit"))
            sys.exit(124)
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            if not data:
                break
            seen += data
        while step < len(answers) and re.search(answers[step][0].encode(), seen[since:]):
            since = len(seen)
            os.write(fd, (answers[step][1] + "\n").encode())
            step += 1
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(seen.decode(errors="replace"))
    if step < len(answers):
        sys.stdout.write("\n[pty_answer: never asked %r]\n" % answers[step][0])
    sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode")
             else (status >> 8))


if __name__ == "__main__":
    main()
