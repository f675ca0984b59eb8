#!/usr/bin/env python3
"""Turns the files written by bench/log-engine.sh into Markdown tables (medians over rounds).

Usage: python3 bench/summarize-log-engine.py bench-results/log-engine-<time>
MB is 10^6 bytes throughout, as dd reports it.
"""
import glob
import json
import os
import re
import statistics
import sys

OUT = sys.argv[1]


def dd_mb_per_s(line):
    # "536870912 bytes (537 MB, 512 MiB) copied, 1.234 s, 435 MB/s"
    m = re.match(r"(\d+) bytes .* copied, ([\d.]+) s", line)
    return int(m.group(1)) / float(m.group(2)) / 1e6 if m else None


def load_dd():
    runs = {}
    for path in sorted(glob.glob(os.path.join(OUT, "dd-*.txt"))):
        for row in open(path):
            label, _, line = row.rstrip("\n").partition("\t")
            v = dd_mb_per_s(line)
            if v is not None:
                runs.setdefault(label, []).append(v)
    return runs


def load_jmh(pattern):
    """(benchmark, params, threads) -> {'ops': [...], 'mb': [...], 'unit': str} over all iterations."""
    out = {}
    for path in sorted(glob.glob(os.path.join(OUT, pattern))):
        if os.path.getsize(path) == 0:
            continue
        for e in json.load(open(path)):
            key = (e["benchmark"].split(".")[-2] + "." + e["benchmark"].split(".")[-1],
                   tuple(sorted(e.get("params", {}).items())), e["threads"])
            slot = out.setdefault(key, {"ops": [], "mb": [], "unit": e["primaryMetric"]["scoreUnit"]})
            for fork in e["primaryMetric"]["rawData"]:
                slot["ops"].extend(fork)
            mb = e.get("secondaryMetrics", {}).get("mb")
            if mb:
                for fork in mb["rawData"]:
                    slot["mb"].extend(fork)
    return out


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def rng(xs):
    return f"{min(xs):,.0f}–{max(xs):,.0f}" if xs else ""


def fmt(x, digits=0):
    return f"{x:,.{digits}f}"


def param(key, name):
    return dict(key[1]).get(name)


dd = load_dd()
print(open(os.path.join(OUT, "machine.txt")).read() if os.path.exists(os.path.join(OUT, "machine.txt")) else "")

print("## Raw disk (dd), MB/s, median over rounds\n")
print("| dd | median MB/s | rounds |")
print("|---|---:|---|")
for label, xs in dd.items():
    print(f"| {label} | {fmt(med(xs))} | {', '.join(fmt(x) for x in xs)} |")
print()

DSYNC = {16384: "dsync-write-16k", 262144: "dsync-write-256k", 1048576: "dsync-write-1M"}
append = load_jmh("append-*.json")
print("## Log.appendAsLeader, one appender, MB/s (median of all 1 s iterations over all rounds)\n")
print("| flush.policy | record | batch | MB/s median | MB/s range | appends/s | raw-disk match | dd MB/s | ratio |")
print("|---|---:|---:|---:|---:|---:|---|---:|---:|")
for key in sorted(append, key=lambda k: (param(k, "flushPolicy"), -int(param(k, "recordBytes")), int(param(k, "batchBytes")))):
    policy, rec, batch = param(key, "flushPolicy"), int(param(key, "recordBytes")), int(param(key, "batchBytes"))
    v = append[key]
    match = DSYNC[batch] if policy == "fsync" else "pagecache-write-1M"
    raw = med(dd.get(match, []))
    print(f"| {policy} | {rec} B | {batch // 1024} KB | {fmt(med(v['mb']))} | {rng(v['mb'])} | {fmt(med(v['ops']))} "
          f"| {match} | {fmt(raw)} | {med(v['mb']) / raw:.2f} |")
print()


def iteration_ops(log_path):
    total = 0.0
    for line in open(log_path):
        m = re.match(r"^(?:# Warmup )?Iteration\s+\d+: ([\d.,]+) ops/s", line)
        if m:
            total += float(m.group(1).replace(",", ""))
    return total  # iterations last 1 s, so ops/s summed = ops


print("## Group commit: appends under flush.policy=fsync from 1 or 4 threads, 1 KB records\n")
print("| batch | threads | appends/s median | MB/s median | appends per fdatasync | raw-disk match | dd MB/s | ratio |")
print("|---:|---:|---:|---:|---:|---|---:|---:|")
for batch in (16384, 262144):
    for t in (1, 4):
        runs = sorted(glob.glob(os.path.join(OUT, f"group-commit-b{batch}-t{t}-*.json")))
        if not runs:
            continue
        data = {"ops": [], "mb": []}
        per_fsync = []
        for path in runs:
            for v in load_jmh(os.path.basename(path)).values():
                data["ops"].extend(v["ops"])
                data["mb"].extend(v["mb"])
            perf = path[:-5] + ".perf"
            if os.path.exists(perf):
                counts = [int(l.split(",")[0]) for l in open(perf) if "fdatasync" in l and l.split(",")[0].isdigit()]
                if counts and counts[0] > 0:
                    per_fsync.append(iteration_ops(path[:-5] + ".log") / counts[0])
        raw = med(dd.get(DSYNC[batch], []))
        pf = f"{med(per_fsync):.2f}" if per_fsync else "n/a"
        print(f"| {batch // 1024} KB | {t} | {fmt(med(data['ops']))} | {fmt(med(data['mb']))} | {pf} "
              f"| {DSYNC[batch]} | {fmt(raw)} | {med(data['mb']) / raw:.2f} |")
print()

rows = load_jmh("read.json")
if rows:
    raw = med(dd.get("pagecache-read-1M", []))
    print("## Sequential Log.read, 1 MB max bytes, 256 MB log in the page cache\n")
    print("| batch in log | consumer | MB/s median | MB/s range | reads/s | dd page-cache read MB/s | ratio |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for key in sorted(rows, key=lambda k: (k[0], -int(param(k, "batchBytes")))):
        v = rows[key]
        print(f"| {int(param(key, 'batchBytes')) // 1024} KB | {key[0].split('.')[1]} | {fmt(med(v['mb']))} "
              f"| {rng(v['mb'])} | {fmt(med(v['ops']))} | {fmt(raw)} | {med(v['mb']) / raw:.2f} |")
    print()

rows = load_jmh("index.json")
if rows:
    print("## Random access, 128 MB log of ~0.9 KB batches\n")
    print("| op | ops/s median | range |")
    print("|---|---:|---:|")
    for key, v in sorted(rows.items()):
        print(f"| {key[0].split('.')[1]} | {fmt(med(v['ops']))} | {rng(v['ops'])} |")
    print()

for name, title in (("open-warm", "warm JIT (3 warm-up opens, 15 measured)"),
                    ("open-cold", "first open in a fresh JVM (5 JVMs)")):
    rows = load_jmh(name + ".json")
    if rows:
        print(f"## LogManager.open, 1,000 partitions, {title}, ms\n")
        print("| shutdown before | median ms | min–max ms | n |")
        print("|---|---:|---:|---:|")
        for key, v in sorted(rows.items()):
            print(f"| {param(key, 'shutdown')} | {fmt(med(v['ops']))} | {rng(v['ops'])} | {len(v['ops'])} |")
        print()

rows = load_jmh("roll.json")
if rows:
    print("## The append that rolls a full 1 GiB segment, flush.policy=interval, ms\n")
    print("| median ms | min–max ms | n |")
    print("|---:|---:|---:|")
    for v in rows.values():
        print(f"| {fmt(med(v['ops']))} | {rng(v['ops'])} | {len(v['ops'])} |")
    print()
