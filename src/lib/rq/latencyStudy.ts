import * as tf from "@tensorflow/tfjs";
import type {ImageEncoder} from "../clip/imageEncoder.js";
import {VIT_STUDENT} from "../clip/presets.js";
import {VitEncoder, type VitConfig} from "../clip/vit.js";
import {fusedScanAvailable} from "../mamba/selectiveScan.js";
import {VimEncoder, VIM_STUDENT_DEFAULT, type VimConfig} from "../mamba/vimEncoder.js";
import {Rng} from "../random/rng.js";
import {estimateForwardMemory} from "./encoderMemory.js";
import {processCpuClock, type Clock} from "./latencyClocks.js";
import {memoryLimits, type MemoryLimits} from "./memoryLimits.js";

/**
 * RQ2's latency study: the forward pass of the Vim student and of the ViT student of matched
 * parameter count, over image sizes and batch sizes, on the active backend. Each encoder is
 * built at each size through its config (position embeddings learned for that grid, so no
 * interpolation is timed); a size that would not fit in memory, or that follows one already
 * slower than the limit, is skipped with the reason. No DOM: the page, the benchmark script and
 * the tests run the same study.
 */

export type EncoderName = "vim" | "vit";
export const ENCODER_NAMES: readonly EncoderName[] = ["vim", "vit"];

export interface StudyConfigs {
  readonly vim: VimConfig;
  readonly vit: VitConfig;
}

/** The two students RQ2 compares (183,808 and 187,776 parameters at 64×64). */
export const STUDENT_CONFIGS: StudyConfigs = {vim: VIM_STUDENT_DEFAULT, vit: VIT_STUDENT};

/** Tokens at the size both students train at, the class token included (65 at 64×64 in 8-pixel patches). */
export const STUDENT_TOKENS = (STUDENT_CONFIGS.vim.imageSize / STUDENT_CONFIGS.vim.patchSize) ** 2 + 1;

export interface StudyPlan {
  /** Image sides in pixels, multiples of the patch size. */
  readonly sizes: readonly number[];
  readonly batches: readonly number[];
  /** Untimed passes first (shader compilation, wasm heap growth, XNNPACK packing). */
  readonly warmup: number;
  /** Timed passes at most; the median is reported. */
  readonly repeats: number;
  /** Stop timing a point once its timed passes add up to this (at least one pass is timed). */
  readonly pointBudgetMs: number;
  /** Skip the larger sizes of an encoder and batch once one pass took longer than this. */
  readonly maxForwardMs: number;
  /** Peak memory allowed per forward pass (also capped by the backend's own limits). */
  readonly memoryBudgetBytes: number;
}

/** A few seconds a point: batch 1 up to 1,024 tokens. */
export const QUICK_PLAN: StudyPlan = {
  sizes: [64, 128, 256],
  batches: [1],
  warmup: 1,
  repeats: 3,
  pointBudgetMs: 3_000,
  maxForwardMs: 10_000,
  memoryBudgetBytes: 2 ** 30
};

/** The whole study: 64 → 4,096 tokens (patch 8), batches 1 and 32. */
export const FULL_PLAN: StudyPlan = {
  sizes: [64, 128, 192, 256, 384, 512],
  batches: [1, 32],
  warmup: 1,
  repeats: 3,
  pointBudgetMs: 10_000,
  maxForwardMs: 20_000,
  memoryBudgetBytes: 2 ** 30
};

export interface LatencyPoint {
  readonly encoder: EncoderName;
  readonly backend: string;
  readonly batch: number;
  readonly imageSize: number;
  /** Patches plus the class token. */
  readonly tokens: number;
  /** Trainable parameters at this size (the position table grows with the grid). */
  readonly parameters: number;
  readonly estimatedPeakBytes: number;
  readonly status: "measured" | "skipped";
  /** Median of the timed passes, ms of wall time; null when skipped. */
  readonly medianMs: number | null;
  readonly timesMs: readonly number[];
  /** The same passes in process CPU time, ms; null where the runtime has no CPU clock (browsers). */
  readonly cpuTimesMs: readonly number[] | null;
  readonly medianCpuMs: number | null;
  /** Why a point was skipped; null when measured. */
  readonly reason: string | null;
}

export interface StudyHooks {
  readonly configs?: StudyConfigs;
  /** Called as each point is done (measured or skipped). */
  readonly onPoint?: (point: LatencyPoint) => void;
  /** Checked between passes: true stops the study (a page leaving, a new study starting). */
  readonly shouldStop?: () => boolean;
  /** Process CPU time; by default the runtime's own, null for none. */
  readonly cpuClock?: Clock | null;
}

function checkPlan(plan: StudyPlan, configs: StudyConfigs): void {
  const fail = (field: string, what: string, got: unknown): never => {
    throw new Error(`latency study: plan.${field} must be ${what}, got ${JSON.stringify(got)}`);
  };
  const positiveInts = (field: "sizes" | "batches") => {
    const list = plan[field];
    if (!Array.isArray(list) || list.length === 0 || list.some((v) => !Number.isInteger(v) || v < 1)) fail(field, "a non-empty list of integers ≥ 1", list);
  };
  positiveInts("sizes");
  positiveInts("batches");
  for (const name of ENCODER_NAMES) {
    const p = configs[name].patchSize;
    const bad = plan.sizes.find((s) => s % p !== 0);
    if (bad !== undefined) fail("sizes", `multiples of the ${name} patch size ${p}`, bad);
  }
  if (!Number.isInteger(plan.warmup) || plan.warmup < 0) fail("warmup", "an integer ≥ 0", plan.warmup);
  if (!Number.isInteger(plan.repeats) || plan.repeats < 1) fail("repeats", "an integer ≥ 1", plan.repeats);
  for (const field of ["pointBudgetMs", "maxForwardMs", "memoryBudgetBytes"] as const) {
    if (!(plan[field] > 0)) fail(field, "a positive number", plan[field]);
  }
}

function buildEncoder(name: EncoderName, configs: StudyConfigs, imageSize: number): ImageEncoder {
  return name === "vim" ? new VimEncoder({...configs.vim, imageSize}) : new VitEncoder({...configs.vit, imageSize});
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0)} MiB`;

/** Why `bytes` of peak (and `largest` in one tensor) would not fit, or null. */
function memoryProblem(peak: number, largest: number, limits: MemoryLimits): string | null {
  if (peak > limits.budgetBytes) return `needs about ${mib(peak)} at its peak, over the ${mib(limits.budgetBytes)} budget`;
  if (largest > limits.maxTensorBytes) return `one tensor would take ${mib(largest)}, more than ${limits.source} allows`;
  return null;
}

/**
 * Times `encoder` on `images`: warm-up, then passes until `repeats` or the point's budget (in
 * wall time, which is what the page's user waits for), each on the wall clock and the CPU clock.
 */
async function timeForward(encoder: ImageEncoder, images: tf.Tensor4D, plan: StudyPlan, stop: () => boolean, cpuClock: Clock | null): Promise<{wall: number[]; cpu: number[] | null} | null> {
  const once = async () => {
    const cpuStarted = cpuClock?.() ?? 0;
    const started = performance.now();
    const out = encoder.apply(images);
    await out.data();
    out.dispose();
    const wall = performance.now() - started;
    return {wall, cpu: cpuClock ? cpuClock() - cpuStarted : 0};
  };
  for (let i = 0; i < plan.warmup; i++) {
    if (stop()) return null;
    await once();
    await nextTask();
  }
  const wall: number[] = [];
  const cpu: number[] = [];
  while (wall.length < plan.repeats && (wall.length === 0 || wall.reduce((a, b) => a + b, 0) < plan.pointBudgetMs)) {
    if (stop()) return null;
    const t = await once();
    wall.push(t.wall);
    cpu.push(t.cpu);
    await nextTask();
  }
  return {wall, cpu: cpuClock ? cpu : null};
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median: values must not be empty");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Runs `plan` on the active backend: for each batch, each size (ascending), each encoder.
 * Resolves with every point, in that order (fewer when stopped). Leaves no tensor behind.
 */
export async function runLatencyStudy(plan: StudyPlan, {configs = STUDENT_CONFIGS, onPoint, shouldStop = () => false, cpuClock = processCpuClock()}: StudyHooks = {}): Promise<LatencyPoint[]> {
  checkPlan(plan, configs);
  const backend = tf.getBackend();
  const limits = memoryLimits(plan.memoryBudgetBytes);
  const fusedScan = fusedScanAvailable(backend);
  const points: LatencyPoint[] = [];
  const sizes = [...new Set(plan.sizes)].sort((a, b) => a - b);
  for (const batch of plan.batches) {
    const slowAt = new Map<EncoderName, LatencyPoint>();
    for (const imageSize of sizes) {
      let images: tf.Tensor4D | null = null;
      for (const name of ENCODER_NAMES) {
        if (shouldStop()) {
          images?.dispose();
          return points;
        }
        const encoder = buildEncoder(name, configs, imageSize);
        const config = configs[name];
        const tokens = (imageSize / config.patchSize) ** 2 + 1;
        const parameters = encoder.params.count();
        const memory = estimateForwardMemory({...config, imageSize}, parameters, batch, imageSize, {fusedScan});
        const base = {encoder: name, backend, batch, imageSize, tokens, parameters, estimatedPeakBytes: memory.peakBytes};
        const slow = slowAt.get(name);
        let reason = memoryProblem(memory.peakBytes, memory.largestTensorBytes, limits);
        if (!reason && slow) reason = `${slow.imageSize}×${slow.imageSize} already took ${(slow.timesMs.at(-1)! / 1000).toFixed(1)} s per pass (limit ${(plan.maxForwardMs / 1000).toFixed(0)} s)`;
        let point: LatencyPoint;
        if (reason) {
          point = {...base, status: "skipped", medianMs: null, timesMs: [], cpuTimesMs: cpuClock ? [] : null, medianCpuMs: null, reason};
        } else {
          images ??= randomImages(batch, imageSize);
          const times = await timeForward(encoder, images, plan, shouldStop, cpuClock);
          if (times === null) {
            encoder.params.dispose();
            images.dispose();
            return points;
          }
          const cpu = times.cpu === null ? {cpuTimesMs: null, medianCpuMs: null} : {cpuTimesMs: times.cpu, medianCpuMs: median(times.cpu)};
          point = {...base, status: "measured", medianMs: median(times.wall), timesMs: times.wall, ...cpu, reason: null};
          if (Math.max(...times.wall) > plan.maxForwardMs) slowAt.set(name, point);
        }
        encoder.params.dispose();
        points.push(point);
        onPoint?.(point);
      }
      images?.dispose();
    }
  }
  return points;
}

/** Pixel values from the lab's seeded stream: timing does not depend on them, but honest inputs cost little. */
function randomImages(batch: number, size: number): tf.Tensor4D {
  const rng = new Rng(batch * 10_007 + size);
  const values = new Float32Array(batch * size * size * 3);
  for (let i = 0; i < values.length; i++) values[i] = rng.next();
  return tf.tensor4d(values, [batch, size, size, 3]);
}
