import {SUITES} from "../../../src/lib/eval/suites.js";
import type {EncoderName, LatencyPoint} from "../../../src/lib/rq/latencyStudy.js";
import type {RunResult} from "../../../src/lib/rq/runBundle.js";
import type {RunExport} from "../../../src/lib/train/runExport.js";
import {checkSettings, type TrainSettings} from "../../../src/lib/train/settings.js";

/** A run file as the trainer exports it, with the given main_metric for every suite. */
export function runExport(name: string, settings: Partial<TrainSettings>, score: (key: string) => number, {evaluations = 1} = {}): RunExport {
  const lines = SUITES.map((s) => ({key: s.key, dataset: s.dataset, metrics: {acc1: score(s.key), acc5: Math.min(1, score(s.key) + 0.2), main_metric: score(s.key)}}));
  return {
    format: "dm-clip-run",
    version: 1,
    name,
    settings: checkSettings(settings),
    environment: {backend: "wasm", machine: "test", seconds: 1, stepsDone: 10, createdAt: "2026-11-29T00:00:00Z"},
    curves: [{step: 1, total: 1, contrastive: 1, distill: null, logitScale: 14, gradNorm: 1, learningRate: 1e-3, contrastiveWeight: 1, distillWeight: 0, teacherScale: null, imagesPerSecond: 1}],
    evaluations: Array.from({length: evaluations}, (_, i) => ({step: 10 * (i + 1), lines})),
    outcome: "finished 10 steps"
  };
}

/** The same run as a bundle holds it. */
export function runResult(name: string, settings: Partial<TrainSettings>, score: (key: string) => number): RunResult {
  const run = runExport(name, settings, score);
  return {name, source: `data/runs/test/${name}.json`, settings: run.settings, environment: run.environment, outcome: run.outcome, step: 10, lines: run.evaluations[0].lines};
}

/**
 * A λ sweep: for each distillation weight and seed, every suite scores `score(λ, seed)`.
 * w_c = 1 − λ, as the RQ1 grid is.
 */
export function sweep(lambdas: readonly number[], seeds: readonly number[], score: (lambda: number, seed: number) => number): RunResult[] {
  return lambdas.flatMap((lambda) =>
    seeds.map((seed) => runResult(`wd${lambda}-s${seed}`, {contrastiveWeight: 1 - lambda, distillWeight: lambda, seed}, () => score(lambda, seed)))
  );
}

const middle = (passes: readonly number[]) => [...passes].sort((a, b) => a - b)[passes.length >> 1];

/**
 * One point of a latency study at batch 1 on wasm: measured with these passes (ms of wall time),
 * or skipped when `times` is null; `extra` overrides any field.
 */
export function latencyPoint(encoder: EncoderName, imageSize: number, times: readonly number[] | null, extra: Partial<LatencyPoint> = {}): LatencyPoint {
  return {
    encoder,
    backend: "wasm",
    batch: 1,
    imageSize,
    tokens: (imageSize / 8) ** 2 + 1,
    parameters: 1,
    estimatedPeakBytes: 1,
    status: times ? "measured" : "skipped",
    medianMs: times ? middle(times) : null,
    timesMs: times ?? [],
    cpuTimesMs: null,
    medianCpuMs: null,
    reason: times ? null : "skipped in a run",
    ...extra
  };
}

/** The same passes timed in process CPU time, as `extra` for latencyPoint. */
export const cpuPasses = (cpu: readonly number[]): Partial<LatencyPoint> => ({cpuTimesMs: cpu, medianCpuMs: middle(cpu)});
