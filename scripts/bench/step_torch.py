"""One image-encoder training step in PyTorch (CPU), the same architecture, shapes and loss as
src/lib/runtime/speedStep.ts, so scripts/bench/step.ts can put TensorFlow.js beside it.

Run with Debian's python and python3-torch (apt-get install -y python3-torch):
  /usr/bin/python3 scripts/bench/step_torch.py --model vit-teacher --threads 2 --steps 5
Prints one JSON object. The models mirror src/lib/clip/vit.ts and src/lib/mamba/vimEncoder.ts:
the parameter count printed must equal the TypeScript model's.
"""

import argparse
import json
import math
import os
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

# The ViTs are the teachers' own PyTorch model (scripts/data/teachers_torch.py, tested against src/lib/clip).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data"))
from teachers_torch import Vit  # noqa: E402
from scan_torch import selective_scan  # noqa: E402

# The presets of src/lib/clip/presets.ts and src/lib/mamba/vimEncoder.ts.
VIT = dict(kind="vit", imageSize=64, patchSize=8, depth=4, heads=4, embedDim=64, image=64, embed=64)
CONFIGS = {
    "vit-teacher": dict(VIT, width=128, mlpRatio=4, stem={"channels": [32, 64, 128]}),
    "vit-student": dict(VIT, width=64, mlpRatio=3),
    "vim-student": dict(kind="vim", image=64, patch=8, width=64, depth=4, d_state=16, expand=2, d_conv=4, embed=64),
}


def patchify(images, p):
    """[b, H, W, 3] → [b, (H/p)(W/p), p·p·3], each patch flattened as (row, column, channel)."""
    b, h, w, c = images.shape
    x = images.reshape(b, h // p, p, w // p, p * c).permute(0, 1, 3, 2, 4)
    return x.reshape(b, (h // p) * (w // p), p * p * c)


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class SelectiveSSM(nn.Module):
    """One Mamba direction after in_proj: causal depthwise conv, silu, x_proj, dt_proj, scan, gate."""

    def __init__(self, d_inner, d_state, d_conv, dt_rank):
        super().__init__()
        self.d_state, self.dt_rank, self.d_conv = d_state, dt_rank, d_conv
        self.conv_weight = nn.Parameter(torch.empty(d_conv, d_inner).uniform_(-d_conv**-0.5, d_conv**-0.5))
        self.conv_bias = nn.Parameter(torch.empty(d_inner).uniform_(-d_conv**-0.5, d_conv**-0.5))
        self.x_proj = nn.Linear(d_inner, dt_rank + 2 * d_state, bias=False)
        self.dt_proj = nn.Linear(dt_rank, d_inner, bias=True)
        self.A_log = nn.Parameter(torch.log(torch.arange(1, d_state + 1, dtype=torch.float32)).repeat(d_inner, 1))
        self.D = nn.Parameter(torch.ones(d_inner))

    def forward(self, x, z):
        l = x.shape[1]
        padded = F.pad(x, (0, 0, self.d_conv - 1, 0))
        conv = self.conv_bias + sum(padded[:, k : k + l] * self.conv_weight[k] for k in range(self.d_conv))
        u = F.silu(conv)
        delta_raw, B, C = self.x_proj(u).split([self.dt_rank, self.d_state, self.d_state], -1)
        delta = F.softplus(self.dt_proj(delta_raw))
        return selective_scan(u, delta, -torch.exp(self.A_log), B, C, D=self.D, z=z)


class VimMixer(nn.Module):
    def __init__(self, width, d_state, d_conv, expand):
        super().__init__()
        d_inner = expand * width
        dt_rank = math.ceil(width / 16)
        self.in_proj = nn.Linear(width, 2 * d_inner, bias=False)
        self.forward_ssm = SelectiveSSM(d_inner, d_state, d_conv, dt_rank)
        self.backward_ssm = SelectiveSSM(d_inner, d_state, d_conv, dt_rank)
        self.out_proj = nn.Linear(d_inner, width, bias=False)

    def forward(self, hidden):
        x, z = self.in_proj(hidden).chunk(2, -1)
        ahead = self.forward_ssm(x, z)
        behind = self.backward_ssm(x.flip(1), z.flip(1)).flip(1)
        return self.out_proj((ahead + behind) * 0.5)


class Vim(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.patch = c["patch"]
        grid = c["image"] // c["patch"]
        w = c["width"]
        self.patch_embed = nn.Linear(3 * c["patch"] ** 2, w)
        self.cls_token = nn.Parameter(torch.randn(w) * 0.02)
        self.pos_embed = nn.Parameter(torch.randn(1 + grid * grid, w) * 0.02)
        self.norms = nn.ModuleList(RMSNorm(w) for _ in range(c["depth"]))
        self.mixers = nn.ModuleList(VimMixer(w, c["d_state"], c["d_conv"], c["expand"]) for _ in range(c["depth"]))
        self.norm_f = RMSNorm(w)
        self.head = nn.Linear(w, c["embed"], bias=False)

    def forward(self, images):
        tokens = self.patch_embed(patchify(images, self.patch)) + self.pos_embed[1:]
        middle = tokens.shape[1] // 2
        cls = (self.cls_token + self.pos_embed[0]).expand(tokens.shape[0], 1, -1)
        x = torch.cat([tokens[:, :middle], cls, tokens[:, middle:]], 1)
        for norm, mixer in zip(self.norms, self.mixers):
            x = x + mixer(norm(x))
        return self.head(self.norm_f(x)[:, middle])


def clip_loss(image_features, text, scale):
    logits = scale * F.normalize(image_features, dim=-1) @ text.t()
    labels = torch.arange(logits.shape[0])
    return 0.5 * (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=sorted(CONFIGS), required=True)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--steps", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    config = CONFIGS[args.model]
    model = Vit(config) if config["kind"] == "vit" else Vim(config)
    side = config["image"]
    images = torch.rand(args.batch, side, side, 3)
    text = F.normalize(torch.randn(args.batch, config["embed"]), dim=-1)
    # AdamW as src/lib/train/adamw.ts: CLIP's betas and epsilon, no decay below rank 2.
    decayed = [p for p in model.parameters() if p.dim() >= 2]
    plain = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decayed, "weight_decay": 0.1}, {"params": plain, "weight_decay": 0.0}], lr=1e-4, betas=(0.9, 0.98), eps=1e-6
    )

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = clip_loss(model(images), text, 1 / 0.07)
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(args.warmup):
        step()
    wall, cpu = [], []
    for _ in range(args.steps):
        w0, c0 = time.perf_counter(), time.process_time()
        step()
        wall.append(1000 * (time.perf_counter() - w0))
        cpu.append(1000 * (time.process_time() - c0))
    print(
        json.dumps(
            {
                "model": args.model,
                "batch": args.batch,
                "threads": torch.get_num_threads(),
                "parameters": sum(p.numel() for p in model.parameters()),
                "torch": torch.__version__,
                "wallMs": wall,
                "cpuMs": cpu,
                "medianWallMs": statistics.median(wall),
                "medianCpuMs": statistics.median(cpu),
            }
        )
    )


if __name__ == "__main__":
    main()
