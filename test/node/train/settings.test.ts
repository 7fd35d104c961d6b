import {describe, expect, it} from "vitest";
import {checkSettings, DEFAULT_SETTINGS, isLiveSetting, settingsFromQuery, settingsToQuery} from "../../../src/lib/train/settings.js";
import {warmupCosine} from "../../../src/lib/train/schedule.js";

describe("settings", () => {
  it("round-trip through a URL query, writing only what differs from the defaults", () => {
    const settings = checkSettings({contrastiveWeight: 1, distillWeight: 0, student: "vit", teacherScale: 30, dr: true, seed: 9});
    const query = settingsToQuery(settings);
    expect(query).toBe("wc=1&wd=0&ts=30&student=vit&seed=9&dr=1");
    expect(settingsFromQuery(query)).toEqual({settings, errors: []});
    expect(settingsToQuery(DEFAULT_SETTINGS)).toBe("");
  });
  it("name the field of a bad value, and the URL reader falls back to the default", () => {
    expect(() => checkSettings({learningRate: -1})).toThrow(/settings.learningRate: expected a number in \(0, 1\], got -1/);
    expect(() => checkSettings({contrastiveWeight: 0, distillWeight: 0})).toThrow(/both 0/);
    expect(() => checkSettings({batchSize: 3.5})).toThrow(/settings.batchSize: expected an integer/);
    expect(() => checkSettings({colour: 1} as never)).toThrow(/unknown setting "colour"/);
    const {settings, errors} = settingsFromQuery("lr=abc&student=resnet&wd=0.5");
    expect(settings.learningRate).toBe(DEFAULT_SETTINGS.learningRate);
    expect(settings.student).toBe("vim");
    expect(settings.distillWeight).toBe(0.5);
    expect(errors).toEqual([expect.stringMatching(/^URL parameter lr=abc: expected a number/), expect.stringMatching(/^URL parameter student=resnet: expected "vim" or "vit"/)]);
  });
  it("mark exactly the loss weights, teacher scale and learning rate as live", () => {
    const live = (Object.keys(DEFAULT_SETTINGS) as (keyof typeof DEFAULT_SETTINGS)[]).filter(isLiveSetting);
    expect(live.sort()).toEqual(["contrastiveWeight", "distillWeight", "learningRate", "teacherScale"]);
  });
});

describe("warmupCosine", () => {
  it("warms up linearly, then decays by a half cosine to the floor", () => {
    expect(warmupCosine(0, 10, 110)).toBeCloseTo(0.1);
    expect(warmupCosine(9, 10, 110)).toBeCloseTo(1);
    expect(warmupCosine(10, 10, 110)).toBeCloseTo(1);
    expect(warmupCosine(60, 10, 110)).toBeCloseTo(0.5);
    expect(warmupCosine(110, 10, 110)).toBeCloseTo(0);
    expect(warmupCosine(500, 10, 110, 0.1)).toBeCloseTo(0.1);
  });
});
