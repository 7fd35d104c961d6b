import * as tf from "@tensorflow/tfjs";
import {beforeAll, describe, expect, it} from "vitest";
import {VIT_STUDENT} from "../../../src/lib/clip/presets.js";
import {VitEncoder, type VitConfig} from "../../../src/lib/clip/vit.js";
import {VimEncoder, VIM_STUDENT_DEFAULT, type VimConfig} from "../../../src/lib/mamba/vimEncoder.js";
import {estimateForwardMemory} from "../../../src/lib/rq/encoderMemory.js";
import {NODE_BACKENDS, useBackend} from "../backends.js";

/** The peak bytes tf.profile sees for one forward pass, input included. */
async function measuredPeak(encoder: VimEncoder | VitEncoder, batch: number, size: number): Promise<number> {
  const images = tf.fill([batch, size, size, 3], 0.5) as tf.Tensor4D;
  const before = tf.memory().numBytes;
  const profile = await tf.profile(() => encoder.apply(images));
  images.dispose();
  // profile's peak counts every live tensor; those alive before it (other than the input and
  // the encoder's weights) are not this forward pass's.
  const weights = encoder.params.count() * 4;
  return profile.peakBytes - (before - weights - batch * size * size * 3 * 4);
}

const CASES: [string, number, number, VimConfig | VitConfig][] = [
  ["Vim student", 1, 64, VIM_STUDENT_DEFAULT],
  ["Vim student", 3, 32, VIM_STUDENT_DEFAULT],
  ["Vim, width 32, depth 2", 2, 64, {...VIM_STUDENT_DEFAULT, width: 32, depth: 2}],
  ["ViT student", 1, 64, VIT_STUDENT],
  ["ViT student", 3, 96, VIT_STUDENT],
  ["ViT, width 48, depth 3, 3 heads", 2, 64, {...VIT_STUDENT, width: 48, depth: 3, heads: 3}]
];

describe.each(NODE_BACKENDS)("estimateForwardMemory on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  it.each(CASES)("bounds the measured peak of the %s (batch %i, %i px) within 35 percent", async (_, batch, size, config) => {
    const sized = {...config, imageSize: size};
    const encoder = sized.kind === "vim" ? new VimEncoder(sized) : new VitEncoder(sized);
    const peak = await measuredPeak(encoder, batch, size);
    const estimate = estimateForwardMemory(sized, encoder.params.count(), batch, size);
    encoder.params.dispose();
    expect(estimate.peakBytes).toBeGreaterThanOrEqual(peak);
    expect(estimate.peakBytes).toBeLessThanOrEqual(1.35 * peak);
  });
});

describe("estimateForwardMemory", () => {
  beforeAll(() => useBackend("cpu"));

  it("bounds the reference scan's memory (every position's state) when no fused kernel runs", async () => {
    const config = {...VIM_STUDENT_DEFAULT, imageSize: 32};
    const encoder = new VimEncoder(config);
    encoder.scanImpl = "reference";
    const peak = await measuredPeak(encoder, 2, 32);
    const estimate = estimateForwardMemory(config, encoder.params.count(), 2, 32, {fusedScan: false});
    encoder.params.dispose();
    expect(estimate.peakBytes).toBeGreaterThanOrEqual(peak);
    expect(estimate.peakBytes).toBeLessThanOrEqual(1.35 * peak);
  });

  it("puts ViT attention at 4,096 patches × batch 32 above 8 GiB, and Vim far below it", () => {
    const vit = estimateForwardMemory({...VIT_STUDENT, imageSize: 512}, 450_000, 32, 512);
    const scores = 32 * VIT_STUDENT.heads * 4097 * 4097 * 4;
    expect(vit.largestTensorBytes).toBe(scores);
    expect(vit.peakBytes).toBeGreaterThan(2 * scores);
    const vim = estimateForwardMemory({...VIM_STUDENT_DEFAULT, imageSize: 512}, 450_000, 32, 512);
    expect(vim.peakBytes).toBeLessThan(vit.peakBytes / 5);
  });

  it("names a bad argument", () => {
    expect(() => estimateForwardMemory(VIT_STUDENT, 10, 0, 64)).toThrow(/batch must be an integer ≥ 1, got 0/);
    expect(() => estimateForwardMemory(VIT_STUDENT, 10, 1, 60)).toThrow(/imageSize 60 must be a multiple of the patch size 8/);
  });
});
