import type {RunResult} from "../lib/rq/runBundle.js";
import type {RunExport} from "../lib/train/runExport.js";
import type {TrainSettings} from "../lib/train/settings.js";
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
      await trainer.request({
        type: "restart",
        changes: {contrastiveWeight: Math.round((1 - lambda) * 1000) / 1000, distillWeight: lambda, seed, steps: plan.steps, batchSize: plan.batchSize, student: plan.student, evalEvery: 0, warmupSteps: Math.min(20, plan.steps)}
      });
      const finished = new Promise<void>((resolve, reject) => {
        const off = trainer.on((event) => {
          if (event.type === "step" && event.metrics.step % 10 === 0) onProgress(`run ${runs.length + 1} of ${total}: ${label}, step ${event.metrics.step} of ${plan.steps}`);
          if (event.type === "state" && event.state === "done") (off(), resolve());
          if (event.type === "state" && event.state === "stopped") (off(), reject(new Error(`${label}: ${event.reason}`)));
        });
      });
      await trainer.request({type: "start"});
      await finished;
      // The worker's recorder holds the run, as it does for the train page's export.
      const run = await trainer.request<RunExport>({type: "exportRun"});
      const final = run.evaluations.at(-1);
      if (!final) throw new Error(`${label}: the run finished without an evaluation`);
      runs.push({name: label, source: "this browser", settings: run.settings, environment: run.environment, outcome: run.outcome, step: final.step, lines: final.lines});
    }
  }
  onProgress(`done: ${runs.length} runs`);
  return runs;
}
