#!/usr/bin/env bash
# Batch benchmark (issue 3): the default chain over N documents in N/10
# bundles, generated from real newswire sentences by ../shared/eval/dedup_gen.py.
# Prints documents/s, MB/s, peak RSS and time per stage.
#   scripts/bench-batch.sh 10000 100000
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared
[ -d "$shared/eval" ] || { echo "needs ../shared/eval (the generator)"; exit 1; }
cargo build --release --quiet
work=target/bench-batch
mkdir -p "$work"
for n in "${@:-10000}"; do
    corpus="$work/corpus-$n.jsonl"
    if [ ! -f "$corpus" ]; then
        python3 "$shared/eval/dedup_gen.py" scale --source "$shared/data/dedup-dev/corpus.jsonl" --out "$work/gen-$n" --n "$n" --seed 11 >/dev/null
        python3 - "$work/gen-$n/corpus.jsonl" "$corpus" <<'PY'
import json, sys
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as out:
    for i, line in enumerate(f):
        r = json.loads(line)
        r["bundle"] = "b%05d" % (i // 10)
        out.write(json.dumps(r) + "\n")
PY
    fi
    out="$work/out-$n"
    rm -rf "$out"
    mb=$(python3 -c "import os,sys; print(os.path.getsize(sys.argv[1])/1e6)" "$corpus")
    COPYDESK_INPUT="$PWD/$corpus" /usr/bin/time -v target/release/copydesk run examples/pipelines/batch-jsonl.toml \
        --output "$out" --quiet 2> "$work/time-$n.txt" || true
    python3 - "$n" "$mb" "$work/time-$n.txt" "$out/run.json" <<'PY'
import json, re, sys
n, mb, timef, runf = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4]
t = open(timef).read()
wall = t.split("Elapsed (wall clock) time (h:mm:ss or m:ss):")[1].split("\n")[0].strip()
parts = [float(x) for x in wall.split(":")]
secs = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
cpu = float(re.search(r"User time \(seconds\): ([\d.]+)", t).group(1)) + float(re.search(r"System time \(seconds\): ([\d.]+)", t).group(1))
run = json.load(open(runf))
stages = ", ".join(f"{s['stage']} {s['seconds']:.1f}s" for s in run["timings"]["stages"])
print(f"{n} docs in {run['bundles']} bundles ({mb:.0f} MB): {secs:.1f} s wall, {cpu:.1f} s CPU, "
      f"{n/secs:.0f} docs/s, {mb/secs:.2f} MB/s, peak RSS {rss:.0f} MB, errors {run['errors']}; stage time (summed over workers): {stages}")
PY
done
