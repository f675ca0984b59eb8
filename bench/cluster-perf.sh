#!/usr/bin/env bash
# Three processes on 127.0.70.1-3 (bin/skiff-cluster), one topic of 6 partitions with replication
# factor 3: producer-perf-test at 1 KB records with acks=all, and for comparison acks=1 and a
# replication factor 1 topic; ten runs each (RUNS=n to change), median and max printed at the end.
# Usage: [RUNS=10] bench/cluster-perf.sh [records-per-run]   (default 200000)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
records="${1:-200000}"
runs="${RUNS:-10}"
work="$(mktemp -d)"
base=127.0.70.1
bootstrap="127.0.70.1:9092,127.0.70.2:9092,127.0.70.3:9092"
trap '"$root/bin/skiff-cluster" down --dir "$work/cluster" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

(cd "$root" && mvn -B -q -DskipTests package)
"$root/bin/skiff-cluster" up 3 --dir "$work/cluster" --base-address "$base"
"$root/bin/skiff" topics --create --topic rf3 --partitions 6 --replication-factor 3 \
    --config min.insync.replicas=2 --bootstrap-server "$bootstrap"
"$root/bin/skiff" topics --create --topic rf1 --partitions 6 --replication-factor 1 --bootstrap-server "$bootstrap"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
maximum() { sort -n | tail -1; }
for run_of in "rf3 all" "rf3 1" "rf1 1"; do
  set -- $run_of
  out="$work/$1-acks-$2"
  for run in $(seq 1 "$runs"); do
    "$root/bin/skiff" producer-perf-test --topic "$1" --num-records "$records" --record-size 1024 \
        --throughput -1 --producer-props "acks=$2" --bootstrap-server "$bootstrap" | tail -1 | tee -a "$out"
  done
  mbs() { grep -o '([0-9.]* MB/sec)' "$out" | tr -d '(' | awk '{print $1}'; }
  echo "topic $1 acks=$2 over $runs runs: median $(mbs | median) MB/s, max $(mbs | maximum) MB/s," \
       "median records/s $(grep -o '[0-9.]* records/sec' "$out" | awk '{print $1}' | median)," \
       "median p99 $(grep -o '[0-9]* ms 99th' "$out" | awk '{print $1}' | median) ms" | tee -a "$work/summary"
done
cat "$work/summary"
