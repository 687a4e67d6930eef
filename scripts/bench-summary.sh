#!/usr/bin/env bash
# Summary speed through the product path (issue 15): the 10 DUC 2007 topics
# of ../shared/data/duc2007-update, each topic's A, B and C document sets
# merged into one cluster (25 documents after exact copies), copied into
# target/bench-summary/ (never committed). Prints, for --words (default 250):
#   - ms per cluster of each stage of `copydesk run` (parse, dedup, summary;
#     --jobs 1, from run.json), for each of 3 runs;
#   - ms per cluster of `copydesk summarize DIR --words N` end to end (process
#     start, plugin loading and the three stages), for each of 3 passes over
#     the 10 clusters.
#   scripts/bench-summary.sh [WORDS]
set -euo pipefail
cd "$(dirname "$0")/.."
data=../shared/data/duc2007-update
[ -d "$data" ] || { echo "needs $data"; exit 1; }
words=${1:-250}
cargo build --release --quiet
work=target/bench-summary
rm -rf "$work/clusters"
mkdir -p "$work/clusters"
for a in "$data"/*-A; do
    topic=$(basename "$a" -A)
    mkdir -p "$work/clusters/$topic"
    for s in A B C; do
        cp "$data/$topic-$s"/docs/* "$work/clusters/$topic/"
    done
done
cat > "$work/pipeline.toml" <<TOML
[input]
path = "clusters"
[output]
dir = "out"
formats = ["json"]
[run]
plugin_paths = ["../release"]
jobs = 1
[[stage]]
plugin = "parse"
[[stage]]
plugin = "dedup"
[[stage]]
plugin = "summary"
[stage.options]
words = $words
TOML
best=""
for i in 1 2 3; do
    rm -rf "$work/out"
    target/release/copydesk run "$work/pipeline.toml" --quiet
    row=$(python3 - "$work/out/run.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(" ".join(f"{s['stage']}={s['seconds'] / r['bundles'] * 1000:.2f}" for s in r["timings"]["stages"]), r["bundles"], r["documents"])
PY
)
    echo "run $i: ms per cluster: $row"
done
for i in 1 2 3; do
    start=$(date +%s.%N)
    for d in "$work"/clusters/*; do
        target/release/copydesk summarize "$d" --words "$words" > /dev/null
    done
    end=$(date +%s.%N)
    python3 -c "import sys; print(f'summarize pass $i: {(float(sys.argv[2]) - float(sys.argv[1])) / 10 * 1000:.1f} ms per cluster, end to end')" "$start" "$end"
done
