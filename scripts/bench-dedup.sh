#!/usr/bin/env bash
# Dedup through the product path (issue 15): `copydesk run` with
# examples/pipelines/dedup-jsonl.toml over corpora that
# ../shared/eval/dedup_gen.py scale builds, at each size given (default 30000
# and 300000 documents). Prints documents/s, CPU, peak RSS and stage times,
# and the scorer's precision / recall / F1 at J >= 0.8 against the
# generator's truth, for corpus_verify = exact (the example pipeline) and
# estimate. With DATASKETCH=1 (needs a Python with datasketch, e.g.
# PYTHON=.venv/bin/python), datasketch's baseline on the same corpus too.
#   scripts/bench-dedup.sh 30000 300000
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared
[ -d "$shared/eval" ] || { echo "needs ../shared/eval (the generator and the scorer)"; exit 1; }
python=${PYTHON:-python3}
cargo build --release --quiet
work=target/bench-dedup
mkdir -p "$work"
# the same pipeline with estimated cross-part pairs (beside it, so that its relative paths hold)
sed 's/^scope = "corpus"/scope = "corpus"\ncorpus_verify = "estimate"/' \
    examples/pipelines/dedup-jsonl.toml > examples/pipelines/.bench-estimate.toml
trap 'rm -f examples/pipelines/.bench-estimate.toml' EXIT
for n in "${@:-30000 300000}"; do
    corpus="$work/s$n/corpus.jsonl"
    if [ ! -f "$corpus" ]; then
        python3 "$shared/eval/dedup_gen.py" scale --source "$shared/data/dedup-dev/corpus.jsonl" \
            --out "$work/s$n" --n "$n" --seed 7 >/dev/null
    fi
    for mode in exact estimate; do
        pipeline=examples/pipelines/dedup-jsonl.toml
        [ "$mode" = estimate ] && pipeline=examples/pipelines/.bench-estimate.toml
        out="$work/out-$n-$mode"
        rm -rf "$out"
        COPYDESK_INPUT="$PWD/$corpus" /usr/bin/time -v target/release/copydesk run "$pipeline" \
            --output "$out" --quiet 2> "$work/time-$n-$mode.txt"
        scripts/dedup-pairs.py "$out" > "$work/pred-$n-$mode.jsonl"
        score=$(python3 "$shared/eval/dedup_eval.py" --corpus "$corpus" --truth "$work/s$n/truth.jsonl" \
            --pred "$work/pred-$n-$mode.jsonl" --thresholds 0.8 | awk '$1 == "0.80" {print "P " $9 " R " $10 " F1 " $11}')
        python3 - "$n" "$mode" "$corpus" "$work/time-$n-$mode.txt" "$out/run.json" "$score" <<'PY'
import json, os, re, sys
n, mode, corpus, timef, runf, score = sys.argv[1:7]
t = open(timef).read()
wall = t.split("Elapsed (wall clock) time (h:mm:ss or m:ss):")[1].split("\n")[0].strip()
secs = sum(float(p) * 60 ** i for i, p in enumerate(reversed(wall.split(":"))))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
cpu = float(re.search(r"User time \(seconds\): ([\d.]+)", t).group(1)) + float(re.search(r"System time \(seconds\): ([\d.]+)", t).group(1))
run = json.load(open(runf))
stages = ", ".join(f"{s['stage']} {s['seconds']:.1f}s" for s in run["timings"]["stages"])
mb = os.path.getsize(corpus) / 1e6
print(f"{int(n)} docs ({mb:.0f} MB), corpus_verify = {mode}: {secs:.1f} s wall, {cpu:.1f} s CPU, "
      f"{int(n)/secs:.0f} docs/s, peak RSS {rss:.0f} MB, {run['bundles']} bundles; {score}; stage time: {stages}")
PY
    done
    if [ "${DATASKETCH:-0}" = 1 ]; then
        "$python" "$shared/eval/dedup_eval.py" --corpus "$corpus" --truth "$work/s$n/truth.jsonl" \
            --baseline datasketch --thresholds 0.8 | grep -E "wall|0\.80 " | sed "s/^/datasketch $n: /"
    fi
done
