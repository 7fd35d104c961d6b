import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, it} from "vitest";
import {CausalConv1d} from "../../../src/lib/mamba/causalConv1d.js";
import {MambaBlock} from "../../../src/lib/mamba/mambaBlock.js";
import {VimBlock} from "../../../src/lib/mamba/vimBlock.js";
import {VIM_STUDENT_DEFAULT, VimEncoder, type VimConfig} from "../../../src/lib/mamba/vimEncoder.js";
import {ParamStore} from "../../../src/lib/nn/params.js";
import {NODE_BACKENDS, useBackend} from "../backends.js";
import {relativeError} from "../relativeError.js";
import {encoderFusedVsReference, encoderLossAndGrads, seededImages as images, seededTensor as randomTensor, TINY_VIM as TINY} from "./scanCases.js";

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

  it("fused and reference scans give the same loss and parameter gradients", async () => {
    const enc = new VimEncoder(TINY);
    const before = tf.memory().numTensors;
    const {errors, allNonZero} = await encoderFusedVsReference(enc, 7);
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.keys(errors).sort()).toEqual(["loss", ...enc.params.vars.keys()].sort());
    enc.params.dispose();
    for (const [name, err] of Object.entries(errors)) expect(err, name).toBeLessThanOrEqual(1e-4);
    expect(allNonZero).toBe(true);
  });

  it("trains: the loss falls and the tensor count stays flat over 50 steps", async () => {
    const enc = new VimEncoder(TINY);
    const x = images(2, 16, 9);
    const target = randomTensor([2, TINY.embedDim], 10);
    const optimizer = tf.train.sgd(0.05);
    const first = encoderLossAndGrads(enc, x, target);
    const startLoss = (await first.value.data())[0];
    tf.dispose([first.value, ...Object.values(first.grads)]);
    const before = tf.memory().numTensors;
    let loss = startLoss;
    for (let step = 0; step < 50; step++) {
      const {value, grads} = encoderLossAndGrads(enc, x, target);
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
