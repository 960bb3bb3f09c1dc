#!/usr/bin/env python3
"""rusage.py N OUT CMD...: run CMD N times (stdout to OUT, stderr dropped) and
print "WALL CPU MAXRSS_KB NONZERO": mean wall seconds, mean user+sys seconds
of the child (wait4's rusage, microsecond fields, unlike time(1)'s two
decimals), the largest peak RSS, and how many runs exited non-zero."""
import os, subprocess, sys, time

n, out, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
wall = cpu = 0.0
rss = bad = 0
for _ in range(n):
    with open(out, "wb") as o, open(os.devnull, "wb") as e:
        t = time.monotonic()
        p = subprocess.Popen(cmd, stdout=o, stderr=e)
        _, status, ru = os.wait4(p.pid, 0)
        wall += time.monotonic() - t
    cpu += ru.ru_utime + ru.ru_stime
    rss = max(rss, ru.ru_maxrss)
    # status exit codes 1-3 are verdicts (warning/critical/unreachable), not failures
    if os.waitstatus_to_exitcode(status) not in (0, 1, 2, 3):
        bad += 1
print("%.4f %.5f %d %d" % (wall / n, cpu / n, rss, bad))
