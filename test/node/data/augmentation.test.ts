import {describe, expect, it} from "vitest";
import {
  applyAugmentation,
  DEFAULT_AUGMENTATION_POLICY,
  IDENTITY_AUGMENTATION,
  sampleAugmentation,
  type Augmentation
} from "../../../src/lib/data/augmentation.js";
import type {RgbImage} from "../../../src/lib/data/image.js";
import {Rng} from "../../../src/lib/random/rng.js";

function randomImage(width: number, height: number, seed: number): RgbImage {
  const rng = new Rng(seed);
  return {width, height, data: Float32Array.from({length: width * height * 3}, () => rng.next())};
}

const with_ = (changes: Partial<Augmentation>): Augmentation => ({...IDENTITY_AUGMENTATION, ...changes});

describe("applyAugmentation", () => {
  it("is the identity for identity parameters and never modifies its input", () => {
    const image = randomImage(9, 9, 1);
    const copy = image.data.slice();
    expect(applyAugmentation(image, IDENTITY_AUGMENTATION).data).toEqual(image.data);
    applyAugmentation(image, sampleAugmentation(new Rng(2), {...DEFAULT_AUGMENTATION_POLICY, flipProbability: 1}));
    expect(image.data).toEqual(copy);
  });

  it("mirrors left–right exactly", () => {
    const image = randomImage(5, 4, 3);
    const out = applyAugmentation(image, with_({flip: true})).data;
    for (let y = 0; y < 4; y++) for (let x = 0; x < 5; x++) for (let c = 0; c < 3; c++) expect(out[3 * (y * 5 + x) + c]).toBe(image.data[3 * (y * 5 + 4 - x) + c]);
  });

  it("crops a box and resizes it back bilinearly (hand-computed on a 4×4 ramp)", () => {
    // Channel value = column index; the top-left quarter [0, 0, 0.5, 0.5] maps output column u
    // to source x = (u + 0.5)/4 · 2 − 0.5 = 0.5u − 0.25, clamped at the edge: 0, 0.25, 0.75, 1.25.
    const ramp: RgbImage = {width: 4, height: 4, data: Float32Array.from({length: 48}, (_, i) => Math.floor(i / 3) % 4 / 4)};
    const out = applyAugmentation(ramp, with_({crop: [0, 0, 0.5, 0.5]})).data;
    const row = [0, 1, 2, 3].map((u) => out[3 * u]);
    expect(row.map((v) => v * 4)).toEqual([0, 0.25, 0.75, 1.25].map((x) => expect.closeTo(x, 6)));
    // The same box seen mirrored reads the row backwards.
    const mirrored = applyAugmentation(ramp, with_({crop: [0, 0, 0.5, 0.5], flip: true})).data;
    expect([0, 1, 2, 3].map((u) => mirrored[3 * u])).toEqual([...row].reverse());
  });

  it("jitters brightness, contrast and saturation as ColorJitter defines them", () => {
    const image: RgbImage = {width: 2, height: 1, data: Float32Array.from([0.2, 0.4, 0.6, 0.8, 0.5, 0.1])};
    expect(Array.from(applyAugmentation(image, with_({brightness: 0.5})).data)).toEqual(Array.from(image.data, (v) => expect.closeTo(v * 0.5, 6)));
    const grey = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;
    const flat = applyAugmentation(image, with_({saturation: 0})).data;
    expect(flat[0]).toBeCloseTo(grey(0.2, 0.4, 0.6), 6);
    expect(flat[1]).toBeCloseTo(flat[0], 6);
    expect(flat[3]).toBeCloseTo(grey(0.8, 0.5, 0.1), 6);
    const mean = (grey(0.2, 0.4, 0.6) + grey(0.8, 0.5, 0.1)) / 2;
    expect(Array.from(applyAugmentation(image, with_({contrast: 0})).data)).toEqual(Array.from(image.data, () => expect.closeTo(mean, 6)));
    expect(Math.max(...applyAugmentation(image, with_({brightness: 3})).data)).toBe(1);
  });

  it("rejects impossible parameters, naming the parameter", () => {
    const image = randomImage(4, 4, 4);
    expect(() => applyAugmentation(image, with_({crop: [0.6, 0, 0.5, 1]}))).toThrow(/params\.crop/);
    expect(() => applyAugmentation(image, with_({contrast: NaN}))).toThrow(/params\.contrast/);
  });
});

describe("sampleAugmentation", () => {
  it("draws crops inside the image with the policy's area and aspect ranges", () => {
    const rng = new Rng(5);
    const p = DEFAULT_AUGMENTATION_POLICY;
    for (let i = 0; i < 2000; i++) {
      const a = sampleAugmentation(rng);
      const [y, x, h, w] = a.crop;
      expect(y).toBeGreaterThanOrEqual(0);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(y + h).toBeLessThanOrEqual(1 + 1e-12);
      expect(x + w).toBeLessThanOrEqual(1 + 1e-12);
      expect(h * w).toBeGreaterThanOrEqual(p.scale[0] - 1e-12);
      expect(w / h).toBeGreaterThanOrEqual(p.ratio[0] - 1e-12);
      expect(w / h).toBeLessThanOrEqual(p.ratio[1] + 1e-12);
      expect(a.flip).toBe(false);
      for (const k of ["brightness", "contrast", "saturation"] as const) expect(Math.abs(a[k] - 1)).toBeLessThanOrEqual(p[k]);
    }
    expect(sampleAugmentation(new Rng(6), {...p, flipProbability: 1}).flip).toBe(true);
  });
});
