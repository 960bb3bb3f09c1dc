#!/usr/bin/env python3
"""ptyconsole.py: drive the console in a pseudo-terminal and time what the
terminal receives, from outside the process.

  ptyconsole.py keys OUT.json [--n 210] [--pace 0.05] -- CMD...
  ptyconsole.py banner OUT.json --inc INC.json --until EPOCH -- CMD...

Both start CMD on a new pty of --cols x --rows (default 160x48, set with
TIOCSWINSZ before the program starts) with TERM=xterm-256color, read every
byte it writes on a thread that stamps each read with time.monotonic(), wait
for --ready (default "1 Phases") on the screen, and end the program with q
then SIGTERM (the console writes its CUTOVER_FRAME_TRACE at any clean end).
Before it ends, the program's /proc status (VmHWM, VmRSS) and smaps_rollup
are saved in OUT.json.

keys: presses N keys ~PACE s apart, each at t0 = just before write(): Tab
(next panel), j/k (move), / and typing and Backspace and Enter (filter), ?
(help, twice).  For each key: the first byte after t0 and the end of its
burst (the last read before BURST_GAP of silence), in ms.  The console
redraws its clock at every whole second: keys are only sent between 0.1 s
and 0.85 s past a second so that redraw is not taken for the key's.  A key
with no byte within 0.5 s counts as "no update".  Around each key the
console's main thread (the one that draws) is read from
/proc/PID/task/PID/schedstat: its time on a CPU and its time waiting on a
run queue in that key's window, which tells a slow key that did work from
one that waited for a core.

banner: INC.json holds epoch times at which the sim's incidents start; for
each, the time from that moment to the first read that holds the banner's
text ("TRIGGERED") is the latency, then A acknowledges the banner (audited),
so the next incident raises it again."""
import argparse, fcntl, json, os, select, signal, struct, subprocess, sys, termios, threading, time

BURST_GAP = 0.004  # silence that ends one frame's output (ncurses writes a frame in a few ms)


def schedstat(pid):
	"""(ns on a CPU, ns waiting on a run queue) of the console's main thread,
	the one that draws; (0, 0) when the kernel has no schedstats."""
	try:
		with open("/proc/%d/task/%d/schedstat" % (pid, pid)) as f:
			v = f.read().split()
		return int(v[0]), int(v[1])
	except (OSError, ValueError, IndexError):
		return 0, 0


def cpu_s(pid, tick, tid=None):
	path = "/proc/%d/stat" % pid if tid is None else "/proc/%d/task/%s/stat" % (pid, tid)
	with open(path) as f:
		v = f.read()
	f = v[v.rindex(")") + 2:].split()
	return (int(f[11]) + int(f[12])) / tick


class Pty:
	def __init__(self, cmd, cols, rows, env):
		self.m, s = os.openpty()
		fcntl.ioctl(s, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
		self.p = subprocess.Popen(cmd, stdin=s, stdout=s, stderr=s, env=env, start_new_session=True,
		                          preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
		os.close(s)
		self.t_start = time.monotonic()
		self.chunks = []  # (monotonic, wall, bytes)
		self.lock = threading.Lock()
		self.done = False
		self.t = threading.Thread(target=self._read, daemon=True)
		self.t.start()

	def _read(self):
		while not self.done:
			r, _, _ = select.select([self.m], [], [], 0.2)
			if not r:
				continue
			try:
				b = os.read(self.m, 65536)
			except OSError:
				break
			if not b:
				break
			now = time.monotonic()
			with self.lock:
				self.chunks.append((now, time.time(), b))

	def since(self, i):
		with self.lock:
			return len(self.chunks), self.chunks[i:]

	def write(self, b):
		os.write(self.m, b)

	def wait_text(self, text, timeout, start=0):
		"""Index of the first chunk from start whose bytes (joined with the
		previous chunk, for text split across reads) hold text, or -1."""
		end = time.monotonic() + timeout
		t = text.encode()
		i = start
		while time.monotonic() < end:
			n, ch = self.since(i)
			for k, c in enumerate(ch):
				prev = self.chunks[i + k - 1][2][-len(t):] if i + k > 0 else b""
				if t in prev + c[2]:
					return i + k
			i = n
			time.sleep(0.002)
		return -1

	def proc_stats(self):
		st = {}
		try:
			for l in open("/proc/%d/status" % self.p.pid):
				k, _, v = l.partition(":")
				if k in ("VmHWM", "VmRSS", "Threads"):
					st[k] = int(v.split()[0])
			for l in open("/proc/%d/smaps_rollup" % self.p.pid):
				k, _, v = l.partition(":")
				if k in ("Rss", "Pss", "Private_Clean", "Private_Dirty", "Anonymous"):
					st[k] = int(v.split()[0])
			# CPU since the start, whole process and by thread name (seconds)
			tick = os.sysconf("SC_CLK_TCK")
			st["cpu_s"] = cpu_s(self.p.pid, tick)
			st["elapsed_s"] = time.monotonic() - self.t_start
			by = {}
			for t in os.listdir("/proc/%d/task" % self.p.pid):
				name = open("/proc/%d/task/%s/comm" % (self.p.pid, t)).read().strip()
				by[name] = by.get(name, 0.0) + cpu_s(self.p.pid, tick, t)
			st["threads_cpu_s"] = by
			run, wait = schedstat(self.p.pid)
			st["ui_run_ms"], st["ui_wait_ms"] = run / 1e6, wait / 1e6
		except (OSError, ValueError):
			pass
		return st

	def end(self):
		try:
			self.write(b"q")
			time.sleep(0.3)
			self.write(b"y")  # the quit question, if anything runs
		except OSError:
			pass
		for sig in (None, signal.SIGTERM, signal.SIGKILL):
			if sig:
				try:
					self.p.send_signal(sig)
				except ProcessLookupError:
					pass
			try:
				rc = self.p.wait(timeout=10)
				break
			except subprocess.TimeoutExpired:
				rc = None
		self.done = True
		self.t.join(timeout=2)
		os.close(self.m)
		return rc


def start(a):
	env = dict(os.environ, TERM="xterm-256color", LINES=str(a.rows), COLUMNS=str(a.cols))
	env.pop("TMUX", None)
	p = Pty(a.cmd, a.cols, a.rows, env)
	if p.wait_text(a.ready, a.ready_timeout) < 0:
		rc = p.end()
		sys.exit("ptyconsole: %r never appeared (exit %s); last output: %r" %
		         (a.ready, rc, b"".join(c[2] for c in p.chunks)[-400:]))
	time.sleep(a.settle)
	return p


def key_plan(n):
	"""Keys that each change the screen.  Tab cycles the five panels; the
	rollback panel (4) has no rows to move through, so it is passed with a
	second Tab."""
	keys, panel = [], 1
	while len(keys) < n:
		keys.append(("Tab", b"\t"))
		panel = panel % 5 + 1
		if panel == 4:
			keys.append(("Tab", b"\t"))
			panel = 5
		keys += [("j", b"j")] * 3 + [("k", b"k")] * 3
		keys += [("/", b"/"), ("type", b"1"), ("type", b"2"), ("Backspace", b"\x7f"),
		         ("Backspace", b"\x7f"), ("Enter", b"\r")]
		keys += [("?", b"?"), ("?", b"?")]
	return keys[:n]


def pct(v, q):
	if not v:
		return float("nan")
	v = sorted(v)
	return v[min(len(v) - 1, int(round(q * (len(v) - 1))))]


def run_keys(a):
	p = start(a)
	samples = []
	for name, b in key_plan(a.n):
		# away from the whole-second clock redraw, and after the last burst
		while True:
			frac = time.time() % 1.0
			quiet = not p.chunks or time.monotonic() - p.chunks[-1][0] > 0.01
			if 0.1 <= frac <= 0.85 and quiet:
				break
			time.sleep(0.002)
		i0 = len(p.chunks)
		run0, wait0 = schedstat(p.p.pid)
		t0 = time.monotonic()
		p.write(b)
		first = last = None
		nbytes = 0
		raw = b""
		deadline = t0 + 0.5
		while time.monotonic() < deadline:
			_, ch = p.since(i0)
			if ch:
				if first is None:
					first = ch[0][0]
				last = ch[-1][0]
				nbytes = sum(len(c[2]) for c in ch)
				raw = b"".join(c[2] for c in ch)
				if time.monotonic() - last > BURST_GAP:
					break
			time.sleep(0.0005)
		run1, wait1 = schedstat(p.p.pid)
		samples.append({"run_ms": (run1 - run0) / 1e6, "wait_ms": (wait1 - wait0) / 1e6, "key": name, "first_ms": None if first is None else (first - t0) * 1e3,
		                "end_ms": None if last is None else (last - t0) * 1e3, "bytes": nbytes, "head": raw[:60].decode("utf-8", "replace")})
		time.sleep(max(0.0, a.pace - (time.monotonic() - t0)))
	stats = p.proc_stats()
	rc = p.end()
	# the UI thread's own time on a CPU in each key's window, and its time
	# waiting for one (run queue: other threads and processes had the cores)
	runs = [s["run_ms"] for s in samples if s["first_ms"] is not None]
	waits = [s["wait_ms"] for s in samples if s["first_ms"] is not None]
	firsts = [s["first_ms"] for s in samples if s["first_ms"] is not None]
	ends = [s["end_ms"] for s in samples if s["end_ms"] is not None]
	out = {"samples": samples, "proc": stats, "exit": rc, "n": len(samples),
	       "no_update": sum(1 for s in samples if s["first_ms"] is None),
	       "first_p50": pct(firsts, 0.5), "first_p99": pct(firsts, 0.99), "first_max": max(firsts or [float("nan")]),
	       "end_p50": pct(ends, 0.5), "end_p99": pct(ends, 0.99), "end_max": max(ends or [float("nan")]),
	       "run_p50": pct(runs, 0.5), "run_p99": pct(runs, 0.99), "run_max": max(runs or [float("nan")]),
	       "wait_p50": pct(waits, 0.5), "wait_p99": pct(waits, 0.99), "wait_max": max(waits or [float("nan")])}
	# the slowest keys: how much of each was waiting for a CPU
	out["slowest"] = [[s["key"], s["end_ms"], s["run_ms"], s["wait_ms"]] for s in
	                  sorted((s for s in samples if s["end_ms"] is not None), key=lambda s: -s["end_ms"])[:5]]
	json.dump(out, open(a.out, "w"), indent=1)
	print("keys %d (no update %d): first byte p50 %.2f p99 %.2f ms; end of burst p50 %.2f p99 %.2f max %.2f ms; VmHWM %s kB" %
	      (out["n"], out["no_update"], out["first_p50"], out["first_p99"], out["end_p50"], out["end_p99"],
	       out["end_max"], stats.get("VmHWM")))


def run_banner(a):
	incs = json.load(open(a.inc))
	p = start(a)
	lat, missed = [], 0
	for s in incs:
		while time.time() < s - 0.05:
			time.sleep(0.01)
		i0 = len(p.chunks)
		k = p.wait_text(a.text, a.window, i0)
		if k < 0:
			missed += 1
			continue
		lat.append((p.chunks[k][1] - s) * 1e3)
		time.sleep(0.2)
		p.write(b"A")  # acknowledge: the next incident raises the banner anew
	while time.time() < a.until:
		time.sleep(0.1)
	stats = p.proc_stats()
	rc = p.end()
	out = {"latency_ms": lat, "missed": missed, "incidents": len(incs), "proc": stats, "exit": rc}
	json.dump(out, open(a.out, "w"), indent=1)
	if lat:
		print("banner %d/%d: p50 %.0f ms, max %.0f ms" % (len(lat), len(incs), pct(lat, 0.5), max(lat)))
	else:
		print("banner 0/%d" % len(incs))


def main():
	ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	ap.add_argument("mode", choices=("keys", "banner"))
	ap.add_argument("out")
	ap.add_argument("--cols", type=int, default=160)
	ap.add_argument("--rows", type=int, default=48)
	ap.add_argument("--ready", default="1 Phases")
	ap.add_argument("--ready-timeout", type=float, default=60)
	ap.add_argument("--settle", type=float, default=2.0, help="seconds to wait after ready")
	ap.add_argument("--n", type=int, default=210)
	ap.add_argument("--pace", type=float, default=0.05)
	ap.add_argument("--inc")
	ap.add_argument("--until", type=float, default=0)
	ap.add_argument("--text", default="TRIGGERED")
	ap.add_argument("--window", type=float, default=3.5, help="seconds after an incident's start to wait for the banner")
	argv = sys.argv[1:]
	cut = argv.index("--") if "--" in argv else len(argv)
	a = ap.parse_args(argv[:cut])
	a.cmd = argv[cut + 1:]
	if not a.cmd:
		ap.error("no command")
	if a.mode == "keys":
		run_keys(a)
	else:
		if not a.inc:
			ap.error("banner needs --inc")
		run_banner(a)


if __name__ == "__main__":
	main()
