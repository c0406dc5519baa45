"""The side-by-side benchmark's Markdown report from bench/run's raw rows: per system the range
over the rounds of each figure, the latencies added to the mock backend's own (the "direct" rows
of the same round), and the resident set at the end. Usage: python3 report.py RESULTS.tsv"""
import csv
import sys
from collections import defaultdict

rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
rss = {line.split("\t")[1]: line.split("\t")[2:] for line in open(sys.argv[1] + ".rss").read().splitlines()}
by = defaultdict(list)
direct = {}
for row in rows:
    by[(row["system"], row["case"])].append(row)
    if row["system"] == "direct":
        direct[(row["round"], row["case"])] = row


def span(values, digits):
    values = [v for v in values if v is not None]
    if not values:
        return "—"
    low, high = min(values), max(values)
    text = lambda v: f"{v:,.{digits}f}"
    return text(low) if text(low) == text(high) else f"{text(low)}–{text(high)}"


def added(system, case, field):
    out = []
    for row in by[(system, case)]:
        base = direct.get((row["round"], case))
        if row[field] and base and base[field]:
            out.append(float(row[field]) - float(base[field]))
    return out


def values(system, case, field):
    return [float(row[field]) for row in by[(system, case)] if row[field]]


def cpu(system, case):
    main, tree = span(values(system, case, "cpu_ms_per_call"), 3), span(values(system, case, "tree_cpu_ms_per_call"), 3)
    return main if main == tree else f"{main} (tree {tree})"


systems = list(dict.fromkeys(row["system"] for row in rows))
loads = [float(row["load"]) for row in rows]
print(f"Load average (1 min) during the windows: {min(loads):.2f}–{max(loads):.2f}; "
      f"{len(set(row['round'] for row in rows))} interleaved rounds.\n")
print("| system | c=1, same prompt: added p50 / p99 ms | c=16, 0 ms, same prompt: req/s | CPU ms per call | "
      "c=16, 0 ms, same prompt, streamed: req/s | CPU ms per streamed call | "
      "c=16, 0 ms, new prompt each call: req/s | CPU ms per call | c=64, 20 ms, new prompts: req/s | CPU ms per call | "
      "streamed, c=1: added TTFT p50 / p99 ms | CPU ms per streamed call | RSS MiB at the end | errors |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for system in systems:
    errors = sum(int(row["errors"] or 0) for row in rows if row["system"] == system)
    rss_main, rss_tree = rss.get(system, ["—", "—"])
    if system == "direct":
        c1 = f"{span(values(system, 'c1-same', 'p50_ms'), 2)} / {span(values(system, 'c1-same', 'p99_ms'), 2)} (own)"
        ttft = f"{span(values(system, 'stream-ttft', 'p50_ms'), 2)} / {span(values(system, 'stream-ttft', 'p99_ms'), 2)} (own)"
    else:
        c1 = f"{span(added(system, 'c1-same', 'p50_ms'), 2)} / {span(added(system, 'c1-same', 'p99_ms'), 2)}"
        ttft = f"{span(added(system, 'stream-ttft', 'p50_ms'), 2)} / {span(added(system, 'stream-ttft', 'p99_ms'), 2)}"
        if ttft == "— / —":
            ttft = "streams failed"
    stream_cpu = cpu(system, 'stream-ttft') if ttft != "streams failed" else "—"
    print(f"| {system} | {c1} | {span(values(system, 'c16-same', 'rps'), 0)} | {cpu(system, 'c16-same')} | "
          f"{span(values(system, 'c16-same-stream', 'rps'), 0)} | {cpu(system, 'c16-same-stream')} | "
          f"{span(values(system, 'c16-new', 'rps'), 0)} | {cpu(system, 'c16-new')} | "
          f"{span(values(system, 'c64-new-20ms', 'rps'), 0)} | {cpu(system, 'c64-new-20ms')} | {ttft} | {stream_cpu} | "
          f"{rss_main if rss_main == rss_tree else f'{rss_main} (tree {rss_tree})'} | {errors} |")
