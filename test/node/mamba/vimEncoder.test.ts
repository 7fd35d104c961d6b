import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, it} from "vitest";
import {CausalConv1d} from "../../../src/lib/mamba/causalConv1d.js";
import {MambaBlock} from "../../../src/lib/mamba/mambaBlock.js";
import {VimBlock} from "../../../src/lib/mamba/vimBlock.js";
import {VIM_STUDENT_DEFAULT, VimEncoder, type VimConfig} from "../../../src/lib/mamba/vimEncoder.js";
import {ParamStore} from "../../../src/lib/nn/params.js";
import {Rng} from "../../../src/lib/random/rng.js";
import {NODE_BACKENDS, relativeError, useBackend} from "../backends.js";

const TINY: VimConfig = {...VIM_STUDENT_DEFAULT, imageSize: 16, patchSize: 4, width: 16, depth: 2, dState: 4, embedDim: 8, seed: 5};

function randomTensor(shape: number[], seed: number, scale = 1): tf.Tensor {
  const rng = new Rng(seed);
  return tf.tensor(Float32Array.from({length: shape.reduce((a, b) => a * b, 1)}, () => scale * rng.normal()), shape);
}

const images = (b: number, side: number, seed: number) =>
  tf.tidy(() => tf.sigmoid(randomTensor([b, side, side, 3], seed)) as tf.Tensor4D);

/** The parameter count written out from the architecture, independently of ParamStore. */
function expectedCount(c: VimConfig): number {
  const dInner = c.expand * c.width;
  const rank = Math.ceil(c.width / 16);
  const direction = dInner * c.dConv + dInner + dInner * (rank + 2 * c.dState) + rank * dInner + dInner + dInner * c.dState + dInner;
  const block = c.width + c.width * 2 * dInner + 2 * direction + dInner * c.width;
  const patches = (c.imageSize / c.patchSize) ** 2;
  const patchEmbed = c.patchSize * c.patchSize * 3 * c.width + c.width;
  return patchEmbed + c.width + (patches + 1) * c.width + c.depth * block + c.width + c.width * c.embedDim;
}

describe("VimEncoder structure", () => {
  beforeAll(() => useBackend("cpu"));

  it("has the student's 183,808 parameters and the architecture's count for other sizes", () => {
    for (const config of [VIM_STUDENT_DEFAULT, TINY, {...TINY, width: 40, expand: 3, dState: 1, dConv: 2}]) {
      const enc = new VimEncoder(config);
      expect(enc.parameterCount()).toBe(expectedCount(config));
      enc.params.dispose();
    }
    expect(expectedCount(VIM_STUDENT_DEFAULT)).toBe(183_808);
  });

  it("exposes a JSON config that rebuilds the same model", async () => {
    const a = new VimEncoder(TINY);
    const b = new VimEncoder(JSON.parse(JSON.stringify(a.config)) as VimConfig);
    expect(b.config).toEqual(a.config);
    expect(a.kind).toBe("vim");
    expect(a.embedDim).toBe(TINY.embedDim);
    const x = images(2, 16, 1);
    const [ya, yb] = [a.apply(x), b.apply(x)];
    expect(Array.from(await yb.data())).toEqual(Array.from(await ya.data()));
    for (const t of [x, ya, yb]) t.dispose();
    a.params.dispose();
    b.params.dispose();
  });

  it("maps images of the training size and of other sizes (interpolated positions) to [batch, embedDim]", async () => {
    const enc = new VimEncoder(TINY);
    for (const side of [16, 8, 24, 32]) {
      const x = images(3, side, side);
      const y = enc.apply(x);
      expect(y.shape).toEqual([3, TINY.embedDim]);
      expect((await y.data()).every(Number.isFinite)).toBe(true);
      x.dispose();
      y.dispose();
    }
    enc.params.dispose();
  });

  it.each([
    ["a non-tensor", () => [[1]] as unknown as tf.Tensor4D, /images must be \[batch, height, width, 3\], got object/],
    ["a grey image", () => tf.zeros([1, 16, 16, 1]) as tf.Tensor4D, /images must be \[batch, height, width, 3\], got \[1,16,16,1\]/],
    ["int pixels", () => tf.zeros([1, 16, 16, 3], "int32") as tf.Tensor4D, /images must be float32, got int32/],
    ["a size off the patch grid", () => tf.zeros([1, 18, 18, 3]) as tf.Tensor4D, /multiple of the patch size 4/]
  ])("rejects %s", (_, make, message) => {
    const enc = new VimEncoder(TINY);
    const x = make();
    expect(() => enc.apply(x)).toThrow(message);
    if (x instanceof tf.Tensor) x.dispose();
    enc.params.dispose();
  });

  it.each([
    [{kind: "vit"}, /config.kind must be "vim"/],
    [{width: 0}, /config.width must be an integer ≥ 1, got 0/],
    [{dState: 2.5}, /config.dState must be an integer ≥ 1, got 2.5/],
    [{imageSize: 18}, /config.imageSize 18 must be a multiple of config.patchSize 4/]
  ])("rejects the config %j", (patch, message) => {
    expect(() => new VimEncoder({...TINY, ...patch} as VimConfig)).toThrow(message);
  });
});

describe("Mamba parts", () => {
  beforeAll(() => useBackend("cpu"));

  it("the causal conv equals tf's depthwise conv on a left-padded sequence", async () => {
    const params = new ParamStore(3);
    const conv = new CausalConv1d(params, "conv1d", 5, 4);
    const x = randomTensor([2, 9, 5], 4) as tf.Tensor3D;
    const ours = conv.apply(x);
    const theirs = tf.tidy(() => {
      const padded = tf.pad(x, [[0, 0], [3, 0], [0, 0]]).reshape([2, 1, 12, 5]) as tf.Tensor4D;
      const filter = conv.weight.reshape([1, 4, 5, 1]) as tf.Tensor4D;
      return tf.add(tf.depthwiseConv2d(padded, filter, 1, "valid").reshape([2, 9, 5]), conv.bias);
    });
    expect(relativeError(await ours.data(), await theirs.data())).toBeLessThan(1e-6);
    for (const t of [x, ours, theirs]) t.dispose();
    params.dispose();
  });

  it("a Mamba block is causal: output at l ignores inputs after l", async () => {
    const params = new ParamStore(8);
    const block = new MambaBlock(params, {dModel: 8, dState: 4, dConv: 4, expand: 2});
    const x = randomTensor([2, 10, 8], 1) as tf.Tensor3D;
    const changed = tf.concat([tf.slice(x, [0, 0, 0], [2, 6, 8]), randomTensor([2, 4, 8], 2)], 1) as tf.Tensor3D;
    const [y1, y2] = [block.apply(x), block.apply(changed)];
    const head = async (y: tf.Tensor) => Array.from(await tf.slice(y, [0, 0, 0], [2, 6, 8]).data());
    expect(await head(y2)).toEqual(await head(y1));
    expect(relativeError(await y2.data(), await y1.data())).toBeGreaterThan(1e-3);
    for (const t of [x, changed, y1, y2]) t.dispose();
    params.dispose();
  });

  it("a Vim block with its two directions' weights swapped maps the reversed sequence to the reversed output", async () => {
    const size = {dModel: 8, dState: 4, dConv: 4, expand: 2};
    const [pa, pb] = [new ParamStore(21), new ParamStore(22)];
    const a = new VimBlock(pa, size);
    const b = new VimBlock(pb, size);
    // Backward-direction names carry "_b" (conv1d_b, x_proj_b, dt_proj_b, A_b_log, D_b).
    const swapped = (name: string) =>
      name.includes("_b")
        ? name.replace("_b", "")
        : name.replace(/^(conv1d|x_proj|dt_proj|D)(\.|$)/, "$1_b$2").replace(/^A_log$/, "A_b_log");
    for (const [name, v] of pb.vars) {
      const source = name.startsWith("in_proj") || name.startsWith("out_proj") ? name : swapped(name);
      v.assign(pa.vars.get(source) as tf.Variable);
    }
    const x = randomTensor([2, 7, 8], 3) as tf.Tensor3D;
    const ya = a.apply(x);
    const yb = b.apply(tf.reverse(x, 1) as tf.Tensor3D);
    expect(relativeError(await tf.reverse(yb, 1).data(), await ya.data())).toBeLessThan(1e-5);
    // And the block is not trivially symmetric: without the swap the property fails.
    const yaReversed = a.apply(tf.reverse(x, 1) as tf.Tensor3D);
    expect(relativeError(await tf.reverse(yaReversed, 1).data(), await ya.data())).toBeGreaterThan(1e-3);
    for (const t of [x, ya, yb, yaReversed]) t.dispose();
    pa.dispose();
    pb.dispose();
  });
});

describe.each(NODE_BACKENDS)("VimEncoder training on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  const lossAndGrads = (enc: VimEncoder, x: tf.Tensor4D, target: tf.Tensor) =>
    tf.variableGrads(() => tf.mean(tf.square(tf.sub(enc.apply(x), target))) as tf.Scalar, enc.params.list());

  it("fused and reference scans give the same output and parameter gradients", async () => {
    const enc = new VimEncoder(TINY);
    const x = images(2, 16, 7);
    const target = randomTensor([2, TINY.embedDim], 8);
    const run = (impl: "fused" | "reference") => {
      enc.scanImpl = impl;
      return lossAndGrads(enc, x, target);
    };
    const fused = run("fused");
    const reference = run("reference");
    expect(relativeError(await fused.value.data(), await reference.value.data())).toBeLessThan(1e-5);
    for (const [i, v] of enc.params.list().entries()) {
      const name = [...enc.params.vars.keys()][i];
      const [f, r] = [fused.grads[v.name], reference.grads[v.name]];
      expect(relativeError(await f.data(), await r.data()), name).toBeLessThanOrEqual(1e-4);
    }
    tf.dispose([fused.value, reference.value, ...Object.values(fused.grads), ...Object.values(reference.grads), x, target]);
    enc.params.dispose();
  });

  it("trains: every parameter gets a finite, non-zero gradient, and the tensor count stays flat over 50 steps", async () => {
    const enc = new VimEncoder(TINY);
    const x = images(2, 16, 9);
    const target = randomTensor([2, TINY.embedDim], 10);
    const optimizer = tf.train.sgd(0.05);
    const first = lossAndGrads(enc, x, target);
    for (const [name, v] of enc.params.vars) {
      const g = await first.grads[v.name].data();
      expect(g.every(Number.isFinite), name).toBe(true);
      expect(g.some((e) => e !== 0), name).toBe(true);
    }
    const startLoss = (await first.value.data())[0];
    tf.dispose([first.value, ...Object.values(first.grads)]);
    const before = tf.memory().numTensors;
    let loss = startLoss;
    for (let step = 0; step < 50; step++) {
      const {value, grads} = lossAndGrads(enc, x, target);
      optimizer.applyGradients(grads);
      loss = (await value.data())[0];
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(loss).toBeLessThan(startLoss);
    optimizer.dispose();
    tf.dispose([x, target]);
    enc.params.dispose();
  });
});
