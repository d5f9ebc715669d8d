#!/usr/bin/env bash
# The GPU measurements of issue #21, in one go, on a lent GPU machine (see README.md).
#   OUT=/some/folder benchmarks/gpu/run.sh        (from the repository root)
# Writes under $OUT: environment.txt, attacks-*.json, run-throughput.json, gpu-inference.json,
# and one .log per step. Each step is bounded by `timeout` (530 s in all, so the whole script
# fits one 600-second device command); a slow or failed step is logged and the script goes on.
set -u
OUT="${OUT:?set OUT to the folder for the results}"
mkdir -p "$OUT"
export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"
export METACOMPRESS_SHARED_DATA="${METACOMPRESS_SHARED_DATA:-$PWD/shared/data}"
[ -d "$METACOMPRESS_SHARED_DATA/devign" ] || METACOMPRESS_SHARED_DATA="$PWD/../shared/data"

step() {  # step NAME SECONDS COMMAND...
  local name=$1 limit=$2; shift 2
  echo "== $name (limit ${limit}s): $*" | tee -a "$OUT/steps.txt"
  local start=$SECONDS
  timeout "$limit" "$@" >"$OUT/$name.log" 2>&1
  echo "   exit $? after $((SECONDS - start))s" | tee -a "$OUT/steps.txt"
}

{
  date -u; nvidia-smi; python -V
  python -c "import torch, transformers; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), 'transformers', transformers.__version__)"
  python -c "import metacompress; print('metacompress', metacompress.__file__)"
  echo "shared data: $METACOMPRESS_SHARED_DATA"; ls "$METACOMPRESS_SHARED_DATA"
} >"$OUT/environment.txt" 2>&1
python -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" \
  || { echo "no CUDA device: see $OUT/environment.txt"; exit 2; }

# 1. The attack engine against its sequential mode (the open 5x target), victim on the GPU:
#    the benchmark's small victim, then a 12-layer, 768-hidden victim at 512 tokens.
step attacks-small 100 python benchmarks/attacks/bench_attacks.py --device cuda \
  --examples 40 --budget 2000 --methods mhm,alert --modes sequential,engine --repeat 1 \
  --work /tmp/mc-gpu-attacks --out "$OUT/attacks-small.json"
step attacks-125m 170 python benchmarks/attacks/bench_attacks.py --device cuda \
  --layers 12 --hidden 768 --max-length 512 --examples 20 --budget 1000 --methods mhm,alert \
  --modes sequential,engine --repeat 1 --work /tmp/mc-gpu-attacks --out "$OUT/attacks-125m.json"

# 2. Run throughput against the pure-inference lower bound, both models on the GPU.
step run-throughput 110 python benchmarks/pipeline/bench_run.py --device cuda --n 200 \
  --runs local:1 --out "$OUT/run-throughput.json"

# 3. The inference engine in float32 / float16 / bfloat16, and the out-of-memory back-off.
step gpu-inference 150 python benchmarks/gpu/bench_gpu.py --n 512 --oom-inputs 16384 \
  --out "$OUT/gpu-inference.json"

cp "$OUT/steps.txt" "$OUT/summary.txt"
