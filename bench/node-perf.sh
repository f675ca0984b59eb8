#!/usr/bin/env bash
# One node, one partition: producer-perf-test at 1 KB records with acks=1, acks=all and
# acks=all without idempotence, then consumer-perf-test over the same data; three runs each,
# medians printed at the end.
# Usage: bench/node-perf.sh [records-per-run]   (default 200000)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
records="${1:-200000}"
work="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
bootstrap="127.0.0.1:$port"
trap 'kill "$node" 2>/dev/null || true; wait "$node" 2>/dev/null || true; rm -rf "$work"' EXIT

(cd "$root" && mvn -B -q -DskipTests package)
(cd "$work" && exec "$root/bin/skiff-server" --override "listeners=PLAINTEXT://$bootstrap,CONTROLLER://127.0.0.1:$((port + 1))" \
    --override "log.dirs=$work/data" > "$work/node.out" 2>&1) &
node=$!
for _ in $(seq 1 120); do grep -q ' ready in ' "$work/node.out" && break; sleep 0.5; done
grep ' ready in ' "$work/node.out"
"$root/bin/skiff" topics --create --topic perf --partitions 1 --replication-factor 1 --bootstrap-server "$bootstrap"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
pct() { grep -o "[0-9]* ms $1" "$2" | awk '{print $1}' | median; }
# acks=1 (idempotence off, as Kafka's rule turns it off), acks=all (idempotent, the default), and
# acks=all without idempotence (several batches per partition in one request).
i=0
for props in "acks=1" "acks=all" "acks=all enable.idempotence=false"; do
  i=$((i + 1)); out="$work/producer-$i"
  for run in 1 2 3; do
    # shellcheck disable=SC2086
    "$root/bin/skiff" producer-perf-test --topic perf --num-records "$records" --record-size 1024 \
        --throughput -1 --producer-props $props --bootstrap-server "$bootstrap" | tail -1 | tee -a "$out"
  done
  echo "$props: median MB/s: $(grep -o '([0-9.]* MB/sec)' "$out" | tr -d '(' | awk '{print $1}' | median)," \
       "median p50 / p95 / p99 ms: $(pct 50th "$out") / $(pct 95th "$out") / $(pct 99th "$out")"
done
total=$((records * 9))
for run in 1 2 3; do
  "$root/bin/skiff" consumer-perf-test --topic perf --messages "$total" --timeout 120000 --bootstrap-server "$bootstrap" \
      | tail -1 | tee -a "$work/consume"
done
echo "consume median MB/s: $(awk -F', ' '{print $4}' "$work/consume" | median)"
