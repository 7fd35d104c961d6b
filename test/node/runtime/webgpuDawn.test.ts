import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, it} from "vitest";
import {VIT_STUDENT} from "../../../src/lib/clip/presets.js";
import type {VitConfig} from "../../../src/lib/clip/vit.js";
import type {VimConfig} from "../../../src/lib/mamba/vimEncoder.js";
import {fusedScanAvailable} from "../../../src/lib/mamba/selectiveScan.js";
import {installedSpeedFixes} from "../../../src/lib/runtime/speedFixes.js";
import {trainingStep, type StepModel} from "../../../src/lib/runtime/speedStep.js";
import {installDawnWebGPU} from "../../../scripts/dawnWebGPU.js";
import {useBackend} from "../backends.js";
import {relativeError} from "../relativeError.js";
import {fusedVsReference, SCAN_CASES, TINY_VIM} from "../mamba/scanCases.js";
import {caseError, speedCases} from "../speed/speedCases.js";

// The lab's WebGPU kernels (the fused selective scan, the broadcasting matMul fix) and a whole
// training step, on tfjs's webgpu backend in Node through Dawn: on a machine without a GPU that is
// SwiftShader, hence the small sizes. The Chromium twins are test/browser/mamba.test.ts and
// test/browser/speedFixes.test.ts. Values are read with `await data()`: dataSync on WebGPU
// returned zeros (docs/tfjs-traps.md).

/** The ViT student's architecture at TINY_VIM's size: 16×16 images in 4×4 patches, width 16, depth 2. */
const TINY_VIT: VitConfig = {...VIT_STUDENT, imageSize: 16, patchSize: 4, width: 16, depth: 2, heads: 2, embedDim: 8};
const TINY_STEPS: Array<[StepModel, VitConfig | VimConfig]> = [
  ["vit-student", TINY_VIT],
  ["vim-student", TINY_VIM]
];

/** One training step on `backend`: its loss and, by parameter name, how far the step moved each weight. */
async function stepUpdates(backend: "cpu" | "webgpu", model: StepModel, config: VitConfig | VimConfig) {
  await useBackend(backend);
  const step = trainingStep(model, {batch: 4, config});
  const weights = async () => new Map(await Promise.all([...step.encoder.params.vars].map(async ([name, v]) => [name, Float32Array.from(await v.data())] as const)));
  const before = await weights();
  const loss = await step.run();
  const after = await weights();
  step.dispose();
  const updates = new Map([...after].map(([name, w]) => [name, w.map((x, i) => x - before.get(name)![i])]));
  return {loss, updates};
}

describe("tfjs webgpu in Node through Dawn", () => {
  beforeAll(() => useBackend("webgpu"));

  it("runs on Dawn's adapter, with the fused scan and the matMul fix registered", async () => {
    const adapter = await installDawnWebGPU();
    expect(adapter.available).toBe(true);
    expect(tf.getBackend()).toBe("webgpu");
    expect(fusedScanAvailable()).toBe(true);
    expect(installedSpeedFixes("webgpu")).toEqual(["BatchMatMul", "BatchMatMul gradient"]);
  });

  // The 100-position cases are there for the SIMD kernel's 64-position chunks, which WGSL does not
  // have; on SwiftShader their reference scans would take most of this file's time.
  it("fused scans match the reference, forward and every gradient, on the shared cases", async () => {
    const cases = SCAN_CASES.filter((c) => c.length <= 64);
    const before = tf.memory().numTensors;
    for (const c of cases) {
      const errors = await fusedVsReference(c, 7);
      const name = JSON.stringify(c);
      expect(Object.keys(errors), name).toContain("y");
      for (const [input, err] of Object.entries(errors)) expect(err, `${name} ${input}`).toBeLessThanOrEqual(1e-4);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(cases.length).toBeGreaterThanOrEqual(8);
  });

  // Only batches broadcast on both sides ([2,1,…]·[1,3,…]) take the fix's own path, a Tile on
  // webgpu; other products pass through to stock tfjs, and Chromium's test runs them all.
  it("the broadcasting matMul gives the plain-ops reference's values and gradients", async () => {
    const all = speedCases();
    const cases = all.filter((c) => c.reference && c.name.startsWith("matMul [2,1,"));
    const before = tf.memory().numTensors;
    const failures: string[] = [];
    for (const c of cases) {
      const error = await caseError("webgpu", c);
      if (!(error < 1e-4)) failures.push(`${c.name}: relative error ${error}`);
    }
    expect(tf.memory().numTensors).toBe(before);
    all.forEach((c) => c.dispose());
    expect(failures).toEqual([]);
    expect(cases.length).toBe(4);
  });

  it.each(TINY_STEPS)("one training step of a small %s (forward, CLIP loss, backward, AdamW) matches cpu's", async (model, config) => {
    const cpu = await stepUpdates("cpu", model, config);
    const before = tf.memory().numTensors;
    const gpu = await stepUpdates("webgpu", model, config);
    expect(tf.memory().numTensors).toBe(before);
    expect(Math.abs(gpu.loss - cpu.loss) / Math.abs(cpu.loss)).toBeLessThanOrEqual(1e-5);
    expect([...gpu.updates.keys()]).toEqual([...cpu.updates.keys()]);
    // AdamW's first step moves a weight by the learning rate times g / (|g| + ε), about its sign: a
    // wrong gradient moves it by up to twice the largest update. Gradients that are zero in exact
    // arithmetic (the attention keys' bias) are rounding noise near ε on both backends, and differ
    // by a few percent.
    for (const [name, update] of gpu.updates) expect(relativeError(update, cpu.updates.get(name)!, 0), name).toBeLessThanOrEqual(5e-2);
  });
});
