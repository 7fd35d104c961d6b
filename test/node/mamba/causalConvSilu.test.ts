import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, it} from "vitest";
import {CausalConv1d} from "../../../src/lib/mamba/causalConv1d.js";
import {fusedConvSiluAvailable} from "../../../src/lib/mamba/causalConvSilu.js";
import {ParamStore} from "../../../src/lib/nn/params.js";
import {NODE_BACKENDS, useBackend} from "../backends.js";
import {CONV_CASES, convFusedVsReference, convWithGradients, type ConvCase} from "./convSiluCases.js";
import {seededTensor} from "./scanCases.js";

const caseName = (c: ConvCase) => `B${c.batch} L${c.length} C${c.channels} K${c.kernel}${c.reverse ? " reversed" : ""}`;

describe.each(NODE_BACKENDS)("causal conv + SiLU on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  it("has a fused kernel", () => {
    expect(fusedConvSiluAvailable()).toBe(true);
  });

  it.each(CONV_CASES.map((c) => [caseName(c), c] as const))("fused matches the reference, forward and every gradient: %s", async (_, c) => {
    const errors = await convFusedVsReference(c, 3);
    expect(Object.keys(errors).sort()).toEqual(["bias", "u", "weight", "x"]);
    for (const [name, err] of Object.entries(errors)) expect(err, name).toBeLessThanOrEqual(1e-5);
  });

  it("keeps the tensor count flat over forward and backward, both impls", () => {
    const params = new ParamStore(1);
    const conv = new CausalConv1d(params, "conv1d", 8, 4);
    const start = seededTensor([2, 5, 8], 2);
    const x = tf.variable(start);
    const w = tf.onesLike(x);
    for (const impl of ["fused", "reference"] as const) {
      tf.dispose(convWithGradients(conv, x, w, impl));
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) tf.dispose(convWithGradients(conv, x, w, impl));
      expect(tf.memory().numTensors, impl).toBe(before);
    }
    tf.dispose([start, x, w]);
    params.dispose();
  });
});
