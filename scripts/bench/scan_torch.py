"""The selective scan in PyTorch (CPU), one position at a time, as state-spaces/mamba's
selective_scan_ref (its CPU path) runs it: the peer that scripts/bench/scan.ts times beside the
lab's fused kernels, on the same cells (batch, length, channels, state; forward, and forward with
the gradient of every input), and the scan inside step_torch.py's Vim.

Run with Debian's python and python3-torch:
  /usr/bin/python3 scripts/bench/scan_torch.py --channels 64,128 --lengths 64,256 --threads 1
Prints one JSON object.
"""

import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F


def selective_scan(u, delta, A, B, C, D=None, z=None, delta_bias=None, delta_softplus=False):
    """y_l = C_l · h_l + D u_l with h_l = exp(Δ_l A) h_{l−1} + Δ_l B_l u_l, then y ⊙ silu(z).
    u, delta, z: [b, l, d]; A: [d, n]; B, C: [b, l, n]; D, delta_bias: [d]."""
    if delta_bias is not None:
        delta = delta + delta_bias
    if delta_softplus:
        delta = F.softplus(delta)
    b, l, d = u.shape
    # unbind rather than indexing, whose backward would write a full-size gradient per position.
    deltaA = torch.exp(delta.unsqueeze(-1) * A).unbind(1)
    deltaBu = (delta.unsqueeze(-1) * B.unsqueeze(2) * u.unsqueeze(-1)).unbind(1)
    Cs = C.unsqueeze(2).unbind(1)
    h = u.new_zeros(b, d, A.shape[1])
    ys = []
    for i in range(l):
        h = deltaA[i] * h + deltaBu[i]
        ys.append((h * Cs[i]).sum(-1))
    y = torch.stack(ys, 1)
    if D is not None:
        y = y + u * D
    return y if z is None else y * F.silu(z)


def inputs(batch, length, channels, state, grad):
    """Mamba's full scan as scanTiming.ts draws it: D skip, z gate, delta bias, softplus."""
    g = torch.Generator().manual_seed(1)
    tokens, seq = (batch, length, channels), (batch, length, state)
    x = dict(
        u=torch.randn(tokens, generator=g),
        delta=torch.randn(tokens, generator=g) - 1,
        A=-(0.5 + 3.5 * torch.rand(channels, state, generator=g)),
        B=torch.randn(seq, generator=g),
        C=torch.randn(seq, generator=g),
        D=torch.randn(channels, generator=g),
        z=torch.randn(tokens, generator=g),
        delta_bias=0.5 * torch.randn(channels, generator=g),
    )
    return {k: v.requires_grad_(grad) for k, v in x.items()}


def time_cell(batch, length, channels, state, mode, reps, warmup):
    backward = mode == "forward+backward"
    x = inputs(batch, length, channels, state, backward)

    def run():
        if backward:
            y = selective_scan(**x, delta_softplus=True)
            torch.autograd.grad(y.sum(), list(x.values()))
        else:
            with torch.no_grad():
                selective_scan(**x, delta_softplus=True)

    for _ in range(warmup):
        run()
    wall, cpu = [], []
    for _ in range(reps):
        w0, c0 = time.perf_counter(), time.process_time()
        run()
        wall.append(1000 * (time.perf_counter() - w0))
        cpu.append(1000 * (time.process_time() - c0))
    return dict(batch=batch, length=length, channels=channels, state=state, mode=mode, wallMs=wall, cpuMs=cpu,
                medianMs=statistics.median(wall), minMs=min(wall), medianCpuMs=statistics.median(cpu), reps=reps, warmup=warmup)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ints = lambda text: [int(v) for v in text.split(",")]
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--state", type=int, default=16)
    parser.add_argument("--channels", type=ints, default=[64, 128])
    parser.add_argument("--lengths", type=ints, default=[64, 256, 1024, 4096])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    cells = []
    for channels in args.channels:
        for length in args.lengths:
            for mode in ("forward", "forward+backward"):
                # Long cells are seconds each: fewer repetitions, as scan.ts does for its own.
                big = length * channels >= 1024 * 128
                cells.append(time_cell(args.batch, length, channels, args.state, mode, 3 if big else args.reps, 1 if big else args.warmup))
    print(json.dumps(dict(torch=torch.__version__, threads=torch.get_num_threads(), cells=cells)))


if __name__ == "__main__":
    main()
