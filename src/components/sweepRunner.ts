import type {RunResult} from "../lib/rq/runBundle.js";
import type {TrainSettings} from "../lib/train/settings.js";
import type {EvalLine} from "../lib/train/trainer.js";
import {startRuntime} from "./tfjsRuntime.js";
import {TrainerClient} from "./trainerClient.js";

export interface SweepPlan {
  lambdas: number[];
  seeds: number[];
  steps: number;
  batchSize: number;
  student: TrainSettings["student"];
}

let client: Promise<TrainerClient> | null = null;

/** One training worker for the page, started on first use (a sweep is opt-in). */
function worker(): Promise<TrainerClient> {
  client ??= startRuntime().then((runtime) => TrainerClient.create(runtime.backend, {evalEvery: 0}));
  return client;
}

/**
 * Trains one student per (λ, seed) in the browser's worker, each with w_c = 1 − λ, w_d = λ and
 * the same short budget, evaluates it on the live suites when its schedule ends, and returns
 * the runs in the shape the committed sweep uses, so the same verdict and charts read them.
 */
export async function runSweep(plan: SweepPlan, onProgress: (message: string) => void): Promise<RunResult[]> {
  const trainer = await worker();
  const runs: RunResult[] = [];
  const total = plan.lambdas.length * plan.seeds.length;
  for (const seed of plan.seeds) {
    for (const lambda of plan.lambdas) {
      const label = `w_d = ${lambda}, seed ${seed}`;
      onProgress(`run ${runs.length + 1} of ${total}: ${label}, training…`);
      const status = await trainer.request<{settings: TrainSettings; backend: string}>({
        type: "restart",
        changes: {contrastiveWeight: Math.round((1 - lambda) * 1000) / 1000, distillWeight: lambda, seed, steps: plan.steps, batchSize: plan.batchSize, student: plan.student, evalEvery: 0, warmupSteps: Math.min(20, plan.steps)}
      });
      const started = performance.now();
      const finished = new Promise<{lines: EvalLine[]; outcome: string}>((resolve, reject) => {
        let lines: EvalLine[] = [];
        const off = trainer.on((event, now) => {
          if (event.type === "step" && event.metrics.step % 10 === 0) onProgress(`run ${runs.length + 1} of ${total}: ${label}, step ${event.metrics.step} of ${plan.steps}`);
          if (event.type === "eval") lines = event.lines;
          if (event.type === "state" && event.state === "done") (off(), resolve({lines, outcome: event.reason}));
          if (event.type === "state" && event.state === "stopped") (off(), reject(new Error(`${label}: ${event.reason}`)));
          void now;
        });
      });
      await trainer.request({type: "start"});
      const {lines, outcome} = await finished;
      runs.push({
        name: label,
        source: "this browser",
        settings: status.settings,
        environment: {backend: status.backend, machine: navigator.userAgent, seconds: (performance.now() - started) / 1000, stepsDone: plan.steps, createdAt: new Date().toISOString()},
        outcome,
        step: plan.steps,
        lines
      });
    }
  }
  onProgress(`done: ${runs.length} runs`);
  return runs;
}
