#!/usr/bin/env python3
"""The real side of the memberlist-vs-real benchmark: clusters of the real hashicorp/memberlist.

Every member is Tests/MemberlistPeer (Debian's memberlist, MetalLB's speakerlist settings) in
its own network namespace, wired by a veth pair into one Linux bridge that lives in a namespace
of its own. Addresses come from 192.0.2.0/24 (TEST-NET-1) only, /24 on every member; nothing
is configured outside these namespaces, IPv6 is switched off in them, so members can reach
nothing but each other, and the namespaces are deleted when this script exits (also on an
error or a signal). Within a cluster the neighbour entries are static, so nobody ARPs (see
Network.static_neighbours for why).

Trials run in parallel: each takes n free addresses of the pool (192.0.2.10-249) and gives them
back when it ends, so several clusters share the bridge without ever sharing an address; a
member only ever sends to the members of its own cluster (memberlist talks to the addresses it
was told about). One trial:

  1. start m01, then m02..mNN one by one, each uniform 0-1 s after the one before joined (so
     every member's probe and gossip tickers have their own phase, as in a cluster whose
     speakers started independently), each joining all the members before it (as MetalLB's
     speakerlist joins every speaker it knows of);
  2. warm up for max(20 s, n + 10 s) after the last member's join, plus uniform 0-1 s (past the
     first reshuffle of every member's probe list);
  3. check that every member sees the n - 1 others (else the trial is dropped and counted);
  4. fault, on a member drawn uniformly: the instant is CLOCK_MONOTONIC read just before it
     (time.monotonic_ns(), the clock of the peers' mono_ns)
       power  SIGKILL, and the member's bridge port set down at the same moment;
       leave  SIGTERM: the peer calls Leave, then Shutdown;
  5. observe until every survivor has a verdict on the victim, at most 15 s (power) or
     5 s (leave), then kill the cluster.

It writes one JSON line per trial: n, case, victim, the fault's offset from the last join, and
per survivor the seconds from the fault to each event about the victim (dead, left, suspect,
suspect-timeout, ping-failed); a kind with no event within the window is left out.

Usage: real.py --peer PATH --trials N --out FILE.jsonl --logdir DIR [--n 3 4 8 16] [--parallel K]
               [--seed S] [--stats FILE] [--prefix NAME]
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time

PREFIX = "mvr%d" % os.getpid()          # every namespace this run creates starts with this (--prefix)
BRIDGE_NS = PREFIX + "-br"
LIVE = set()                            # every member process still running, killed on exit
LIVE_LOCK = threading.Lock()
POOL = ["192.0.2.%d" % i for i in range(10, 250)]   # 240 members at once at most
WINDOW = {"power": 15.0, "leave": 5.0}
EVENTS = ("dead", "left", "suspect", "suspect-timeout", "ping-failed")


def log(*words):
    print("[real %s]" % time.strftime("%H:%M:%S"), *words, file=sys.stderr, flush=True)


def ip(*arguments, check=True):
    result = subprocess.run(["ip"] + list(arguments), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if check and result.returncode != 0:
        raise RuntimeError("ip %s: %s" % (" ".join(arguments), result.stderr.strip()))
    return result.stdout


def host_ns(address):
    return "%s-h%s" % (PREFIX, address.rsplit(".", 1)[1])


def mac_of(address):
    # Locally administered and fixed per address, so a static neighbour entry is always right.
    return "02:00:c0:00:02:%02x" % int(address.rsplit(".", 1)[1])


def port_name(address):
    return "p" + address.rsplit(".", 1)[1]        # the bridge-side end of the member's veth


def no_ipv6(namespace):
    # Per-namespace sysctls: no link-local addresses, no router or neighbour solicitations.
    subprocess.run(["ip", "netns", "exec", namespace, "sh", "-c",
                    "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; "
                    "echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6"], check=True)


class Network:
    """The bridge namespace and one namespace per pool address, made once and reused."""

    def __init__(self, addresses):
        self.addresses = addresses
        self.made = []
        self.lock = threading.Lock()
        self.batch = None

    def create(self):
        ip("netns", "add", BRIDGE_NS)
        self.made.append(BRIDGE_NS)
        no_ipv6(BRIDGE_NS)
        ip("-n", BRIDGE_NS, "link", "add", "br0", "type", "bridge", "stp_state", "0", "forward_delay", "0")
        ip("-n", BRIDGE_NS, "link", "set", "br0", "up")
        for address in self.addresses:
            ns = host_ns(address)
            ip("netns", "add", ns)
            self.made.append(ns)
            no_ipv6(ns)
            ip("-n", BRIDGE_NS, "link", "add", port_name(address), "type", "veth", "peer", "name", "eth0", "address", mac_of(address), "netns", ns)
            ip("-n", BRIDGE_NS, "link", "set", port_name(address), "master", "br0", "up")
            ip("-n", ns, "addr", "add", address + "/24", "dev", "eth0")
            ip("-n", ns, "link", "set", "eth0", "up")
            ip("-n", ns, "link", "set", "lo", "up")
        # One `ip -batch` reading from a pipe: a port goes down the moment its line is written.
        self.batch = subprocess.Popen(["ip", "-n", BRIDGE_NS, "-force", "-batch", "-"],
                                      stdin=subprocess.PIPE, text=True, bufsize=1)

    def static_neighbours(self, addresses):
        """Permanent neighbour entries between the members of one cluster, so nobody ARPs.

        Linux keeps one neighbour table for all namespaces, and dynamic entries count against
        the host-wide gc_thresh3 (1024): a few hundred members resolving each other overflow it
        ("neighbor table overflow"), and sends fail with ENOBUFS, which memberlist sees as lost
        pings and false suspicions. Permanent entries are exempt, and need no host setting. A
        member of a real cluster has its peers in its ARP cache anyway (they talk all the time),
        so this removes a test artefact, not a behaviour: a dead member's frames are dropped
        either way."""
        batches = []
        for address in addresses:
            lines = "".join("neigh replace %s lladdr %s dev eth0 nud permanent\n" % (other, mac_of(other))
                            for other in addresses if other != address)
            batch = subprocess.Popen(["ip", "-n", host_ns(address), "-batch", "-"], stdin=subprocess.PIPE, text=True)
            batch.stdin.write(lines)
            batch.stdin.close()
            batches.append(batch)
        for batch in batches:
            if batch.wait() != 0:
                raise RuntimeError("could not set the static neighbour entries")

    def clear_neighbours(self, addresses):
        for address in addresses:
            ip("-n", host_ns(address), "neigh", "flush", "dev", "eth0", "nud", "all", check=False)

    def set_port(self, address, up):
        with self.lock:
            self.batch.stdin.write("link set dev %s %s\n" % (port_name(address), "up" if up else "down"))
            self.batch.stdin.flush()

    def destroy(self):
        if self.batch is not None:
            try:
                self.batch.stdin.close()
                self.batch.wait(timeout=5)
            except Exception:
                self.batch.kill()
        for ns in reversed(self.made):
            ip("netns", "del", ns, check=False)
        self.made = []


class Member:
    def __init__(self, peer, name, address, join, stderr):
        self.name = name
        self.address = address
        self.events = []            # (mono_ns, event dict), in arrival order
        self.changed = threading.Condition()
        arguments = ["ip", "netns", "exec", host_ns(address), peer,
                     "-name", name, "-bind", address, "-log-events"]
        if join:
            arguments += ["-join", join]
        # `ip netns exec` enters the namespace and execs the peer: the pid is the peer's.
        with LIVE_LOCK:
            self.process = subprocess.Popen(arguments, stdout=subprocess.PIPE, stderr=stderr,
                                            stdin=subprocess.DEVNULL, text=True, bufsize=1)
            LIVE.add(self.process)
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()

    def read(self):
        for line in self.process.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            with self.changed:
                self.events.append(event)
                self.changed.notify_all()

    def wait_for(self, predicate, deadline):
        with self.changed:
            while not predicate(self.events):
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None and not self.reader.is_alive():
                    return predicate(self.events)
                self.changed.wait(min(left, 0.05))
            return True

    def snapshot(self):
        with self.changed:
            return list(self.events)

    def kill(self):
        if self.process.poll() is None:
            try:
                os.kill(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()
        with LIVE_LOCK:
            LIVE.discard(self.process)
        self.reader.join(timeout=5)


def verdicts(events, victim, since_ns):
    """Seconds from since_ns to the first event of each kind about the victim."""
    found = {}
    for e in events:
        if e.get("node") != victim or e["mono_ns"] < since_ns:
            continue
        kind = e["event"]
        if kind == "leave":
            kind = e.get("state")            # dead or left, from the entry's own State
        if kind in EVENTS and kind not in found:
            found[kind] = (e["mono_ns"] - since_ns) / 1e9
    return found


def settled(case, found):
    return ("dead" in found or "left" in found) if case == "power" else ("left" in found or "dead" in found)


def trial(peer, network, n, case, rng, logdir, number):
    addresses = network.take(n)
    names = ["m%02d" % (i + 1) for i in range(n)]
    stderr = open(os.path.join(logdir, "%s-n%d-%03d.log" % (case, n, number)), "w")
    members = []
    downed = None
    record = {"side": "real", "n": n, "case": case, "trial": number}
    try:
        network.static_neighbours(addresses)
        first = Member(peer, names[0], addresses[0], None, stderr)
        members.append(first)
        if not first.wait_for(lambda ev: any(e["event"] == "started" for e in ev), time.monotonic() + 10):
            raise RuntimeError("m01 did not start")
        # As MetalLB's speakerlist does, a member joins every member it knows of: here all those
        # started before it, one after the other, so every view is complete from the start.
        joined = []
        for k in range(1, n):
            # Random start times, as in a cluster whose speakers started independently: every
            # member's probe (1 s) and gossip (200 ms) tickers tick on their own phase.
            time.sleep(rng.uniform(0.0, 1.0))
            m = Member(peer, names[k], addresses[k], ",".join(addresses[:k]), stderr)
            members.append(m)
            ok = m.wait_for(lambda ev: any(e["event"] in ("joined", "error") for e in ev), time.monotonic() + 20)
            event = next((e for e in m.snapshot() if e["event"] in ("joined", "error")), None)
            if not ok or event is None or event["event"] != "joined" or event.get("count", 0) != k:
                raise RuntimeError("%s did not join all %d: %r" % (m.name, k, event))
            joined.append(event["mono_ns"])
        last_join = max(joined) if joined else first.snapshot()[0]["mono_ns"]
        warm = max(20.0, n + 10.0)
        offset = rng.uniform(0.0, 1.0)
        victim_index = rng.randrange(n)
        victim = members[victim_index]
        fault_at = last_join + int((warm + offset) * 1e9)
        while True:
            left = (fault_at - time.monotonic_ns()) / 1e9
            if left <= 0:
                break
            time.sleep(min(left, 0.5) if left > 0.002 else 0)

        # Every member must see all the others alive (joins seen, nothing left or dead).
        view_problems = []
        for m in members:
            seen = set()
            for e in m.snapshot():
                if e["event"] == "join" and e.get("node") != m.name:
                    seen.add(e["node"])
                elif e["event"] == "leave":
                    seen.discard(e["node"])
            if len(seen) != n - 1 or m.process.poll() is not None:
                view_problems.append("%s sees %d others%s" % (m.name, len(seen),
                                                              ", exited" if m.process.poll() is not None else ""))
        view_ok = not view_problems

        t0 = time.monotonic_ns()
        if case == "power":
            os.kill(victim.process.pid, signal.SIGKILL)
            network.set_port(victim.address, False)
            downed = victim.address
        else:
            os.kill(victim.process.pid, signal.SIGTERM)
        survivors = [m for m in members if m is not victim]
        end = time.monotonic() + WINDOW[case]
        for m in survivors:
            m.wait_for(lambda ev: settled(case, verdicts(ev, victim.name, t0)), end)
        record.update({
            "victim": victim.name, "fault_after_join_s": round((t0 - last_join) / 1e9, 6),
            "view_ok": view_ok, "window_s": WINDOW[case],
            **({"view_problems": view_problems} if view_problems else {}),
            "survivors": {m.name: {k: round(v, 6) for k, v in verdicts(m.snapshot(), victim.name, t0).items()
                                    if v <= WINDOW[case]}
                          for m in survivors},
        })
        if case == "leave":
            victim.process.wait(timeout=10)
            record["victim_exit"] = victim.process.returncode
            left_event = next((e for e in victim.snapshot() if e["event"] == "left"), None)
            record["victim_left_s"] = None if left_event is None else round((left_event["mono_ns"] - t0) / 1e9, 6)
        return record
    finally:
        for m in members:
            m.kill()
        if downed is not None:
            network.set_port(downed, True)
        network.clear_neighbours(addresses)
        stderr.close()
        network.give(addresses)


class Pool:
    def __init__(self, network):
        self.free = list(network.addresses)
        self.cv = threading.Condition()

    def take(self, n):
        with self.cv:
            while len(self.free) < n:
                self.cv.wait()
            taken, self.free = self.free[:n], self.free[n:]
            return taken

    def give(self, addresses):
        with self.cv:
            self.free.extend(addresses)
            self.cv.notify_all()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peer", required=True)
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--n", type=int, nargs="+", default=[3, 4, 8, 16])
    parser.add_argument("--cases", nargs="+", default=["power", "leave"])
    parser.add_argument("--parallel", type=int, default=32, help="clusters at once (also bounded by the 240 addresses)")
    parser.add_argument("--seed", type=int, default=1, help="seeds the victims, offsets and trial order")
    parser.add_argument("--out", required=True)
    parser.add_argument("--logdir", required=True)
    parser.add_argument("--stats", help="write the machine's CPU use during the trials (JSON) here")
    parser.add_argument("--prefix", help="namespace name prefix (run.sh's cleanup deletes PREFIX-*)")
    args = parser.parse_args()
    global PREFIX, BRIDGE_NS
    if args.prefix:
        PREFIX = args.prefix
        BRIDGE_NS = PREFIX + "-br"
    if max(args.n) > len(POOL):
        parser.error("n larger than the address pool")
    os.makedirs(args.logdir, exist_ok=True)

    network = Network(POOL[:min(len(POOL), args.parallel * max(args.n))])
    pool = Pool(network)
    network.take, network.give = pool.take, pool.give

    def on_signal(number, frame):
        raise SystemExit(128 + number)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    jobs = [(n, case, k) for n in args.n for case in args.cases for k in range(args.trials)]
    order = random.Random(args.seed)
    order.shuffle(jobs)                         # every case and n sees the same mix of load
    jobs.sort(key=lambda job: -job[0])          # biggest clusters first: better packing, same mix
    results = []
    failures = []
    lock = threading.Lock()
    queue = list(jobs)
    started = time.monotonic()

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                n, case, k = queue.pop(0)
            rng = random.Random("%d/%s/%d/%d" % (args.seed, case, n, k))
            try:
                record = trial(args.peer, network, n, case, rng, args.logdir, k)
            except Exception as error:           # a trial that could not run is reported, not hidden
                with lock:
                    failures.append({"n": n, "case": case, "trial": k, "error": str(error)})
                log("trial failed:", n, case, k, error)
                continue
            with lock:
                results.append(record)
                done = len(results) + len(failures)
            if done % 20 == 0 or done == len(jobs):
                log("%d/%d trials, %.0f s" % (done, len(jobs), time.monotonic() - started))

    def cpu_ticks():
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        return sum(fields), fields[3] + fields[4]          # total, idle + iowait

    loads = []

    def sample_load():
        while True:
            with open("/proc/loadavg") as f:
                loads.append(float(f.read().split()[0]))
            time.sleep(10)
    threading.Thread(target=sample_load, daemon=True).start()
    total0, idle0 = cpu_ticks()
    own0 = os.times()

    try:
        log("creating %d namespaces and the bridge (192.0.2.0/24 only)" % (len(network.addresses) + 1))
        network.create()
        threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.parallel)]
        for t in threads:
            t.start()
        for t in threads:
            while t.is_alive():
                t.join(0.5)
    finally:
        with LIVE_LOCK:
            for process in list(LIVE):
                if process.poll() is None:
                    process.kill()
                process.wait()
            LIVE.clear()
        log("deleting the namespaces")
        network.destroy()
    total1, idle1 = cpu_ticks()
    own1 = os.times()
    ticks = os.sysconf("SC_CLK_TCK")
    busy = (total1 - total0) - (idle1 - idle0)
    own = sum(getattr(own1, k) - getattr(own0, k) for k in ("user", "system", "children_user", "children_system"))
    if args.stats:
        with open(args.stats, "w") as f:
            json.dump({"wall_s": round(time.monotonic() - started, 1), "cores": os.cpu_count(),
                       "machine_busy_cores": round(busy / ticks / (time.monotonic() - started), 2),
                       "own_cores": round(own / (time.monotonic() - started), 2),
                       "load1_max": max(loads) if loads else None,
                       "load1_median": sorted(loads)[len(loads) // 2] if loads else None}, f)
    results.sort(key=lambda r: (r["case"], r["n"], r["trial"]))
    with open(args.out, "w") as out:
        for r in results:
            out.write(json.dumps(r, sort_keys=True) + "\n")
        for f in failures:
            out.write(json.dumps(dict(f, side="real", failed=True), sort_keys=True) + "\n")
    log("%d trials, %d failed, %.0f s" % (len(results), len(failures), time.monotonic() - started))


if __name__ == "__main__":
    main()
