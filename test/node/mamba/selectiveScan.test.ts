import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, it} from "vitest";
import {fusedScanAvailable, selectiveScan, type SelectiveScanInputs} from "../../../src/lib/mamba/selectiveScan.js";
import {computeOnHost} from "../../../src/lib/mamba/kernels/hostTensors.js";
import type {Heap} from "../../../src/lib/mamba/kernels/simdModule.js";
import {NODE_BACKENDS, useBackend} from "../backends.js";
import {disposeInputs, fusedVsReference, SCAN_CASES, SCAN_INPUT_NAMES, scanInputs, scanWithGradients, type ScanCase} from "./scanCases.js";

const caseName = (c: ScanCase) =>
  `B${c.batch} L${c.length} D${c.channels} N${c.state}${c.withD ? "" : " no D"}${c.withZ ? "" : " no z"}` +
  `${c.withBias ? "" : " no bias"}${c.deltaSoftplus ? "" : " no softplus"}${c.reverse ? " reversed" : ""}`;

describe.each(NODE_BACKENDS)("selectiveScan on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  it("has a fused kernel, which auto picks", () => {
    expect(fusedScanAvailable()).toBe(true);
  });

  it.each(SCAN_CASES.map((c) => [caseName(c), c] as const))("fused matches the reference, forward and every gradient: %s", async (_, c) => {
    const errors = await fusedVsReference(c, 7);
    const expected = ["y", ...SCAN_INPUT_NAMES.filter((k) => (k === "D" ? c.withD : k === "z" ? c.withZ : k === "deltaBias" ? c.withBias : true))];
    expect(Object.keys(errors).sort()).toEqual(expected.sort());
    for (const [name, err] of Object.entries(errors)) expect(err, name).toBeLessThanOrEqual(1e-4);
  });

  it("hands the kernels the heap to work in on wasm only", () => {
    const x = tf.zeros([2, 3]);
    let heap: Heap | undefined;
    const [out] = computeOnHost(tf.backend(), [x], [[2, 3]], (_, [o], h) => {
      o.fill(1);
      heap = h;
    }, 8);
    expect(heap !== undefined, "heap").toBe(backend === "wasm");
    if (heap) expect(heap.scratch.buffer).toBe(heap.memory.buffer);
    tf.backend().disposeData(out.dataId);
    x.dispose();
  });

  it("keeps the tensor count flat over forward and backward, both impls", () => {
    const c = SCAN_CASES[1];
    const x = scanInputs(c, 3);
    const w = tf.onesLike(x.u);
    for (const impl of ["fused", "reference"] as const) {
      scanWithGradients(x, w, impl).forEach((t) => t.dispose());
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) scanWithGradients(x, w, impl).forEach((t) => t.dispose());
      expect(tf.memory().numTensors, impl).toBe(before);
    }
    w.dispose();
    disposeInputs(x);
  });

  it.each(["fused", "reference"] as const)("is causal (%s): y at l ignores inputs after l", async (impl) => {
    const c = {...SCAN_CASES[1], length: 10};
    const x = scanInputs(c, 11);
    const other = scanInputs(c, 12);
    const cut = 4;
    // Positions > cut come from `other`; positions ≤ cut stay.
    const splice = (a: tf.Tensor, b: tf.Tensor) =>
      tf.concat([tf.slice(a, [0, 0, 0], [c.batch, cut + 1, -1]), tf.slice(b, [0, cut + 1, 0], [c.batch, -1, -1])], 1);
    const mixed: SelectiveScanInputs = {...x};
    for (const k of ["u", "delta", "B", "C", "z"] as const) mixed[k] = splice(x[k] as tf.Tensor, other[k] as tf.Tensor);
    const y1 = selectiveScan(x, {impl});
    const y2 = selectiveScan(mixed, {impl});
    const head = async (y: tf.Tensor) => tf.slice(y, [0, 0, 0], [c.batch, cut + 1, -1]).data();
    expect(Array.from(await head(y2))).toEqual(Array.from(await head(y1)));
    const tail = async (y: tf.Tensor) => tf.slice(y, [0, cut + 1, 0], [c.batch, -1, -1]).data();
    expect(Array.from(await tail(y2))).not.toEqual(Array.from(await tail(y1)));
    for (const k of ["u", "delta", "B", "C", "z"] as const) mixed[k]?.dispose();
    for (const t of [y1, y2]) t.dispose();
    disposeInputs(x);
    disposeInputs(other);
  });
});

describe("selectiveScan reference gradient", () => {
  beforeAll(() => useBackend("cpu"));

  // Directional derivative: (L(x + εv) − L(x − εv)) / 2ε against ⟨∇L, v⟩, one random v per input.
  it.each(SCAN_INPUT_NAMES)("agrees with finite differences for %s", async (name) => {
    const c = {...SCAN_CASES[1], length: 5};
    const x = scanInputs(c, 5);
    const w = tf.randomNormal(x.u.shape, 0, 1, "float32", 9);
    const loss = (inputs: SelectiveScanInputs) => tf.tidy(() => tf.sum(tf.mul(selectiveScan(inputs, {impl: "reference"}), w)).arraySync() as number);
    const grads = scanWithGradients(x, w, "reference");
    const base = x[name] as tf.Tensor;
    const v = tf.randomNormal(base.shape, 0, 1, "float32", 13);
    const eps = 1e-2;
    const plus = tf.add(base, tf.mul(v, eps));
    const minus = tf.sub(base, tf.mul(v, eps));
    const numeric = (loss({...x, [name]: plus}) - loss({...x, [name]: minus})) / (2 * eps);
    const analytic = (await tf.sum(tf.mul(grads.get(name) as tf.Tensor, v)).data())[0];
    expect(Math.abs(numeric - analytic)).toBeLessThanOrEqual(2e-3 * Math.max(1, Math.abs(analytic)));
    for (const t of [...grads.values(), w, v, plus, minus]) t.dispose();
    disposeInputs(x);
  });
});

describe("selectiveScan input checks", () => {
  beforeAll(() => useBackend("cpu"));
  const c = SCAN_CASES[1];

  it.each([
    ["delta", (x: SelectiveScanInputs) => ({...x, delta: tf.zeros([c.batch, c.length + 1, c.channels])}), /delta must be \[batch, length, channels\]/],
    ["A", (x: SelectiveScanInputs) => ({...x, A: tf.zeros([c.channels + 1, c.state])}), /A must be \[channels, state\]/],
    ["B", (x: SelectiveScanInputs) => ({...x, B: tf.zeros([c.batch, c.length, c.state + 1])}), /B must be \[batch, length, state\]/],
    ["C", (x: SelectiveScanInputs) => ({...x, C: tf.zeros([c.batch, c.length])}), /C must be \[batch, length, state\]/],
    ["D", (x: SelectiveScanInputs) => ({...x, D: tf.zeros([c.channels, 1])}), /D must be \[channels\]/],
    ["z", (x: SelectiveScanInputs) => ({...x, z: tf.zeros([c.batch, c.length, c.channels - 1])}), /z must be \[batch, length, channels\]/],
    ["deltaBias", (x: SelectiveScanInputs) => ({...x, deltaBias: tf.zeros([2])}), /deltaBias must be \[channels\]/],
    ["u rank", (x: SelectiveScanInputs) => ({...x, u: tf.zeros([c.batch, c.length])}), /u must be \[batch, length, channels\]/],
    ["int u", (x: SelectiveScanInputs) => ({...x, u: tf.zeros(x.u.shape, "int32")}), /u must be float32, got int32/],
    ["int A", (x: SelectiveScanInputs) => ({...x, A: tf.zeros(x.A.shape, "int32")}), /A must be float32, got int32/],
    ["array B", (x: SelectiveScanInputs) => ({...x, B: [[1]] as unknown as tf.Tensor}), /B must be a tf.Tensor, got object/]
  ])("rejects a bad %s, naming it", (_, corrupt, message) => {
    const x = scanInputs(c, 1);
    const bad = corrupt(x);
    for (const impl of ["fused", "reference", "auto"] as const) expect(() => selectiveScan(bad, {impl})).toThrow(message);
    disposeInputs(x);
  });

  it("rejects an unknown impl", () => {
    const x = scanInputs(c, 1);
    expect(() => selectiveScan(x, {impl: "fast" as never})).toThrow(/impl must be one of reference, fused, auto, got fast/);
    disposeInputs(x);
  });
});
