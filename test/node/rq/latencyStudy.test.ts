import * as tf from "@tensorflow/tfjs";
import {cpus} from "node:os";
import {beforeAll, describe, expect, it} from "vitest";
import {VIT_STUDENT} from "../../../src/lib/clip/presets.js";
import {VIM_STUDENT_DEFAULT} from "../../../src/lib/mamba/vimEncoder.js";
import {median, runLatencyStudy, type LatencyPoint, type StudyPlan} from "../../../src/lib/rq/latencyStudy.js";
import {memoryLimits} from "../../../src/lib/rq/memoryLimits.js";
import {NODE_BACKENDS, useBackend} from "../backends.js";

// Tiny encoders and images keep each pass to milliseconds; the study's logic is what is tested.
const TINY = {vim: {...VIM_STUDENT_DEFAULT, width: 16, depth: 1}, vit: {...VIT_STUDENT, width: 16, depth: 1, heads: 2}};
const PLAN: StudyPlan = {sizes: [32, 16], batches: [1, 2], warmup: 1, repeats: 2, pointBudgetMs: 10_000, maxForwardMs: 60_000, memoryBudgetBytes: 2 ** 30};

describe.each(NODE_BACKENDS)("runLatencyStudy on %s", (backend) => {
  beforeAll(() => useBackend(backend));

  it("times both encoders at every size and batch, in order, leaving no tensor behind", async () => {
    const before = tf.memory().numTensors;
    const seen: LatencyPoint[] = [];
    const points = await runLatencyStudy(PLAN, {configs: TINY, onPoint: (p) => seen.push(p)});
    expect(tf.memory().numTensors).toBe(before);
    expect(seen).toEqual(points);
    expect(points.map((p) => `${p.batch}/${p.imageSize}/${p.encoder}`)).toEqual(["1/16/vim", "1/16/vit", "1/32/vim", "1/32/vit", "2/16/vim", "2/16/vit", "2/32/vim", "2/32/vit"]);
    for (const p of points) {
      expect(p).toMatchObject({status: "measured", backend, reason: null});
      expect(p.timesMs).toHaveLength(2);
      expect(p.medianMs).toBe(median(p.timesMs));
      expect(p.medianMs).toBeGreaterThan(0);
      expect(p.tokens).toBe((p.imageSize / 8) ** 2 + 1);
    }
    // Node has a CPU clock: every pass has its CPU time, and the process cannot outrun its cores.
    // Linux splits CPU time into user and system by scheduler ticks, so a reading may run up to
    // a tick (10 ms at the slowest) ahead of the wall clock: the bound allows one, on the sum too.
    const TICK_MS = 10;
    const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
    for (const p of points) {
      expect(p.cpuTimesMs).toHaveLength(p.timesMs.length);
      expect(p.medianCpuMs).toBe(median(p.cpuTimesMs!));
      p.cpuTimesMs!.forEach((cpu, i) => {
        expect(cpu).toBeGreaterThanOrEqual(0);
        expect(cpu).toBeLessThanOrEqual(p.timesMs[i] * cpus().length + TICK_MS);
      });
    }
    expect(sum(points.flatMap((p) => p.cpuTimesMs!))).toBeLessThanOrEqual(sum(points.flatMap((p) => p.timesMs)) * cpus().length + TICK_MS);
    // The position table grows with the grid: 4 more tokens of width 16 at 32 px than at 16 px.
    expect(points[2].parameters - points[0].parameters).toBe((16 - 4) * 16);
  });
});

describe("runLatencyStudy's limits", () => {
  beforeAll(() => useBackend("wasm"));

  it("skips what would not fit in the memory budget, saying how much it needs", async () => {
    // At 257 tokens the tiny ViT's attention scores outweigh the tiny Vim's activations.
    const points = await runLatencyStudy({...PLAN, sizes: [128], batches: [1], memoryBudgetBytes: 1.5 * 2 ** 20}, {configs: TINY});
    expect(points.map((p) => p.status)).toEqual(["measured", "skipped"]);
    expect(points[1].encoder).toBe("vit");
    expect(points[1].reason).toMatch(/^needs about \d\.\d MiB at its peak, over the 1\.5 MiB budget$/);
    expect(points[1].estimatedPeakBytes).toBeGreaterThan(1.5 * 2 ** 20);
    expect(points[0].estimatedPeakBytes).toBeLessThan(1.5 * 2 ** 20);
    expect(points[1].timesMs).toEqual([]);
  });

  it("skips larger sizes once a pass took longer than the limit", async () => {
    const points = await runLatencyStudy({...PLAN, batches: [1], maxForwardMs: 1e-6}, {configs: TINY});
    expect(points.map((p) => p.status)).toEqual(["measured", "measured", "skipped", "skipped"]);
    expect(points[2].reason).toMatch(/^16×16 already took 0\.\d s per pass \(limit 0 s\)$/);
  });

  it("stops when asked, between passes", async () => {
    let calls = 0;
    const before = tf.memory().numTensors;
    const points = await runLatencyStudy(PLAN, {configs: TINY, shouldStop: () => ++calls > 6});
    expect(points.length).toBeLessThan(8);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("reads the CPU clock it is given around each pass, and records none without one", async () => {
    let now = 0;
    const ticking = () => (now += 5);
    const points = await runLatencyStudy({...PLAN, sizes: [16], batches: [1]}, {configs: TINY, cpuClock: ticking});
    for (const p of points) expect(p).toMatchObject({cpuTimesMs: [5, 5], medianCpuMs: 5});
    const none = await runLatencyStudy({...PLAN, sizes: [16], batches: [1]}, {configs: TINY, cpuClock: null});
    for (const p of none) expect(p).toMatchObject({cpuTimesMs: null, medianCpuMs: null, status: "measured"});
    const skipped = await runLatencyStudy({...PLAN, sizes: [128], batches: [1], memoryBudgetBytes: 1.5 * 2 ** 20}, {configs: TINY, cpuClock: null});
    expect(skipped[1]).toMatchObject({status: "skipped", cpuTimesMs: null, medianCpuMs: null});
  });

  it("names a bad plan", async () => {
    await expect(runLatencyStudy({...PLAN, sizes: [20]})).rejects.toThrow(/plan\.sizes must be multiples of the vim patch size 8, got 20/);
    await expect(runLatencyStudy({...PLAN, batches: []})).rejects.toThrow(/plan\.batches must be a non-empty list of integers ≥ 1/);
    await expect(runLatencyStudy({...PLAN, repeats: 0})).rejects.toThrow(/plan\.repeats must be an integer ≥ 1, got 0/);
  });
});

describe("memoryLimits", () => {
  it.each([
    ["wasm", /WebAssembly heap/],
    ["cpu", /typed arrays/]
  ] as const)("on %s caps one tensor below the budget and the backend's own limit", async (backend, source) => {
    await useBackend(backend);
    const limits = memoryLimits(8 * 2 ** 30);
    expect(limits.backend).toBe(backend);
    expect(limits.maxTensorBytes).toBe(2 * 2 ** 30);
    expect(limits.source).toMatch(source);
    expect(memoryLimits(2 ** 20).maxTensorBytes).toBe(2 ** 20);
    expect(() => memoryLimits(0)).toThrow(/budgetBytes must be a positive number, got 0/);
  });

  it("budgets wasm within its 4 GiB heap", async () => {
    await useBackend("wasm");
    expect(memoryLimits(64 * 2 ** 30).budgetBytes).toBe(4 * 2 ** 30);
  });
});
