#!/usr/bin/env bash
# lbsim's memberlist against the real hashicorp/memberlist: the whole comparison, from scratch.
# See README.md beside this file. Run as root on Debian (no terminal needed):
#
#   bash Benchmarks/memberlist-vs-real/run.sh                          # 60 trials per n and case, 300 seeds
#   bash Benchmarks/memberlist-vs-real/run.sh --trials 3 --seeds 10    # smoke test (writes nothing here)
#
# Options: --trials N (real trials per n and case, default 60), --seeds N (lbsim seeds per n and
# case, default 300), --n "3 4 8 16", --parallel K (real clusters at once, default 32),
# --out FILE (default RESULTS.md beside this script for a full run, the work folder for a
# smaller one), --work DIR (default a new temporary folder, removed at the end), --keep (keep it).
# Environment: SIM=path/to/sim (default .build/release/sim, built with `swift build -c release`
# if missing).
#
# Network safety: every member runs in a network namespace this script creates, on a bridge in
# another; addresses are 192.0.2.0/24 (TEST-NET-1) only; nothing outside the namespaces is
# touched; every namespace is deleted on exit, whatever the exit.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
TRIALS=60
SEEDS=300
NS_LIST="3 4 8 16"
PARALLEL=32
OUT=""
WORK=""
KEEP=0
ARGS="$*"
while [ $# -gt 0 ]; do
    case "$1" in
        --trials) TRIALS=$2; shift 2 ;;
        --seeds) SEEDS=$2; shift 2 ;;
        --n) NS_LIST=$2; shift 2 ;;
        --parallel) PARALLEL=$2; shift 2 ;;
        --out) OUT=$2; shift 2 ;;
        --work) WORK=$2; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
    esac
done

say() { echo "[run $(date +%H:%M:%S)] $*" >&2; }
START=$(date +%s)

if [ "$(id -u)" != 0 ]; then
    echo "run.sh: must run as root (network namespaces, apt-get)" >&2
    exit 77
fi

# --- 1. packages ---------------------------------------------------------------------------
need=()
for package in golang-go golang-github-hashicorp-memberlist-dev iproute2 python3; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || need+=("$package")
done
if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${need[@]}"
fi
PYTHON=$(command -v python3)
MEMBERLIST_SRC=/usr/share/gocode/src/github.com/hashicorp/memberlist
MEMBERLIST_VERSION=$(dpkg-query -W -f='${Version}' golang-github-hashicorp-memberlist-dev 2>/dev/null || echo unknown)

# --- 2. work folder and cleanup ------------------------------------------------------------
if [ -z "$WORK" ]; then
    WORK=$(mktemp -d /tmp/memberlist-vs-real.XXXXXX)
else
    mkdir -p "$WORK"
fi
PREFIX="mvr$$"          # every namespace of this run is PREFIX-something
REAL_PID=""
cleanup() {
    status=$?
    if [ -n "$REAL_PID" ] && kill -0 "$REAL_PID" 2>/dev/null; then
        kill -TERM "$REAL_PID" 2>/dev/null || true      # real.py kills its members and deletes its namespaces
        wait "$REAL_PID" 2>/dev/null || true
    fi
    for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$PREFIX-" || true); do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
        ip netns del "$ns" 2>/dev/null || true
    done
    if [ "$KEEP" = 0 ]; then rm -rf "$WORK"; else say "kept $WORK"; fi
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# --- 3. the Go member and the simulator ----------------------------------------------------
say "building Tests/MemberlistPeer against Debian's memberlist $MEMBERLIST_VERSION"
export GOPATH=/usr/share/gocode GO111MODULE=off GOPROXY=off GOFLAGS=
[ -n "${HOME:-}" ] && [ -w "${HOME:-/nonexistent}" ] || export GOCACHE="$WORK/gocache"
(cd "$ROOT" && go build -o "$WORK/memberlist-peer" ./Tests/MemberlistPeer)

SIM_GIVEN=${SIM:-}
SIM=${SIM:-$ROOT/.build/release/sim}
if [ ! -x "$SIM" ]; then
    say "building lbsim (swift build -c release --product sim)"
    (cd "$ROOT" && swift build -c release --product sim)
    SIM=$ROOT/.build/release/sim
fi

# --- 4. the real clusters ------------------------------------------------------------------
say "real memberlist: n = $NS_LIST, $TRIALS trials per n and case, $PARALLEL clusters at once"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
T_REAL=$(date +%s)
# shellcheck disable=SC2086
"$PYTHON" "$HERE/real.py" --peer "$WORK/memberlist-peer" --trials "$TRIALS" --n $NS_LIST \
    --parallel "$PARALLEL" --prefix "$PREFIX" --out "$WORK/real.jsonl" --logdir "$WORK/logs" \
    --stats "$WORK/real-stats.json" &
REAL_PID=$!
wait "$REAL_PID"
REAL_PID=""
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
T_REAL=$(( $(date +%s) - T_REAL ))

# --- 5. the lbsim sweeps -------------------------------------------------------------------
say "lbsim ($SIM): $SEEDS seeds per n and case"
T_SIM=$(date +%s)
# shellcheck disable=SC2086
"$PYTHON" "$HERE/lbsim.py" --sim "$SIM" --seeds "$SEEDS" --n $NS_LIST --jobs "$(nproc)" \
    --out "$WORK/lbsim.jsonl" --work "$WORK/sim"
T_SIM=$(( $(date +%s) - T_SIM ))

# --- 6. the tables -------------------------------------------------------------------------
FULL=0
[ "$TRIALS" -ge 30 ] && [ "$SEEDS" -ge 200 ] && [ -z "$OUT" ] && FULL=1
if [ -z "$OUT" ]; then
    if [ "$FULL" = 1 ]; then OUT="$HERE/RESULTS.md"; else OUT="$WORK/RESULTS.md"; KEEP=1; fi
fi
sim_sum=$(sha256sum "$SIM" | cut -c1-16)
sim_built=$(date -u -r "$SIM" '+%Y-%m-%d %H:%M UTC')
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$ROOT" status --porcelain -- Sources 2>/dev/null | wc -l)
go_version=$(go version)
cpu_line=$("$PYTHON" -c 'import json, sys; s = json.load(open(sys.argv[1]))
print("CPU busy %.2f of %d cores on average, %.2f of them this benchmark'"'"'s processes (the rest: namespace and network work in the kernel, which is charged to no process, and anything else running); 1-min load median %s, max %s"
      % (s["machine_busy_cores"], s["cores"], s["own_cores"], s["load1_median"], s["load1_max"]))' "$WORK/real-stats.json")
TOTAL=$(( $(date +%s) - START ))
{
    echo "# memberlist-vs-real: results"
    echo
    echo "Written by \`${SIM_GIVEN:+SIM=$SIM_GIVEN }bash Benchmarks/memberlist-vs-real/run.sh${ARGS:+ $ARGS}\`; see README.md for what is measured."
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "- machine: \`$(uname -a)\`"
    echo "- cores: $(nproc) ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), memory $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
    echo "- load average (1, 5, 15 min) before the real trials: $LOAD_BEFORE; after: $LOAD_AFTER"
    echo "- real side: hashicorp/memberlist $MEMBERLIST_VERSION (Debian golang-github-hashicorp-memberlist-dev, $MEMBERLIST_SRC), $go_version, Tests/MemberlistPeer with MetalLB's speakerlist settings (DefaultLANConfig, port 7946)"
    echo "- real trials: $TRIALS per n and case, at most $PARALLEL clusters at once on one bridge; $T_REAL s; $cpu_line"
    echo "- lbsim: \`$SIM\` (sha256 $sim_sum..., built $sim_built); repository at $commit$( [ "$dirty" -gt 0 ] && echo " with $dirty uncommitted changes under Sources/" ); $SEEDS seeds per n and case; $T_SIM s"
    echo "- whole script: $TOTAL s"
} > "$WORK/header.md"
"$PYTHON" "$HERE/compare.py" "$WORK/real.jsonl" "$WORK/lbsim.jsonl" --header "$WORK/header.md" --markdown "$OUT"
if [ "$FULL" = 1 ] && [ "$OUT" = "$HERE/RESULTS.md" ]; then
    cp "$WORK/real.jsonl" "$HERE/real-trials.jsonl"
    say "wrote $OUT and $HERE/real-trials.jsonl"
else
    say "wrote $OUT"
fi
say "done in $TOTAL s"
