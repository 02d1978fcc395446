"""Time one forward + backward pass of every model config on CPU.

Usage (from the checkout; configs are found by ``tmgg.paths.config_dir()``)::

    TMGG_CONFIG_DIR=configs PYTHONPATH=src python -m bench.bench_models [--batch 32] [--nodes 50]

Each model is built from the ``net`` node of its ``configs/model/<family>/<name>.yaml``.
Input: a batch of random 0/1 symmetric graphs (edge probability 0.2, no self-loops),
loss: binary cross-entropy of the logits against the input. Timed by
``torch.utils.benchmark.Timer`` (one warm-up pass, then ``--repeats`` measurements of
one pass each; the median), on ``--threads`` CPU threads (2 by default, as in training).
Prints a markdown table: model | params | fwd+bwd ms (median) | IQR ms.
"""

from __future__ import annotations

import argparse

import hydra.utils
import torch
import torch.utils.benchmark as benchmark
from omegaconf import OmegaConf

from tmgg.paths import config_dir


def random_graphs(batch: int, nodes: int, seed: int = 0) -> torch.Tensor:
    """Random symmetric 0/1 adjacency matrices with zero diagonal, shape ``(batch, nodes, nodes)``."""
    generator = torch.Generator().manual_seed(seed)
    upper = (torch.rand(batch, nodes, nodes, generator=generator) < 0.2).float().triu(1)
    return upper + upper.transpose(-1, -2)


def step(net: torch.nn.Module, adj: torch.Tensor) -> None:
    """One forward + backward pass, gradients cleared first."""
    net.zero_grad(set_to_none=True)
    torch.nn.functional.binary_cross_entropy_with_logits(net(adj), adj).backward()


def time_step(net: torch.nn.Module, adj: torch.Tensor, repeats: int, threads: int) -> benchmark.Measurement:
    """``repeats`` timed passes of ``step`` after one warm-up, by torch's benchmark Timer."""
    timer = benchmark.Timer(stmt="step(net, adj)", globals={"step": step, "net": net, "adj": adj}, num_threads=threads)
    timer.timeit(1)  # warm-up: first-call allocations and lazy initialisation
    # One pass per measurement, merged: the median and IQR are over passes, as before.
    (merged,) = benchmark.Measurement.merge([timer.timeit(1) for _ in range(repeats)])
    return merged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--nodes", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.manual_seed(0)
    adj = random_graphs(args.batch, args.nodes)
    model_dir = config_dir() / "model"
    print(f"B={args.batch}, n={args.nodes}, {args.threads} threads, torch.utils.benchmark: median of {args.repeats} after 1 warm-up\n")
    print("| model | params | fwd+bwd ms | IQR ms |")
    print("|---|---:|---:|---:|")
    for path in sorted(model_dir.rglob("*.yaml")):
        net = hydra.utils.instantiate(OmegaConf.load(path).net)
        params = sum(p.numel() for p in net.parameters())
        measured = time_step(net, adj, args.repeats, args.threads)
        print(f"| {path.relative_to(model_dir).with_suffix('')} | {params:,} | {measured.median * 1e3:.1f} | {measured.iqr * 1e3:.1f} |")


if __name__ == "__main__":
    main()
