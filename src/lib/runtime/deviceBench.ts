import * as tf from "@tensorflow/tfjs";
import {Rng} from "../random/rng.js";
import {activateBackend, BACKEND_ORDER, type BackendName, type BackendProbe} from "./backendSelection.js";

/**
 * A fixed small computation touching matMul, softmax, exp/log and a reduction. Every backend
 * must give the same numbers (to float32 rounding); the device page and its test compare them.
 */
export async function agreementProbe(): Promise<number[]> {
  const values = uniformValues(7);
  const out = tf.tidy(() => {
    const a = tf.tensor2d(values(4 * 8), [4, 8]);
    const b = tf.tensor2d(values(8 * 4), [8, 4]);
    const p = tf.softmax(tf.matMul(a, b));
    const logs = tf.log(tf.add(tf.exp(p), 1));
    return tf.concat([p.flatten(), tf.sum(logs, 1)]);
  });
  const data = Array.from(await out.data());
  out.dispose();
  return data;
}

/**
 * Seeded uniform(-1, 1) values from our own stream. tfjs's seeded random ops go through
 * seedrandom's `alea`, which Framework's CommonJS conversion breaks in the browser.
 */
function uniformValues(seed: number): (n: number) => Float32Array {
  const rng = new Rng(seed);
  return (n) => Float32Array.from({length: n}, () => rng.uniform(-1, 1));
}

export interface BenchFigure {
  /** Median milliseconds. */
  ms: number;
  runs: number;
}

async function medianMs(runs: number, once: () => Promise<void>): Promise<BenchFigure> {
  await once(); // warm-up: shader compilation, wasm page growth
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await once();
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  return {ms: times[Math.floor(times.length / 2)], runs};
}

/** Square matMul throughput on the active backend, result read back each run. */
export async function matmulGflops(n = 256, runs = 5): Promise<BenchFigure & {gflops: number; n: number}> {
  const values = uniformValues(1);
  const a = tf.tensor2d(values(n * n), [n, n]);
  const b = tf.tensor2d(values(n * n), [n, n]);
  const figure = await medianMs(runs, async () => {
    const c = tf.matMul(a, b);
    await c.data();
    c.dispose();
  });
  a.dispose();
  b.dispose();
  return {...figure, gflops: (2 * n ** 3) / (figure.ms * 1e6), n};
}

/**
 * The cost of one small op and its read-back: the floor under every training step. 4,096
 * elements, because the GPU backends hand smaller inputs to the CPU and would time nothing.
 */
export async function roundTripMs(runs = 20): Promise<BenchFigure> {
  const x = tf.ones([64, 64]);
  const figure = await medianMs(runs, async () => {
    const y = tf.add(x, 1);
    await y.data();
    y.dispose();
  });
  x.dispose();
  return figure;
}

/** One backend's figures on the device page. */
export interface BackendBench {
  readonly backend: BackendName;
  readonly kind: "real" | "software";
  readonly gflops: number;
  readonly matmulMs: number;
  readonly roundTripMs: number;
  /** The agreement probe's values, and their largest distance from cpu's. */
  readonly values: readonly number[];
  readonly maxDiff: number;
}

/**
 * Benchmarks every backend the probes found available, cpu first so that the others' agreement
 * is measured against plain JavaScript, then switches back to `current`: the page goes on
 * computing on the backend it chose.
 */
export async function benchmarkBackends(probes: readonly BackendProbe[], current: BackendName): Promise<BackendBench[]> {
  const rows: BackendBench[] = [];
  let reference: number[] | null = null;
  for (const name of ["cpu", ...BACKEND_ORDER.filter((n) => n !== "cpu")] as const) {
    const probe = probes.find((p) => p.name === name);
    if (!probe?.available || !(await activateBackend(name))) continue;
    const values = await agreementProbe();
    const ref: number[] = (reference ??= values);
    const maxDiff = Math.max(...values.map((v, i) => Math.abs(v - ref[i])));
    const mm = await matmulGflops(256, 5);
    const rt = await roundTripMs(20);
    rows.push({backend: name, kind: probe.hardware ? "real" : "software", gflops: mm.gflops, matmulMs: mm.ms, roundTripMs: rt.ms, values, maxDiff});
  }
  await activateBackend(current);
  return rows;
}
