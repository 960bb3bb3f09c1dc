#!/usr/bin/env python3
"""idle.py SECONDS OUT.json NAME=PID... [--smaps NAME] [--md FILE]

Samples every named process over the same window of SECONDS: CPU as % of
one core from /proc/PID/stat (utime + stime, summed over all threads by the
kernel, difference between the window's ends), peak RSS (VmHWM) and, at the
end, RSS, PSS and USS (Private_Clean + Private_Dirty) from smaps_rollup.

--smaps NAME also breaks that process's RSS down by mapping from
/proc/PID/smaps: its own memory (heap, anonymous, stacks, the executable)
against each shared library, and the libraries grouped by why they are
there (libcurl's own dependencies that cutover never calls: LDAP, RTMP,
SSH, Kerberos, GnuTLS, ...).  --md writes that as a markdown section."""
import json, os, subprocess, sys, time

TICK = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid):
	with open("/proc/%d/stat" % pid) as f:
		s = f.read()
	# comm may hold spaces: the fields after it start past the last ')'
	f = s[s.rindex(")") + 2:].split()
	return int(f[11]) + int(f[12])  # utime, stime (fields 14, 15)


def status(pid):
	st = {}
	with open("/proc/%d/status" % pid) as f:
		for l in f:
			k, _, v = l.partition(":")
			if k in ("VmHWM", "VmRSS", "Threads"):
				st[k] = int(v.split()[0])
	with open("/proc/%d/smaps_rollup" % pid) as f:
		for l in f:
			k, _, v = l.partition(":")
			if k in ("Rss", "Pss", "Private_Clean", "Private_Dirty", "Anonymous", "Shared_Clean"):
				st[k] = int(v.split()[0])
	st["USS"] = st.get("Private_Clean", 0) + st.get("Private_Dirty", 0)
	return st


def smaps(pid):
	"""{mapping name: [rss, pss, anon]} in kB, and the executable's path."""
	agg, name = {}, None
	exe = os.readlink("/proc/%d/exe" % pid)
	with open("/proc/%d/smaps" % pid) as f:
		for l in f:
			p = l.split()
			if p and "-" in p[0] and not p[0].endswith(":"):
				name = p[5] if len(p) > 5 else "[anon]"
				continue
			if p and p[0] in ("Rss:", "Pss:", "Anonymous:"):
				a = agg.setdefault(name, [0, 0, 0])
				a[("Rss:", "Pss:", "Anonymous:").index(p[0])] += int(p[1])
	return agg, exe


def ldd(path):
	"""{soname: path} of every library path needs, transitively."""
	try:
		out = subprocess.run(["ldd", path], capture_output=True, text=True).stdout
	except OSError:
		return {}
	r = {}
	for l in out.splitlines():
		p = l.split()
		if len(p) >= 3 and p[1] == "=>":
			r[p[0]] = os.path.realpath(p[2])
	return r


def short(soname):
	return soname.split(".so")[0]


def breakdown(pid):
	agg, exe = smaps(pid)
	needed = []
	for n in subprocess.run(["readelf", "-d", exe], capture_output=True, text=True).stdout.splitlines():
		if "(NEEDED)" in n:
			needed.append(n.split("[")[1].rstrip("]"))
	all_libs = ldd(exe)
	by_path = {p: so for so, p in all_libs.items()}
	base = {"libc.so.6", "libm.so.6"}
	closure = {d: set(ldd(all_libs[d])) for d in needed if d in all_libs and d not in base}

	def group(n):
		if n == exe:
			return "the cutover executable (code, data)"
		if n in ("[heap]", "[anon]", "[stack]") or n.startswith("[anon:"):
			return "our memory: heap, anonymous (thread arenas, stacks), main stack"
		if n.startswith("["):
			return "kernel ([vdso], [vvar])"
		b = os.path.basename(n)
		so = by_path.get(os.path.realpath(n))
		if so in base or b.startswith("ld-linux") or so and "ld-linux" in so:
			return "libc, libm, ld.so"
		if so in needed:
			return short(so) + " (linked by cutover)"
		if so:
			via = sorted(short(d) for d, c in closure.items() if so in c)
			return "needed only by " + " and ".join(via) if via else "other libraries"
		if b.startswith(("LC_", "locale", "gconv")) or "/locale" in n:
			return "locale data"
		return "other files"

	groups, members = {}, {}
	for n, v in agg.items():
		gname = group(n)
		g = groups.setdefault(gname, [0, 0, 0])
		for i in range(3):
			g[i] += v[i]
		if gname.startswith("needed only by"):
			members.setdefault(gname, []).append(short(os.path.basename(n)))
	top = sorted(agg.items(), key=lambda kv: -kv[1][0])[:15]
	return {"groups": groups, "members": {k: sorted(v) for k, v in members.items()},
	        "top": [[n, v[0], v[1], v[2]] for n, v in top], "total_rss": sum(v[0] for v in agg.values())}


def main():
	a = sys.argv[1:]
	smaps_name = md = None
	if "--smaps" in a:
		i = a.index("--smaps"); smaps_name = a[i + 1]; del a[i:i + 2]
	if "--md" in a:
		i = a.index("--md"); md = a[i + 1]; del a[i:i + 2]
	secs, out = float(a[0]), a[1]
	procs = [(x.split("=", 1)[0], int(x.split("=", 1)[1])) for x in a[2:]]
	t0 = time.monotonic()
	c0 = {n: cpu_ticks(p) for n, p in procs}
	time.sleep(secs)
	c1 = {n: cpu_ticks(p) for n, p in procs}
	dt = time.monotonic() - t0
	res = {"seconds": dt, "load": open("/proc/loadavg").read().split()[:3], "procs": {}}
	for n, p in procs:
		st = status(p)
		st["cpu_pct"] = (c1[n] - c0[n]) / TICK / dt * 100.0
		st["cpu_ticks"] = c1[n] - c0[n]
		res["procs"][n] = st
		print("%-12s CPU %.3f %% of one core (%d ticks in %.1f s); VmHWM %d kB, RSS %d, PSS %d, USS %d kB, %d threads" %
		      (n, st["cpu_pct"], st["cpu_ticks"], dt, st["VmHWM"], st["Rss"], st["Pss"], st["USS"], st["Threads"]))
	if smaps_name:
		pid = dict(procs)[smaps_name]
		res["breakdown"] = b = breakdown(pid)
		if md:
			o = ["## Where the console's resident memory is (idle, subscriber-portal, 160x48)\n",
			     "From `/proc/PID/smaps` of the idle console at the end of the window above (kB).  RSS counts",
			     "every page of a shared library this process has mapped in, including the pages the kernel",
			     "maps around each fault (fault-around, 64 KB); PSS divides shared pages by their sharers.\n",
			     "| group | RSS | PSS | anonymous (private, written) |", "|---|---|---|---|"]
			for g, v in sorted(b["groups"].items(), key=lambda kv: -kv[1][0]):
				o.append("| %s | %d | %d | %d |" % (g, v[0], v[1], v[2]))
			o.append("| total | %d | %d | %d |\n" % tuple(sum(v[i] for v in b["groups"].values()) for i in range(3)))
			for g, m in sorted(b["members"].items()):
				o.append("- %s: %s" % (g, ", ".join(m)))
			o.append("")
			o.append("The 15 largest mappings by RSS:\n")
			o.append("| mapping | RSS | PSS | anonymous |")
			o.append("|---|---|---|---|")
			for n, r, p, an in b["top"]:
				o.append("| %s | %d | %d | %d |" % (os.path.basename(n) if n.startswith("/") else n, r, p, an))
			o.append("")
			open(md, "w").write("\n".join(o) + "\n")
	json.dump(res, open(out, "w"), indent=1)


if __name__ == "__main__":
	main()
