import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, it} from "vitest";
import {planTranspose} from "../../../src/lib/runtime/fastTransposeWasm.js";
import {installSpeedFixes, installedSpeedFixes} from "../../../src/lib/runtime/speedFixes.js";
import {Rng} from "../../../src/lib/random/rng.js";
import {NODE_BACKENDS, useBackend} from "../backends.js";
import {caseError, speedCases} from "./speedCases.js";

const TOLERANCE = 1e-4;
const WASM_KERNELS = ["BatchMatMul", "Transpose", "Identity", "Cast", "Slice", "SplitV", "Unpack", "Concat", "Pack", "Reverse", "Tanh"];

describe("planTranspose", () => {
  it("splits permutations into steps that move at most four axes", () => {
    const rng = new Rng(3);
    for (let rank = 1; rank <= 8; rank++) {
      for (let trial = 0; trial < 20; trial++) {
        const shape = Array.from({length: rank}, () => 1 + rng.int(4));
        const perm = rng.shuffle([...Array(rank).keys()]);
        for (const step of planTranspose(shape, perm)) {
          let fixed = 0;
          while (step.perm[fixed] === fixed) fixed++;
          expect(step.perm.length - fixed, `[${shape}] by [${perm}]`).toBeLessThanOrEqual(4);
          expect(step.shape.every((s) => s > 1)).toBe(true);
        }
      }
    }
  });

  it("merges axes that stay neighbours", () => {
    expect(planTranspose([4, 5, 3, 2, 6], [2, 0, 3, 1, 4])).toEqual([
      {shape: [20, 3, 12], perm: [1, 0, 2]},
      {shape: [12, 5, 2, 6], perm: [0, 2, 1, 3]}
    ]);
    expect(planTranspose([2, 3, 4], [0, 1, 2])).toEqual([{shape: [24], perm: [0]}]);
  });
});

describe.each(NODE_BACKENDS)("speed fixes on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  it("are installed by useBackend, once, and stay installed across a backend switch", async () => {
    const expected = [...(backend === "wasm" ? WASM_KERNELS : ["BatchMatMul"]), "BatchMatMul gradient"];
    expect(installedSpeedFixes(backend)).toEqual(expected);
    const kernel = tf.getKernel("BatchMatMul", backend);
    installSpeedFixes(backend);
    expect(tf.getKernel("BatchMatMul", backend)).toBe(kernel);
    for (const other of NODE_BACKENDS) await useBackend(other);
    await useBackend(backend);
    expect(installedSpeedFixes(backend)).toEqual(expected);
    expect(tf.getKernel("BatchMatMul", backend)).toBe(kernel);
  });

  it("reject an unknown backend by name", () => {
    expect(() => installSpeedFixes("nosuch")).toThrow(/backendName "nosuch"/);
  });

  it("keep every value and gradient of the stock kernels (or of the plain-ops reference), leaking no tensor", async () => {
    const cases = speedCases();
    const before = tf.memory().numTensors;
    const failures: string[] = [];
    for (const c of cases) {
      const error = await caseError(backend, c);
      if (!(error < TOLERANCE)) failures.push(`${c.name}: relative error ${error}`);
    }
    expect(tf.memory().numTensors).toBe(before);
    cases.forEach((c) => c.dispose());
    expect(failures).toEqual([]);
    expect(cases.length).toBeGreaterThan(60);
  });
});
