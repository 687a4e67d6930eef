#!/usr/bin/env python3
"""Turns a copydesk output directory into the pairs `dedup_eval.py --pred` reads.

Every document with `duplicate_of` is linked to its canonical document; the
connected documents form clusters, printed as `{"cluster": [ids]}` (with
`--pairs`, one `{"a", "b"}` line per link instead), in the ids of the input
records (the `<bundle>/` prefix copydesk adds, a part `corpus@00002/`
included, is removed).

    scripts/dedup-pairs.py OUT > pred.jsonl
"""
import json
import pathlib
import sys

args = [a for a in sys.argv[1:] if a != "--pairs"]
out = pathlib.Path(args[0])
original = {}
pairs = []
for f in sorted(out.glob("*/documents.jsonl")):
    with open(f) as docs:
        for line in docs:
            d = json.loads(line)
            prefix = d["bundle"] + "/"
            original[d["id"]] = d["id"][len(prefix):] if d["id"].startswith(prefix) else d["id"]
            if d.get("duplicate_of"):
                pairs.append((d["id"], d["duplicate_of"]))
if "--pairs" in sys.argv:
    for a, b in pairs:
        print(json.dumps({"a": original[a], "b": original[b]}))
    sys.exit(0)
# a canonical document of a bundle can itself be a duplicate of an earlier
# bundle's: links chain, so clusters are the connected components
parent = {}
def find(x):
    while parent.setdefault(x, x) != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x
for a, b in pairs:
    ra, rb = find(a), find(b)
    if ra != rb:
        parent[max(ra, rb)] = min(ra, rb)
clusters = {}
for d in list(parent):
    clusters.setdefault(find(d), []).append(d)
for root in sorted(clusters):
    print(json.dumps({"cluster": sorted(original[d] for d in clusters[root])}))
