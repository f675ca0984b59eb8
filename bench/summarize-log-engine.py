#!/usr/bin/env python3
"""Turns the files written by bench/log-engine.sh into Markdown tables.

Usage: python3 bench/summarize-log-engine.py bench-results/log-engine-<time> [more result dirs...]
(several directories are pooled: their rounds count as separate rounds)

MB is 10^6 bytes throughout, as dd reports it. A skiff figure is the median of its 1 s iterations;
over several rounds, the median of all of them. A ratio to raw disk is taken within each round
(skiff's median in that round over the mean of that round's dd runs of the same kind, which ran
right before and after it), and the table shows the median of those per-round ratios.
"""
import glob
import json
import os
import re
import statistics
import sys

DIRS = sys.argv[1:]
DSYNC = {16384: "dsync-write-16k", 262144: "dsync-write-256k", 1048576: "dsync-write-1M"}


def med(xs):
    return statistics.median(xs) if xs else float("nan")


def fmt(x, digits=0):
    return f"{x:,.{digits}f}" if x == x else "n/a"


def rng(xs):
    return f"{fmt(min(xs))}–{fmt(max(xs))}" if xs else ""


def round_of(path):
    """Rounds are numbered per directory; (directory, number) tells them apart when pooling."""
    return os.path.dirname(path), int(re.search(r"-(\d+)\.\w+$", path).group(1))


def files(pattern):
    return sorted(p for d in DIRS for p in glob.glob(os.path.join(d, pattern)))


def load_dd():
    """round -> label -> [MB/s]"""
    out = {}
    for path in files("dd-*.txt"):
        for row in open(path):
            label, _, line = row.rstrip("\n").partition("\t")
            m = re.match(r"(\d+) bytes .* copied, ([\d.]+) s", line)
            if m:
                out.setdefault(round_of(path), {}).setdefault(label, []).append(
                    int(m.group(1)) / float(m.group(2)) / 1e6)
    return out


def load_jmh(path):
    """(benchmark, params, threads) -> {'ops': [...], 'mb': [...]} for every iteration in one file."""
    out = {}
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return out
    merge_into(out, path)
    return out


def load_all(name):
    """Like load_jmh, pooling the file of that name from every directory."""
    out = {}
    for path in files(name):
        if os.path.getsize(path) > 0:
            merge_into(out, path)
    return out


def merge_into(out, path):
    for e in json.load(open(path)):
        name = ".".join(e["benchmark"].split(".")[-2:])
        key = (name, tuple(sorted(e.get("params", {}).items())), e["threads"])
        slot = out.setdefault(key, {"ops": [], "mb": []})
        for fork in e["primaryMetric"]["rawData"]:
            slot["ops"].extend(fork)
        mb = e.get("secondaryMetrics", {}).get("mb")
        if mb:
            for fork in mb["rawData"]:
                slot["mb"].extend(fork)


def param(key, name):
    return dict(key[1]).get(name)


def by_round(pattern):
    """key -> round -> {'ops': [...], 'mb': [...]}"""
    out = {}
    for path in files(pattern):
        for key, v in load_jmh(path).items():
            out.setdefault(key, {})[round_of(path)] = v
    return out


def all_of(rounds, metric):
    return [x for v in rounds.values() for x in v[metric]]


def paired_ratios(rounds, dd, label):
    ratios = []
    for r, v in sorted(rounds.items()):  # r is (directory, round)
        raw = dd.get(r, {}).get(label)
        if raw and v["mb"]:
            ratios.append(med(v["mb"]) / statistics.mean(raw))
    return ratios


dd = load_dd()
for machine in files("machine.txt"):
    print("```\n" + open(machine).read().strip() + "\n```\n")

print("## Raw disk (dd), MB/s\n")
print("| dd | median MB/s | min–max | runs |")
print("|---|---:|---:|---:|")
labels = []
for r in sorted(dd):
    labels += [l for l in dd[r] if l not in labels]
for label in labels:
    xs = [x for r in dd for x in dd[r].get(label, [])]
    print(f"| {label} | {fmt(med(xs))} | {rng(xs)} | {len(xs)} |")
print()

appends = by_round("append-fsync-b*-*.json")
for k, v in by_round("append-interval-*.json").items():
    appends.setdefault(k, {}).update(v)
print("## Log.appendAsLeader, one appender\n")
print("| flush.policy | record | batch | MB/s median | MB/s min–max | appends/s | raw-disk match | dd MB/s median "
      "| ratio (per-round median) |")
print("|---|---:|---:|---:|---:|---:|---|---:|---:|")
for key in sorted(appends, key=lambda k: (param(k, "flushPolicy"), -int(param(k, "recordBytes")),
                                          int(param(k, "batchBytes")))):
    policy, rec, batch = param(key, "flushPolicy"), int(param(key, "recordBytes")), int(param(key, "batchBytes"))
    rounds = appends[key]
    match = DSYNC[batch] if policy == "fsync" else "pagecache-write-1M"
    raw = [x for r in dd for x in dd[r].get(match, [])]
    ratios = paired_ratios(rounds, dd, match)
    mb = all_of(rounds, "mb")
    print(f"| {policy} | {rec} B | {batch // 1024} KB | {fmt(med(mb))} | {rng(mb)} | {fmt(med(all_of(rounds, 'ops')))} "
          f"| {match} | {fmt(med(raw))} | {med(ratios):.2f} ({', '.join(f'{x:.2f}' for x in ratios)}) |")
print()


def logged_ops(log_path):
    """Appends over a whole run (warm-up included): iterations last 1 s, so ops/s sum to ops."""
    total = 0.0
    for line in open(log_path):
        m = re.match(r"^(?:# Warmup )?Iteration\s+\d+: ([\d.,]+) ops/s", line)
        if m:
            total += float(m.group(1).replace(",", ""))
    return total


print("## Group commit: appends under flush.policy=fsync from 1 or 4 threads, 1 KB records\n")
print("| batch | threads | appends/s median | MB/s median | appends per fdatasync | raw-disk match | dd MB/s median "
      "| ratio (per-round median) |")
print("|---:|---:|---:|---:|---:|---|---:|---:|")
for batch in (16384, 262144):
    for t in (1, 4):
        rounds, per_fsync = {}, []
        for path in files(f"group-commit-b{batch}-t{t}-*.json"):
            for v in load_jmh(path).values():
                rounds[round_of(path)] = v
            perf = path[:-5] + ".perf"
            if os.path.exists(perf):
                counts = [int(l.split(",")[0]) for l in open(perf) if "fdatasync" in l and l.split(",")[0].isdigit()]
                if counts and counts[0] > 0:
                    per_fsync.append(logged_ops(path[:-5] + ".log") / counts[0])
        if not rounds:
            continue
        raw = [x for r in dd for x in dd[r].get(DSYNC[batch], [])]
        ratios = paired_ratios(rounds, dd, DSYNC[batch])
        pf = f"{med(per_fsync):.2f}" if per_fsync else "n/a"
        print(f"| {batch // 1024} KB | {t} | {fmt(med(all_of(rounds, 'ops')))} | {fmt(med(all_of(rounds, 'mb')))} | {pf} "
              f"| {DSYNC[batch]} | {fmt(med(raw))} | {med(ratios):.2f} ({', '.join(f'{x:.2f}' for x in ratios)}) |")
print()

rows = load_all("read.json")
if rows:
    raw = med([x for r in dd for x in dd[r].get("pagecache-read-1M", [])])
    print("## Sequential Log.read, 1 MB max bytes, 256 MB log in the page cache\n")
    print("| batches in the log | consumer | MB/s median | MB/s min–max | reads/s | dd page-cache read MB/s | ratio |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for key in sorted(rows, key=lambda k: (k[0], -int(param(k, "batchBytes")))):
        v = rows[key]
        print(f"| {int(param(key, 'batchBytes')) // 1024} KB | {key[0].split('.')[1]} | {fmt(med(v['mb']))} "
              f"| {rng(v['mb'])} | {fmt(med(v['ops']))} | {fmt(raw)} | {med(v['mb']) / raw:.2f} |")
    print()

rows = load_all("index.json")
if rows:
    print("## Random access, 128 MB log of ~0.9 KB batches\n")
    print("| op | ops/s median | min–max |")
    print("|---|---:|---:|")
    for key, v in sorted(rows.items()):
        print(f"| {key[0].split('.')[1]} | {fmt(med(v['ops']))} | {rng(v['ops'])} |")
    print()

for name, title in (("open-warm", "warm JIT (3 warm-up opens, then 15 measured)"),
                    ("open-cold", "first open in a fresh JVM (one per JVM)")):
    rows = load_all(name + ".json")
    if rows:
        print(f"## LogManager.open of 1,000 partitions, {title}\n")
        print("| shutdown before | median ms | min–max ms | opens |")
        print("|---|---:|---:|---:|")
        for key, v in sorted(rows.items()):
            print(f"| {param(key, 'shutdown')} | {fmt(med(v['ops']))} | {rng(v['ops'])} | {len(v['ops'])} |")
        print()

rows = load_all("roll.json")
if rows:
    print("## The append that rolls a full 1 GiB segment, flush.policy=interval\n")
    print("| median ms | min–max ms | rolls |")
    print("|---:|---:|---:|")
    for v in rows.values():
        print(f"| {fmt(med(v['ops']))} | {rng(v['ops'])} | {len(v['ops'])} |")
    print()
