#!/usr/bin/env bash
# Runs the log-engine JMH benchmarks and the raw-disk dd figures they are compared with, on the same
# filesystem, and writes everything under bench-results/log-engine-<UTC time>/ (summary.md holds the
# tables that log-engine/BENCHMARKS.md quotes).
#
# Usage: bench/log-engine.sh [rounds]
#   rounds (default 3): how many times the disk-bound parts (dd, fsync and interval appends, group
#   commit) are repeated, so that medians can be taken on a noisy disk. Each fsync append run sits
#   between two dd runs of the same write size, and its ratio to raw disk is taken within the round.
# Environment:
#   BENCH_ONLINE=1  let Maven reach Maven Central (needed once if exec-maven-plugin is not in ~/.m2)
#   BENCH_OUT=dir   where to write results
#   BENCH_QUICK=1   one short iteration of everything (checks the script; the numbers mean nothing)
# Takes about 15 minutes with 3 rounds on 2 cores. Needs about 3 GB free on the disk of the repo.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${1:-3}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${BENCH_OUT:-$ROOT/bench-results/log-engine-$STAMP}
# On the repo's own disk (not /tmp, which may be a tmpfs), so fsync costs what it costs there.
WORK=$ROOT/log-engine/target/bench-tmp
export SKIFF_BENCH_DIR=$WORK
mkdir -p "$OUT" "$WORK"
cd "$ROOT"

MVN=(mvn -B -q -pl log-engine)
if [ -z "${BENCH_ONLINE:-}" ]; then
    MVN+=(-o)
fi

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }

machine() {
    {
        echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
        echo "nproc: $(nproc)"
        echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
        echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
        echo "kernel: $(uname -r)"
        echo "filesystem: $(df -T "$WORK" | awk 'NR==2 {print $1 " " $2}') ($(findmnt -no OPTIONS -T "$WORK" 2>/dev/null || true))"
        echo "java: $(java -version 2>&1 | tr '\n' ' ')"
        echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    } > "$OUT/machine.txt"
    cat "$OUT/machine.txt"
}

# One dd run: label, then dd arguments. Writes "label<TAB>dd's summary line".
dd_one() {
    local label=$1
    shift
    printf '%s\t%s\n' "$label" "$(dd "$@" 2>&1 | tail -1)"
}

# The raw-disk figures that do not pair with one batch size: sequential write with one fdatasync at
# the end, and page-cache write (twice: the first pass can be slowed by the VM faulting in guest
# memory; the second, into memory the first one just freed, is what a busy broker sees) and read.
dd_unpaired() {
    local f=$WORK/ddtest
    {
        dd_one seq-write-fdatasync-1M if=/dev/zero of="$f" bs=1M count=512 conv=fdatasync
        rm -f "$f"
        dd_one pagecache-write-1M-first if=/dev/zero of="$f" bs=1M count=2048
        rm -f "$f"
        dd_one pagecache-write-1M if=/dev/zero of="$f" bs=1M count=2048
        dd_one pagecache-read-1M if="$f" of=/dev/null bs=1M
        rm -f "$f"
    } | tee -a "$OUT/dd-$1.txt"
}

# Synchronous writes of one size (O_DSYNC: each write returns once on disk), the raw-disk match for
# appends of that batch size under flush.policy=fsync. Run right before and after those appends.
dd_dsync() {
    local f=$WORK/ddtest label=$2 bs=$3 count=$4
    dd_one "dsync-write-$label" if=/dev/zero of="$f" bs="$bs" count="$count" oflag=dsync | tee -a "$OUT/dd-$1.txt"
    rm -f "$f"
}

# Runs JMH with the given arguments; results go to $OUT/<name>.json and .log.
jmh() {
    local name=$1
    shift
    if ! "${MVN[@]}" exec:exec -Pbench -Djmh.args="$* -rf json -rff $OUT/$name.json" > "$OUT/$name.log" 2>&1; then
        tail -40 "$OUT/$name.log"
        exit 1
    fi
    grep -E '^[A-Za-z]+Benchmark\.' "$OUT/$name.log" || true
}

# Like jmh, counting the fdatasync calls of Maven and the JVMs it starts (perf follows children), when perf can.
jmh_counting_fsyncs() {
    local name=$1
    shift
    if perf stat -e syscalls:sys_enter_fdatasync -x, -o /dev/null -- true > /dev/null 2>&1; then
        perf stat -e syscalls:sys_enter_fdatasync -x, -o "$OUT/$name.perf" -- \
            "${MVN[@]}" exec:exec -Pbench -Djmh.args="$* -rf json -rff $OUT/$name.json" > "$OUT/$name.log" 2>&1 \
            || { tail -40 "$OUT/$name.log"; exit 1; }
        grep -E '^[A-Za-z]+Benchmark\.' "$OUT/$name.log" || true
        grep fdatasync "$OUT/$name.perf" | cut -d, -f1 | sed 's/^/fdatasync calls: /'
    else
        jmh "$name" "$@"
    fi
}

SHORT="-f 1 -wi 2 -w 1s -i 5 -r 1s"
ROLL="" OPEN_WARM="" OPEN_COLD="-f 5 -wi 0 -i 1"
if [ -n "${BENCH_QUICK:-}" ]; then # a smoke test of this script: numbers are meaningless
    SHORT="-f 1 -wi 0 -i 1 -r 1s" ROLL="-wi 0 -i 1" OPEN_WARM="-wi 0 -i 2" OPEN_COLD="-f 1 -wi 0 -i 1"
fi

log "machine"
machine
log "compiling"
"${MVN[@]}" test-compile

# dd label, dd bs, dd count for each batch size.
declare -A DSYNC=([16384]="16k 16k 2000" [262144]="256k 256k 400" [1048576]="1M 1M 200")

for r in $(seq 1 "$ROUNDS"); do
    for b in 16384 262144 1048576; do
        log "round $r/$ROUNDS: appends of $b-byte batches, flush.policy=fsync, between two dd runs"
        dd_dsync "$r" ${DSYNC[$b]}
        jmh "append-fsync-b$b-$r" AppendBenchmark -p flushPolicy=fsync -p batchBytes="$b" $SHORT
        dd_dsync "$r" ${DSYNC[$b]}
    done
    for b in 16384 262144; do
        log "round $r/$ROUNDS: group commit, $b-byte batches, 1 and 4 threads, between two dd runs"
        dd_dsync "$r" ${DSYNC[$b]}
        for t in 1 4; do
            jmh_counting_fsyncs "group-commit-b$b-t$t-$r" GroupCommitBenchmark -t "$t" -p batchBytes="$b" $SHORT
        done
        dd_dsync "$r" ${DSYNC[$b]}
    done
    log "round $r/$ROUNDS: dd, sequential and page cache"
    dd_unpaired "$r"
    log "round $r/$ROUNDS: appends, flush.policy=interval"
    jmh "append-interval-$r" AppendBenchmark -p flushPolicy=interval $SHORT
done

log "segment roll under flush.policy=interval"
jmh roll RollBenchmark $ROLL
log "sequential reads"
jmh read ReadBenchmark $SHORT
log "random reads and offsetForTimestamp"
jmh index IndexLookupBenchmark $SHORT
log "LogManager.open of 1,000 partitions, warm JVM"
jmh open-warm LogManagerOpenBenchmark $OPEN_WARM
log "LogManager.open of 1,000 partitions, first open in a fresh JVM"
jmh open-cold LogManagerOpenBenchmark $OPEN_COLD

rm -rf "$WORK"
if command -v python3 > /dev/null; then
    python3 "$ROOT/bench/summarize-log-engine.py" "$OUT" > "$OUT/summary.md"
    cat "$OUT/summary.md"
fi
log "results in $OUT"
