#!/usr/bin/env python3
"""Tables for the memberlist-vs-real benchmark: real memberlist trials against lbsim seeds.

Reads the JSON lines of real.py and lbsim.py (one per trial or seed, each with every
survivor's seconds from the fault to its dead or left verdict on the victim) and prints, per n:

  dead first   seconds to the first survivor's dead verdict: median [p10-p90], both sides, and
               the two-sample Kolmogorov-Smirnov test's asymptotic p-value
  dead last    the same for the last survivor (trials where every survivor decided in 15 s)
  dead, every survivor   all survivors' dead times pooled (not independent within a trial)
  dead spread  last minus first, per trial: median and p90
  leave last   seconds from the SIGTERM to the last survivor's left verdict (5 s window)

then the issue's acceptance line per n (issue 17, "Done when"):
  dead-first medians within 5 % of real, dead-first p90s within 10 %, leave-last medians
  within 20 %, median dead spread within 0.1 s of real.

Percentiles interpolate linearly between order statistics (numpy's default). Python stdlib only.

Usage: compare.py REAL.jsonl LBSIM.jsonl [--header FILE] [--markdown OUT.md]
"""

import argparse
import json
import math
import statistics
import sys


def quantile(values, q):
    xs = sorted(values)
    if not xs:
        return float("nan")
    position = (len(xs) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(xs) - 1)
    return xs[low] + (xs[high] - xs[low]) * (position - low)


def ks_2samp(a, b):
    """Two-sample Kolmogorov-Smirnov: D and its asymptotic p-value (Numerical Recipes' probks,
    with Stephens' small-sample correction of the argument)."""
    a, b = sorted(a), sorted(b)
    n1, n2 = len(a), len(b)
    if n1 == 0 or n2 == 0:
        return float("nan"), float("nan")
    i = j = 0
    d = 0.0
    while i < n1 and j < n2:
        x = min(a[i], b[j])
        while i < n1 and a[i] == x:
            i += 1
        while j < n2 and b[j] == x:
            j += 1
        d = max(d, abs(i / n1 - j / n2))
    en = math.sqrt(n1 * n2 / (n1 + n2))
    lam = (en + 0.12 + 0.11 / en) * d
    if lam < 1e-3:
        return d, 1.0
    total, sign, previous = 0.0, 1.0, 0.0
    for k in range(1, 101):
        term = sign * 2.0 * math.exp(-2.0 * k * k * lam * lam)
        total += term
        if abs(term) <= 1e-10 * abs(total) or abs(term) <= 1e-8 * previous:
            return d, min(max(total, 0.0), 1.0)
        sign = -sign
        previous = abs(term)
    return d, 1.0


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    return rows


class Sample:
    """The measures of one side, one case, one n."""

    def __init__(self, rows, case):
        self.trials = len(rows)
        self.failed = sum(1 for r in rows if r.get("failed"))
        ok = [r for r in rows if not r.get("failed") and r.get("view_ok", True)]
        self.dropped = sum(1 for r in rows if not r.get("failed") and not r.get("view_ok", True))
        kind = "dead" if case == "power" else "left"
        self.first, self.last, self.spread, self.each = [], [], [], []
        self.incomplete = 0          # trials where some survivor had no verdict in the window
        self.other = 0               # survivors whose verdict was the other kind (left for a power loss, dead for a leave)
        self.survivors = 0
        for r in ok:
            times = []
            for verdicts in r["survivors"].values():
                self.survivors += 1
                if kind in verdicts:
                    times.append(verdicts[kind])
                elif ("left" if kind == "dead" else "dead") in verdicts:
                    self.other += 1
            self.each += times
            if times:
                self.first.append(min(times))
            if len(times) == len(r["survivors"]):
                self.last.append(max(times))
                self.spread.append(max(times) - min(times))
            else:
                self.incomplete += 1
        self.used = len(ok)


def fmt_range(values):
    if not values:
        return "-"
    return "%.2f [%.2f-%.2f]" % (statistics.median(values), quantile(values, 0.1), quantile(values, 0.9))


def fmt_p(a, b):
    d, p = ks_2samp(a, b)
    if math.isnan(p):
        return "-"
    return "%.2f" % p if p >= 0.01 else "%.0e" % p


def within(measured, reference, relative=None, absolute=None):
    if not measured or not reference:
        return False, float("nan")
    if relative is not None:
        error = abs(measured - reference) / reference
        return error <= relative, error
    error = abs(measured - reference)
    return error <= absolute, error


def table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("real")
    parser.add_argument("lbsim")
    parser.add_argument("--header", help="text (Markdown) to put before the tables")
    parser.add_argument("--markdown", help="also write everything to this file")
    args = parser.parse_args()
    real, sim = load(args.real), load(args.lbsim)
    ns = sorted({r["n"] for r in real} & {r["n"] for r in sim})

    def pick(rows, case, n):
        return Sample([r for r in rows if r["case"] == case and r["n"] == n], case)

    out = []
    if args.header:
        with open(args.header) as f:
            out.append(f.read().rstrip() + "\n")

    power = {n: (pick(real, "power", n), pick(sim, "power", n)) for n in ns}
    leave = {n: (pick(real, "leave", n), pick(sim, "leave", n)) for n in ns}

    out.append("## Samples\n")
    out.append(table(
        ["n", "power: real trials (used)", "lbsim seeds (used)", "leave: real trials (used)", "lbsim seeds (used)"],
        [[n, "%d (%d)" % (power[n][0].trials, power[n][0].used), "%d (%d)" % (power[n][1].trials, power[n][1].used),
          "%d (%d)" % (leave[n][0].trials, leave[n][0].used), "%d (%d)" % (leave[n][1].trials, leave[n][1].used)]
         for n in ns]))
    notes = []
    for label, group in (("power", power), ("leave", leave)):
        for n in ns:
            for side, s in zip(("real", "lbsim"), group[n]):
                if s.failed or s.dropped or s.incomplete or s.other:
                    notes.append("- %s, n = %d, %s: %d could not run, %d dropped (a member did not see all the others "
                                 "before the fault), %d with a survivor that gave no %s verdict within the window "
                                 "(%d of %d survivors gave the other verdict)"
                                 % (label, n, side, s.failed, s.dropped, s.incomplete,
                                    "dead" if label == "power" else "left", s.other, s.survivors))
    out.append("\nA trial is used when it ran and every member saw all the others before the fault. "
               "Incomplete trials count in \"dead first\", not in \"dead last\" or the spread.\n")
    if notes:
        out.append("\n".join(notes) + "\n")

    out.append("## Power loss: seconds from the fault to the dead verdict\n")
    out.append("Median [p10-p90]; KS p: two-sample Kolmogorov-Smirnov, asymptotic p-value.\n")
    out.append(table(
        ["n", "dead first: real", "lbsim", "KS p", "dead last: real", "lbsim", "KS p",
         "every survivor: real", "lbsim", "KS p"],
        [[n, fmt_range(r.first), fmt_range(s.first), fmt_p(r.first, s.first),
          fmt_range(r.last), fmt_range(s.last), fmt_p(r.last, s.last),
          fmt_range(r.each), fmt_range(s.each), fmt_p(r.each, s.each)]
         for n, (r, s) in power.items()]))
    out.append("\n\"Every survivor\" pools all survivors' times; they are not independent within a trial, "
               "so its p-value is only indicative.\n")

    out.append("## Spread of the dead verdicts across survivors (last minus first), seconds\n")
    def under(values, limit=0.010):
        return "%.0f %%" % (100.0 * sum(1 for x in values if x < limit) / len(values)) if values else "-"

    out.append(table(
        ["n", "real: median", "p90", "under 10 ms", "lbsim: median", "p90", "under 10 ms", "KS p"],
        [[n, "%.3f" % statistics.median(r.spread) if r.spread else "-",
          "%.3f" % quantile(r.spread, 0.9) if r.spread else "-", under(r.spread),
          "%.3f" % statistics.median(s.spread) if s.spread else "-",
          "%.3f" % quantile(s.spread, 0.9) if s.spread else "-", under(s.spread),
          fmt_p(r.spread, s.spread)]
         for n, (r, s) in power.items()]))
    out.append("\n\"Under 10 ms\": trials where every survivor decided in the same instant (the same "
               "gossip message or timer). Within that, the real side spreads over about 0.1-2 ms of process "
               "and veth jitter and lbsim over the segment latency, so the KS p-value of the spread "
               "mostly tests that sub-millisecond difference when most trials are such.\n")

    out.append("## Graceful leave: seconds from the SIGTERM to the last survivor's left verdict\n")
    out.append(table(
        ["n", "leave last: real", "lbsim", "KS p", "leave first: real", "lbsim", "KS p"],
        [[n, fmt_range(r.last), fmt_range(s.last), fmt_p(r.last, s.last),
          fmt_range(r.first), fmt_range(s.first), fmt_p(r.first, s.first)]
         for n, (r, s) in leave.items()]))

    out.append("\n## Acceptance (issue 17, \"Done when\")\n")
    rows = []
    all_pass = True
    for n in ns:
        r, s = power[n]
        lr, ls = leave[n]
        checks = [
            ("dead median", within(statistics.median(s.first) if s.first else None,
                                   statistics.median(r.first) if r.first else None, relative=0.05), "5 %"),
            ("dead p90", within(quantile(s.first, 0.9) if s.first else None,
                                quantile(r.first, 0.9) if r.first else None, relative=0.10), "10 %"),
            ("leave-last median", within(statistics.median(ls.last) if ls.last else None,
                                         statistics.median(lr.last) if lr.last else None, relative=0.20), "20 %"),
            ("dead-spread median", within(statistics.median(s.spread) if s.spread else None,
                                          statistics.median(r.spread) if r.spread else None, absolute=0.1), "0.1 s"),
        ]
        cells = [n]
        for name, (ok, error), bound in checks:
            all_pass = all_pass and ok
            unit = "s" if name == "dead-spread median" else "%"
            shown = "%.3f s" % error if unit == "s" else "%.1f %%" % (100 * error)
            cells.append("%s (%s, bound %s)" % ("pass" if ok else "FAIL", shown, bound))
        rows.append(cells)
    out.append(table(["n", "dead-first median", "dead-first p90", "leave-last median", "dead-spread median"], rows))
    out.append("\nOverall: %s\n" % ("PASS: every n meets every bound" if all_pass else
                                     "FAIL: at least one bound is not met (see above)"))

    real_diag = []
    for n in ns:
        rows_n = [x for x in real if x["case"] == "power" and x["n"] == n and not x.get("failed") and x.get("view_ok")]
        first_suspect = [min(v["suspect"] for v in x["survivors"].values() if "suspect" in v)
                         for x in rows_n if any("suspect" in v for v in x["survivors"].values())]
        own, gossip = 0, 0
        for x in rows_n:
            for v in x["survivors"].values():
                if "dead" in v:
                    if "suspect-timeout" in v and v["suspect-timeout"] <= v["dead"] + 1e-3:
                        own += 1
                    else:
                        gossip += 1
        real_diag.append([n, fmt_range(first_suspect),
                          "%d of %d" % (own, own + gossip) if own + gossip else "-"])
    out.append("## Real side only: how the verdicts came\n")
    out.append("First suspicion: the first survivor's own probe of the victim failing (memberlist logs "
               "\"Suspect X has failed\" after the direct ping, indirect pings and TCP fallback time out). "
               "Own timeout: survivors whose dead verdict came from their own suspicion timer "
               "(\"Marking X as failed\"), not from another member's dead message.\n")
    out.append(table(["n", "first suspicion, s after fault", "own timeout"], real_diag))

    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
