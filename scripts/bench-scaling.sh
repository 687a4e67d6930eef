#!/usr/bin/env bash
# Scaling benchmark ("linear everywhere"): the default pipeline (pipeline.toml:
# parse, dedup, summary, quotes) over
#   - one plain-text document of 2 MB, 20 MB and 200 MB (1x, 10x, 100x), and
#   - one bundle of 20, 200 and 2,000 documents (1x, 10x, 100x),
# made of real newswire sentences: ../shared/eval/dedup_gen.py shuffles the
# sentences of ../shared/data/dedup-dev/corpus.jsonl into new documents, so
# the text is real but no document repeats another. Everything generated goes
# to target/bench-scaling/ (never committed).
#
# Prints one row per input: seconds per stage (run.json timings.stages), total
# wall time and peak RSS (/usr/bin/time -v). Time should grow ~linearly: about
# 10x per row within each group.
#
#   scripts/bench-scaling.sh              # all six inputs
#   scripts/bench-scaling.sh doc          # only the single documents
#   scripts/bench-scaling.sh bundle       # only the bundles
#   SIZES_MB="2 20" BUNDLES="20 200" scripts/bench-scaling.sh
#   NO_BUILD=1 scripts/bench-scaling.sh   # use the binaries already built
set -euo pipefail
cd "$(dirname "$0")/.."
shared=../shared
[ -d "$shared/eval" ] || { echo "needs ../shared/eval (the generator) and ../shared/data/dedup-dev"; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (GNU time) for peak RSS"; exit 1; }
what=${1:-all}
sizes=${SIZES_MB:-2 20 200}
bundles=${BUNDLES:-20 200 2000}
if [ -z "${NO_BUILD:-}" ]; then
    nice -n 15 cargo build --release --quiet -p copydesk -p copydesk-parse-plugin \
        -p copydesk-dedup-plugin -p copydesk-summary-plugin -p copydesk-quotes-plugin
fi
work=target/bench-scaling
mkdir -p "$work"

# ~75,000 generated documents (~230 MB): enough text for the 200 MB document.
gen="$work/gen"
if [ ! -f "$gen/corpus.jsonl" ]; then
    python3 "$shared/eval/dedup_gen.py" scale --source "$shared/data/dedup-dev/corpus.jsonl" \
        --out "$gen" --n 75000 --seed 11 >/dev/null
fi

# Inputs: doc-<MB>mb.txt (documents joined by blank lines until the size is
# reached) and bundle-<N>/ (N documents, one .txt file each: one bundle).
python3 - "$gen/corpus.jsonl" "$work" "$sizes" "$bundles" <<'PY'
import json, os, sys
corpus, work, sizes, bundles = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4].split()
texts = []
def docs():
    with open(corpus) as f:
        for line in f:
            yield json.loads(line)["text"].strip()
for mb in sizes:
    path = os.path.join(work, f"doc-{mb}mb.txt")
    if os.path.exists(path):
        continue
    target, size = int(mb) * 1_000_000, 0
    with open(path + ".tmp", "w") as out:
        for t in docs():
            if size >= target:
                break
            out.write(t + "\n\n")
            size += len((t + "\n\n").encode())
    os.rename(path + ".tmp", path)
for n in bundles:
    d = os.path.join(work, f"bundle-{n}")
    if os.path.isdir(d):
        continue
    os.makedirs(d + ".tmp", exist_ok=True)
    for i, t in zip(range(int(n)), docs()):
        with open(os.path.join(d + ".tmp", f"{i:05d}.txt"), "w") as out:
            out.write(t + "\n")
    os.rename(d + ".tmp", d)
PY

inputs=()
case "$what" in
    all) for mb in $sizes; do inputs+=("doc-${mb}mb.txt"); done
         for n in $bundles; do inputs+=("bundle-$n"); done ;;
    doc) for mb in $sizes; do inputs+=("doc-${mb}mb.txt"); done ;;
    bundle) for n in $bundles; do inputs+=("bundle-$n"); done ;;
    *) echo "usage: $0 [all|doc|bundle]"; exit 2 ;;
esac

printf "%-16s %8s %8s %8s %8s %8s %9s %9s %5s\n" input MB parse dedup summary quotes "total s" "peak MB" errs
for name in "${inputs[@]}"; do
    in="$work/$name"
    out="$work/out-$name"
    rm -rf "$out"
    mb=$(du -sb "$in" | awk '{printf "%.0f", $1/1e6}')
    nice -n 15 /usr/bin/time -v target/release/copydesk run pipeline.toml \
        --input "$in" --output "$out" --quiet 2> "$work/time-$name.txt" >/dev/null || true
    python3 - "$name" "$mb" "$work/time-$name.txt" "$out/run.json" <<'PY'
import json, re, sys
name, mb, timef, runf = sys.argv[1:5]
t = open(timef).read()
wall = t.split("Elapsed (wall clock) time (h:mm:ss or m:ss):")[1].split("\n")[0].strip()
secs = sum(float(p) * 60 ** i for i, p in enumerate(reversed(wall.split(":"))))
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
try:
    run = json.load(open(runf))
except OSError:
    print(f"{name:<16} {mb:>8} run failed, see {timef}")
    sys.exit(0)
st = {s["stage"]: s["seconds"] for s in run["timings"]["stages"]}
cols = " ".join(f"{st.get(k, float('nan')):>8.2f}" for k in ("parse", "dedup", "summary", "quotes"))
print(f"{name:<16} {mb:>8} {cols} {secs:>9.1f} {rss:>9.0f} {run['errors']:>5}")
PY
done
