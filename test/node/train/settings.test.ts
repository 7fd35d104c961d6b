import {describe, expect, it} from "vitest";
import {checkSettings, DEFAULT_SETTINGS, defaultWarmup, isLiveSetting, parseSetting, settingsFromQuery, settingsToQuery} from "../../../src/lib/train/settings.js";
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
  it("read a URL strictly: an empty or non-decimal number is an error, not 0 or a hex value", () => {
    const {settings, errors} = settingsFromQuery("wc=&wd=0x1&lr=%201e-3&steps=200");
    expect([settings.contrastiveWeight, settings.distillWeight, settings.learningRate, settings.steps]).toEqual([0.25, 0.75, 2e-3, 200]);
    expect(errors).toEqual([
      "URL parameter wc=: expected a number in [0, 10]; using the default",
      "URL parameter wd=0x1: expected a number in [0, 10]; using the default",
      "URL parameter lr= 1e-3: expected a number in (0, 1]; using the default"
    ]);
    expect(parseSetting("learningRate", "1e-3")).toEqual({value: 1e-3, problem: null});
    expect(parseSetting("dr", "0")).toEqual({value: false, problem: null});
  });
  it("keep every valid URL parameter when two conflict, naming the one dropped", () => {
    const {settings, errors} = settingsFromQuery("steps=30&warmup=50&lr=0.01&seed=4&wc=0&wd=0");
    expect([settings.steps, settings.learningRate, settings.seed, settings.contrastiveWeight, settings.distillWeight]).toEqual([30, 0.01, 4, 0, 0.75]);
    expect(settings.warmupSteps).toBe(10);
    expect(errors).toEqual([
      "URL parameter wd=0: settings.contrastiveWeight and settings.distillWeight are both 0: at least one must be > 0; using the default",
      "URL parameter warmup=50: settings.warmupSteps (50) must not exceed settings.steps (30); using the default"
    ]);
  });
  it("scale the default warm-up to short runs, and keep 40 from 120 steps on", () => {
    expect(checkSettings({steps: 30}).warmupSteps).toBe(10);
    expect(checkSettings({steps: 1}).warmupSteps).toBe(0);
    expect(checkSettings({steps: 150}).warmupSteps).toBe(40);
    expect(checkSettings({steps: 30, warmupSteps: 30}).warmupSteps).toBe(30);
    expect(defaultWarmup(DEFAULT_SETTINGS.steps)).toBe(DEFAULT_SETTINGS.warmupSteps);
  });
  it("look names up as own keys only: a prototype's name is an unknown setting", () => {
    for (const key of ["toString", "constructor", "hasOwnProperty"]) {
      expect(() => checkSettings({[key]: 1} as never)).toThrow(`settings: unknown setting "${key}"`);
    }
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
