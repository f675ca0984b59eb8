#!/usr/bin/env bash
# Three processes on 127.0.70.1-3 (bin/skiff-cluster), one topic of 6 partitions with replication
# factor 3: producer-perf-test at 1 KB records with acks=all, and for comparison acks=1 and a
# replication factor 1 topic; three runs each, medians printed at the end.
# Usage: bench/cluster-perf.sh [records-per-run]   (default 200000)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
records="${1:-200000}"
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
for run_of in "rf3 all" "rf3 1" "rf1 1"; do
  set -- $run_of
  out="$work/$1-acks-$2"
  for run in 1 2 3; do
    "$root/bin/skiff" producer-perf-test --topic "$1" --num-records "$records" --record-size 1024 \
        --throughput -1 --producer-props "acks=$2" --bootstrap-server "$bootstrap" | tail -1 | tee -a "$out"
  done
  echo "topic $1 acks=$2 median MB/s: $(grep -o '([0-9.]* MB/sec)' "$out" | tr -d '(' | awk '{print $1}' | median)," \
       "median records/s: $(grep -o '[0-9.]* records/sec' "$out" | awk '{print $1}' | median)," \
       "median p99 ms: $(grep -o '[0-9]* ms 99th' "$out" | awk '{print $1}' | median)" | tee -a "$work/summary"
done
cat "$work/summary"
