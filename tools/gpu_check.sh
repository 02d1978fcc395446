#!/usr/bin/env bash
# Run tmgg's integration checks on a GPU machine, with whatever torch and Lightning it has.
#
#   tools/gpu_check.sh [OUTDIR]
#
# 1. Every base and stage config: compose, instantiate with trainer.accelerator=gpu,
#    and a forward pass on the GPU (tests/test_config_composition.py).
# 2. Every runner: two training steps on the GPU (tests/test_runner_integration.py).
# 3. The main experiment (tmgg-spectral, default settings) trained on the GPU.
# Both test files read TMGG_TEST_ACCELERATOR; CPU is their default. Installs nothing:
# put hydra-core and omegaconf on PYTHONPATH if the machine lacks them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=${1:-gpu-check}
mkdir -p "$out"
export TMGG_TEST_ACCELERATOR=gpu PYTHONUNBUFFERED=1 TMGG_CONFIG_DIR=$PWD/configs
python3 - <<'PY'
import torch, pytorch_lightning, hydra
assert torch.cuda.is_available(), "no CUDA device visible"
print(f"gpu-check: {torch.cuda.get_device_name(0)}; torch {torch.__version__}, "
      f"pytorch-lightning {pytorch_lightning.__version__}, hydra {hydra.__version__}")
PY
workers=$(( $(nproc) < 8 ? $(nproc) : 8 ))
python3 -m pytest -p no:cacheprovider -q -n "$workers" -m integration \
  tests/test_config_composition.py tests/test_runner_integration.py 2>&1 | tee "$out/integration.log"
start=$(date +%s)
PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}" python3 -c \
  'import sys; from tmgg.runners import base_config_spectral as main; sys.argv[0] = "tmgg-spectral"; main()' \
  trainer.accelerator=gpu "paths.root_dir=$out/runs" trainer.enable_progress_bar=false 2>&1 | tee "$out/experiment.log"
echo "gpu-check: main experiment took $(( $(date +%s) - start )) s"
