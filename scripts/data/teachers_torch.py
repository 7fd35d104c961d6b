"""Trains one ViT CLIP teacher in PyTorch (CPU) on the lab's own scene stream.

Called by scripts/data/teachers.ts (npm run data:teachers), which owns everything but the
arithmetic: the scenes, augmentations, captions and token ids come from the lab's TypeScript
(scripts/data/teacherStream.ts writes them into a pool of batches), and the finished weights are
written in the lab's layout and names so that src/lib/clip loads them (teachers.ts turns them
into a lab checkpoint and checks every name and shape). The model mirrors src/lib/clip exactly:
test/node/clip/torchParity.test.ts loads a model exported by `--fixture` and compares outputs.

Why PyTorch: a teacher needs ~10,000 steps to learn shapes here (docs/teachers.md); a TensorFlow.js
wasm step of the convolutional-stem teacher takes several times PyTorch's on the same core.

  python3 teachers_torch.py --config CONFIG.json --pool DIR --out DIR --steps N [--threads 1]
  python3 teachers_torch.py --fixture OUT.json      (the parity test's fixture)

Resumes from OUT/teacher-<name>.pt; writes OUT/teacher-<name>.weights.bin (lab layout) at every
checkpoint and OUT/teacher-<name>.log.jsonl (loss, in-group loss, logit scale per 50 steps).
"""

import argparse
import glob
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

END_ID = 3  # src/lib/clip/tokenizer.ts


def lab_linear(module_in, module_out, std=None, bias=True):
    """src/lib/nn/linear.ts's init: U(±1/√in) for weight and bias, or N(0, std²) with zero bias."""
    layer = nn.Linear(module_in, module_out, bias=bias)
    with torch.no_grad():
        if std is None:
            bound = 1 / math.sqrt(module_in)
            layer.weight.uniform_(-bound, bound)
            if bias:
                layer.bias.uniform_(-bound, bound)
        else:
            layer.weight.normal_(0, std)
            if bias:
                layer.bias.zero_()
    return layer


class Attention(nn.Module):
    def __init__(self, width, heads, in_std, out_std):
        super().__init__()
        self.heads = heads
        self.in_proj = lab_linear(width, 3 * width, in_std)
        self.out_proj = lab_linear(width, width, out_std)

    def forward(self, x, causal):
        b, l, w = x.shape
        h, dh = self.heads, w // self.heads
        q, k, v = self.in_proj(x).split(w, dim=-1)
        q, k, v = (t.reshape(b, l, h, dh).transpose(1, 2) for t in (q, k, v))
        scores = (q / math.sqrt(dh)) @ k.transpose(-1, -2)
        if causal:
            scores = scores.masked_fill(torch.ones(l, l, dtype=torch.bool).triu(1), float("-inf"))
        mixed = scores.softmax(-1) @ v
        return self.out_proj(mixed.transpose(1, 2).reshape(b, l, w))


class Block(nn.Module):
    """src/lib/clip/transformer.ts: x + attn(ln_1(x)), then x + mlp(ln_2(x)), exact-erf GELU."""

    def __init__(self, width, depth, heads, mlp_ratio):
        super().__init__()
        std = width ** -0.5
        out_std = std * (2 * depth) ** -0.5
        self.ln_1 = nn.LayerNorm(width, eps=1e-5)
        self.attn = Attention(width, heads, std, out_std)
        self.ln_2 = nn.LayerNorm(width, eps=1e-5)
        hidden = round(mlp_ratio * width)
        self.c_fc = lab_linear(width, hidden, (2 * width) ** -0.5)
        self.c_proj = lab_linear(hidden, width, out_std)

    def forward(self, x, causal):
        x = x + self.attn(self.ln_1(x), causal)
        return x + self.c_proj(F.gelu(self.c_fc(self.ln_2(x))))


class ConvStem(nn.Module):
    """src/lib/clip/convStem.ts: 3×3 stride-2 convolutions (padding 1) with GELU, then 1×1 to width."""

    def __init__(self, channels, width):
        super().__init__()
        self.convs = nn.ModuleList()
        for k, out in enumerate(channels):
            cin = 3 if k == 0 else channels[k - 1]
            conv = nn.Conv2d(cin, out, 3, stride=2, padding=1)
            bound = 1 / math.sqrt(9 * cin)
            with torch.no_grad():
                conv.weight.uniform_(-bound, bound)
                conv.bias.uniform_(-bound, bound)
            self.convs.append(conv)
        self.proj = lab_linear(channels[-1], width)

    def forward(self, images):  # [b, H, W, 3] → [b, tokens, width]
        x = images.permute(0, 3, 1, 2)
        for conv in self.convs:
            x = F.gelu(conv(x))
        return self.proj(x.flatten(2).transpose(1, 2))


class Vit(nn.Module):
    def __init__(self, c):
        super().__init__()
        w = c["width"]
        std = w ** -0.5
        grid = c["imageSize"] // c["patchSize"]
        if "stem" in c:
            self.stem = ConvStem(c["stem"]["channels"], w)
        else:
            self.patch = c["patchSize"]
            self.conv1 = lab_linear(self.patch * self.patch * 3, w, bias=False)
        self.class_embedding = nn.Parameter(torch.randn(w) * std)
        self.positional_embedding = nn.Parameter(torch.randn(1 + grid * grid, w) * std)
        self.ln_pre = nn.LayerNorm(w, eps=1e-5)
        self.blocks = nn.ModuleList(Block(w, c["depth"], c["heads"], c["mlpRatio"]) for _ in range(c["depth"]))
        self.ln_post = nn.LayerNorm(w, eps=1e-5)
        self.proj = lab_linear(w, c["embedDim"], std, bias=False)

    def forward(self, images):
        if hasattr(self, "stem"):
            tokens = self.stem(images)
        else:
            b, h, w, ch = images.shape
            p = self.patch
            patches = images.reshape(b, h // p, p, w // p, p * ch).permute(0, 1, 3, 2, 4).reshape(b, -1, p * p * ch)
            tokens = self.conv1(patches)
        cls = self.class_embedding.expand(tokens.shape[0], 1, -1)
        x = self.ln_pre(torch.cat([cls, tokens], 1) + self.positional_embedding)
        for block in self.blocks:
            x = block(x, False)
        return self.proj(self.ln_post(x[:, 0]))


class Text(nn.Module):
    def __init__(self, c):
        super().__init__()
        w = c["width"]
        self.token_embedding = nn.Parameter(torch.randn(c["vocabSize"], w) * 0.02)
        self.positional_embedding = nn.Parameter(torch.randn(c["contextLength"], w) * 0.01)
        self.blocks = nn.ModuleList(Block(w, c["depth"], c["heads"], c["mlpRatio"]) for _ in range(c["depth"]))
        self.ln_final = nn.LayerNorm(w, eps=1e-5)
        self.text_projection = lab_linear(w, c["embedDim"], w ** -0.5, bias=False)

    def forward(self, tokens):
        x = self.token_embedding[tokens] + self.positional_embedding
        for block in self.blocks:
            x = block(x, True)
        pooled = (x * (tokens == END_ID).unsqueeze(-1)).sum(1)
        return self.text_projection(self.ln_final(pooled))


class Clip(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.max_log_scale = math.log(config["maxLogitScale"])
        self.image = Vit(config["image"])
        self.text = Text(config["text"])
        self.logit_scale = nn.Parameter(torch.tensor(math.log(config["initLogitScale"])))

    def scale(self):
        return self.logit_scale.clamp(max=self.max_log_scale).exp()

    def encode_image(self, images):
        return F.normalize(self.image(images).float(), dim=-1)

    def encode_text(self, tokens):
        return F.normalize(self.text(tokens).float(), dim=-1)


def block_weights(prefix, block):
    out = {}
    for ln in ("ln_1", "ln_2"):
        out[f"{prefix}.{ln}.weight"] = getattr(block, ln).weight
        out[f"{prefix}.{ln}.bias"] = getattr(block, ln).bias
    for name, layer in (("attn.in_proj", block.attn.in_proj), ("attn.out_proj", block.attn.out_proj), ("mlp.c_fc", block.c_fc), ("mlp.c_proj", block.c_proj)):
        out[f"{prefix}.{name}.weight"] = layer.weight.t()
        out[f"{prefix}.{name}.bias"] = layer.bias
    return out


def lab_weights(model):
    """Every weight under the name and in the layout src/lib/clip gives it (Linear weights [in, out])."""
    image, text = model.image, model.text
    out = {}
    if hasattr(image, "stem"):
        for k, conv in enumerate(image.stem.convs):
            # conv2d [out, in, 3, 3] → im2col rows ordered (row, column, channel): [9·in, out].
            out[f"image.stem.{k}.weight"] = conv.weight.permute(2, 3, 1, 0).reshape(-1, conv.weight.shape[0])
            out[f"image.stem.{k}.bias"] = conv.bias
        out["image.stem.proj.weight"] = image.stem.proj.weight.t()
        out["image.stem.proj.bias"] = image.stem.proj.bias
    else:
        out["image.conv1.weight"] = image.conv1.weight.t()
    out["image.class_embedding"] = image.class_embedding
    out["image.positional_embedding"] = image.positional_embedding
    out["image.ln_pre.weight"], out["image.ln_pre.bias"] = image.ln_pre.weight, image.ln_pre.bias
    for i, block in enumerate(image.blocks):
        out.update(block_weights(f"image.transformer.resblocks.{i}", block))
    out["image.ln_post.weight"], out["image.ln_post.bias"] = image.ln_post.weight, image.ln_post.bias
    out["image.proj.weight"] = image.proj.weight.t()
    out["text.token_embedding"] = text.token_embedding
    out["text.positional_embedding"] = text.positional_embedding
    for i, block in enumerate(text.blocks):
        out.update(block_weights(f"text.transformer.resblocks.{i}", block))
    out["text.ln_final.weight"], out["text.ln_final.bias"] = text.ln_final.weight, text.ln_final.bias
    out["text.text_projection.weight"] = text.text_projection.weight.t()
    out["logit_scale"] = model.logit_scale
    return {name: t.detach().contiguous().float().numpy() for name, t in out.items()}


def write_weights(path, weights, meta):
    """One JSON line (meta and each array's name, shape, offset in floats), then float32 LE arrays."""
    entries, offset = [], 0
    for name, array in weights.items():
        entries.append({"name": name, "shape": list(array.shape), "offset": offset})
        offset += array.size
    header = json.dumps({"meta": meta, "arrays": entries}).encode() + b"\n"
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(header)
        for array in weights.values():
            f.write(array.astype("<f4").tobytes())
    os.replace(tmp, path)


def clip_loss(image, text, scale):
    logits = scale * image @ text.t()
    labels = torch.arange(len(logits))
    return 0.5 * (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels))


def in_group_loss(image, text, scale, group):
    """The CLIP loss inside each identity group: ln(group) when shape is not told apart."""
    n = len(image) // group
    i = image.reshape(n, group, -1)
    t = text.reshape(n, group, -1)
    logits = scale * i @ t.transpose(1, 2)
    labels = torch.arange(group).repeat(n)
    a = F.cross_entropy(logits.reshape(-1, group), labels)
    b = F.cross_entropy(logits.transpose(1, 2).reshape(-1, group), labels)
    return 0.5 * (a + b)


class Pool:
    """The pool files teacherStream.ts wrote: identity groups drawn in a fresh order every epoch."""

    def __init__(self, folder, seed):
        self.images, self.tokens = [], []
        header = None
        for path in sorted(glob.glob(os.path.join(folder, "pool-*.bin"))):
            with open(path, "rb") as f:
                line = f.readline()
            header = json.loads(line)
            b, s, ctx = header["batchSize"], header["size"], header["contextLength"]
            record = b * s * s * 3 + b * ctx * 4
            raw = np.memmap(path, dtype=np.uint8, mode="r", offset=len(line))
            count = len(raw) // record
            if count != header["batches"]:
                sys.exit(f"teachers_torch: {path} holds {count} of its {header['batches']} batches (still being written, or cut short)")
            raw = raw[: count * record].reshape(count, record)
            self.images.append(raw[:, : b * s * s * 3])
            self.tokens.append(raw[:, b * s * s * 3 :])
        if header is None:
            sys.exit(f"teachers_torch: no pool-*.bin in {folder}")
        self.header = header
        self.group = header["identityGroup"]
        self.batch = header["batchSize"]
        self.batches = sum(len(x) for x in self.images)
        self.groups_per_batch = self.batch // self.group
        self.seed = seed

    def step_batch(self, step):
        """The batch of training step `step` (0-based): the same whatever step a run resumed at."""
        groups_per_epoch = self.batches * self.groups_per_batch
        steps_per_epoch = groups_per_epoch // self.groups_per_batch
        epoch, k = divmod(step, steps_per_epoch)
        order = np.random.default_rng([self.seed, epoch]).permutation(groups_per_epoch)
        s, ctx, g = self.header["size"], self.header["contextLength"], self.group
        images, tokens = [], []
        for gid in order[k * self.groups_per_batch : (k + 1) * self.groups_per_batch]:
            batch, slot = divmod(int(gid), self.groups_per_batch)
            part = 0
            while batch >= len(self.images[part]):
                batch -= len(self.images[part])
                part += 1
            im = self.images[part][batch].reshape(self.batch, s, s, 3)[slot * g : (slot + 1) * g]
            tk = self.tokens[part][batch].view("<i4").reshape(self.batch, ctx)[slot * g : (slot + 1) * g]
            images.append(im)
            tokens.append(tk)
        images = torch.from_numpy(np.concatenate(images).astype(np.float32) / 255)
        tokens = torch.from_numpy(np.concatenate(tokens).astype(np.int64))
        return images, tokens


def warmup_cosine(step, warmup, total):
    """src/lib/train/schedule.ts: linear warm-up to 1, cosine to 0."""
    if step < warmup:
        return (step + 1) / warmup
    return 0.5 * (1 + math.cos(math.pi * min(1, (step - warmup) / max(1, total - warmup))))


def optimizer_for(model, lr, weight_decay):
    """src/lib/train/adamw.ts: β (0.9, 0.98), ε 1e-6; parameters of rank < 2 are not decayed."""
    decay = [p for p in model.parameters() if p.dim() >= 2]
    keep = [p for p in model.parameters() if p.dim() < 2]
    return torch.optim.AdamW([{"params": decay, "weight_decay": weight_decay}, {"params": keep, "weight_decay": 0}], lr=lr, betas=(0.9, 0.98), eps=1e-6)


def bfloat16_is_native():
    """Whether this CPU multiplies bfloat16 in hardware (AVX512-BF16 or AMX): then autocast pays."""
    try:
        flags = open("/proc/cpuinfo").read()
    except OSError:
        return False
    return " avx512_bf16" in flags or " amx_bf16" in flags


def train(args):
    config = json.load(open(args.config))
    name = config["name"]
    # bfloat16 matMuls with float32 weights, optimizer and loss: 2.5× faster per step on a CPU with
    # AMX (measured: teacher B 0.6 s against 1.6 s), and what OpenCLIP trains with on GPUs.
    bf16 = args.precision == "bfloat16" or (args.precision == "auto" and bfloat16_is_native())
    torch.manual_seed(config["model"]["image"]["seed"])
    torch.set_num_threads(args.threads)
    model = Clip(config["model"])
    optimizer = optimizer_for(model, args.lr, args.weight_decay)
    state_path = os.path.join(args.out, f"teacher-{name}.pt")
    step = 0
    if os.path.exists(state_path):
        state = torch.load(state_path, weights_only=False)
        if state["steps"] != args.steps:
            sys.exit(f"teachers_torch: {state_path} was trained for a {state['steps']}-step schedule, not {args.steps}; delete it to start over")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        torch.set_rng_state(state["rng"])
        step = state["step"]
        print(f"teacher {name}: resuming at step {step} from {state_path}", flush=True)
    pool = Pool(args.pool, config["model"]["image"]["seed"])
    warmup = round(args.steps / 10)
    log = open(os.path.join(args.out, f"teacher-{name}.log.jsonl"), "a")
    started, window = time.time(), []

    def save():
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "rng": torch.get_rng_state(), "step": step, "steps": args.steps}, state_path + ".tmp")
        os.replace(state_path + ".tmp", state_path)
        meta = {"teacher": name, "step": step, "steps": args.steps, "learningRate": args.lr, "warmupSteps": warmup, "weightDecay": args.weight_decay,
                "batchSize": pool.batch, "identityGroup": pool.group, "poolBatches": pool.batches, "logitScale": float(model.scale()), "precision": "bfloat16 autocast" if bf16 else "float32",
                "trainer": f"PyTorch {torch.__version__} (CPU)"}
        write_weights(os.path.join(args.out, f"teacher-{name}.weights.bin"), lab_weights(model), meta)

    while step < args.steps:
        images, tokens = pool.step_batch(step)
        lr = args.lr * warmup_cosine(step, warmup, args.steps)
        for group in optimizer.param_groups:
            group["lr"] = lr
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            image_raw, text_raw = model.image(images), model.text(tokens)
        image, text = F.normalize(image_raw.float(), dim=-1), F.normalize(text_raw.float(), dim=-1)
        scale = model.scale()
        loss = clip_loss(image, text, scale)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        step += 1
        if not math.isfinite(loss.item()):
            sys.exit(f"teacher {name}: the loss became {loss.item()} at step {step}; stopped")
        window.append((loss.item(), in_group_loss(image.detach(), text.detach(), scale.detach(), pool.group).item()))
        if step % 50 == 0 or step == args.steps:
            mean = np.mean(window, axis=0)
            record = {"step": step, "loss": round(float(mean[0]), 4), "inGroupLoss": round(float(mean[1]), 4), "logitScale": round(float(model.scale()), 3),
                      "lr": lr, "gradNorm": round(float(grad_norm), 4), "elapsedS": round(time.time() - started, 1), "bf16": bf16}
            log.write(json.dumps(record) + "\n")
            log.flush()
            print(f"teacher {name}: step {step}/{args.steps} loss {mean[0]:.3f} in-group {mean[1]:.3f} (ln {pool.group} = {math.log(pool.group):.3f}) scale {record['logitScale']}", flush=True)
            window = []
        if step % args.every == 0 or step == args.steps:
            save()
    print(f"teacher {name}: done, {args.steps} steps", flush=True)


def fixture(path):
    """A tiny random model (conv stem and patch variants) with its outputs on fixed inputs."""
    torch.manual_seed(7)
    cases = []
    for stem in (True, False):
        config = {
            "image": {"kind": "vit", "imageSize": 16, "patchSize": 4, "width": 16, "depth": 2, "heads": 2, "mlpRatio": 2, "embedDim": 8, "seed": 1},
            "text": {"contextLength": 6, "width": 16, "depth": 1, "heads": 2, "mlpRatio": 2, "embedDim": 8, "vocabSize": 10, "seed": 2},
            "initLogitScale": 1 / 0.07,
            "maxLogitScale": 100,
        }
        if stem:
            config["image"]["stem"] = {"channels": [4, 6]}
        model = Clip(config)
        with torch.no_grad():  # weights far from init so that every layer matters
            for p in model.parameters():
                p.add_(torch.randn_like(p) * 0.3)
        images = torch.rand(3, 16, 16, 3)
        tokens = torch.tensor([[2, 5, 6, 3, 0, 0], [2, 7, 3, 0, 0, 0], [2, 4, 8, 9, 5, 3]])
        with torch.no_grad():
            image, text = model.encode_image(images), model.encode_text(tokens)
        cases.append({
            "config": config,
            "weights": {name: {"shape": list(a.shape), "values": a.reshape(-1).tolist()} for name, a in lab_weights(model).items()},
            "images": images.reshape(-1).tolist(),
            "tokens": tokens.reshape(-1).tolist(),
            "imageEmb": image.reshape(-1).tolist(),
            "textEmb": text.reshape(-1).tolist(),
        })
    with open(path, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--config")
    parser.add_argument("--pool")
    parser.add_argument("--out")
    parser.add_argument("--steps", type=int, default=9600)
    parser.add_argument("--every", type=int, default=200)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--weight-decay", type=float, default=0.1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--precision", choices=["auto", "float32", "bfloat16"], default="auto")
    parser.add_argument("--fixture")
    a = parser.parse_args()
    if a.fixture:
        fixture(a.fixture)
    else:
        train(a)
