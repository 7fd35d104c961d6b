import * as tf from "@tensorflow/tfjs";
import {selectiveScan, type SelectiveScanInputs} from "./selectiveScan.js";

/** One benchmark cell: Mamba's full scan (D skip, z gate, delta bias, softplus) at these sizes. */
export interface ScanTimingCase {
  batch: number;
  length: number;
  channels: number;
  state: number;
  impl: "reference" | "fused";
  /** "forward": y only; "forward+backward": y and the gradient of every input, as in training. */
  mode: "forward" | "forward+backward";
}

export interface ScanTiming extends ScanTimingCase {
  backend: string;
  /** Median and fastest wall time of `reps` timed runs, after `warmup` untimed ones (JIT, shader compilation). */
  medianMs: number;
  minMs: number;
  /** Median CPU time of this process per run, where a `cpuClock` was given: on a shared machine, the cost without the waiting. */
  medianCpuMs?: number;
  reps: number;
  warmup: number;
}

export interface TimingOptions {
  reps?: number;
  warmup?: number;
  seed?: number;
  /** This process's CPU time in ms (Node: process.cpuUsage), if the platform has one. */
  cpuClock?: () => number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function inputs(c: ScanTimingCase, seed: number): SelectiveScanInputs {
  const tokens = [c.batch, c.length, c.channels];
  const seq = [c.batch, c.length, c.state];
  return tf.tidy(() => ({
    u: tf.randomNormal(tokens, 0, 1, "float32", seed),
    delta: tf.randomNormal(tokens, -1, 1, "float32", seed + 1),
    A: tf.neg(tf.randomUniform([c.channels, c.state], 0.5, 4, "float32", seed + 2)),
    B: tf.randomNormal(seq, 0, 1, "float32", seed + 3),
    C: tf.randomNormal(seq, 0, 1, "float32", seed + 4),
    D: tf.randomNormal([c.channels], 0, 1, "float32", seed + 5),
    z: tf.randomNormal(tokens, 0, 1, "float32", seed + 6),
    deltaBias: tf.randomNormal([c.channels], 0, 0.5, "float32", seed + 7)
  }));
}

const NAMES = ["u", "delta", "A", "B", "C", "D", "z", "deltaBias"] as const;

/** Times the scan on the active backend, reading every result back (await data()) inside the timing. */
export async function timeScan(c: ScanTimingCase, {reps = 5, warmup = 2, seed = 1, cpuClock}: TimingOptions = {}): Promise<ScanTiming> {
  const x = inputs(c, seed);
  const run = async () => {
    const outputs =
      c.mode === "forward"
        ? [selectiveScan(x, {impl: c.impl})]
        : tf.grads((...ts: tf.Tensor[]) => {
            const parts = Object.fromEntries(NAMES.map((k, i) => [k, ts[i]])) as unknown as SelectiveScanInputs;
            return tf.sum(selectiveScan(parts, {impl: c.impl})) as tf.Scalar;
          })(NAMES.map((k) => x[k] as tf.Tensor));
    await Promise.all(outputs.map((t) => t.data()));
    tf.dispose(outputs);
  };
  for (let i = 0; i < warmup; i++) await run();
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i < reps; i++) {
    const [start, cpuStart] = [performance.now(), cpuClock?.() ?? 0];
    await run();
    times.push(performance.now() - start);
    cpuTimes.push((cpuClock?.() ?? 0) - cpuStart);
  }
  tf.dispose(NAMES.map((k) => x[k] as tf.Tensor));
  const timing: ScanTiming = {...c, backend: tf.getBackend(), medianMs: median(times), minMs: Math.min(...times), reps, warmup};
  if (cpuClock) timing.medianCpuMs = median(cpuTimes);
  return timing;
}
