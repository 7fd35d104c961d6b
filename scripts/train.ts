// `npm run train -- --weights 0.25,0.75 --steps N --seed S --student vim --out data/runs/<name>`:
// the notebooks' trainer, headless, in Node on wasm. Weights read <contrastive>,<distill>, as in
// the poster's model names. Writes <out>/run.json (settings, curves, evaluations, outcome) and
// <out>/eval_results.jsonl (the final DataComp-format evaluation). Every flag and the output
// folder are checked before the first step (trainOptions.ts); a folder that already holds
// something is refused unless --force is given.
import {writeFileSync} from "node:fs";
import {cpus} from "node:os";
import {basename} from "node:path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import {diskReader, loadSourcesFromDisk} from "../src/lib/data/nodeFiles.js";
import {ReinforcedSet} from "../src/lib/data/reinforcedLoader.js";
import {activateBackend} from "../src/lib/runtime/backendSelection.js";
import {suiteEvaluator} from "../src/lib/train/clipEncoders.js";
import {labTokenizer, studentModel} from "../src/lib/train/models.js";
import {prefetchedSource} from "../src/lib/train/prefetchedSource.js";
import {evalResultsJsonl} from "../src/lib/train/runExport.js";
import {RunRecorder} from "../src/lib/train/runRecorder.js";
import {Trainer} from "../src/lib/train/trainer.js";
import {diskData, spawnBatchWorkerThread} from "./batchWorkerThread.js";
import {runScript, UsageError} from "./cli.js";
import {progressLine} from "./progress.js";
import {prepareOutput, trainOptions} from "./trainOptions.js";

await runScript(async () => {
  const {settings, out, force, data: dataDir, perSet, retrieval} = trainOptions(process.argv.slice(2));
  prepareOutput(out, force);

  if (!(await activateBackend("wasm"))) throw new Error("the wasm backend could not start");
  const sources = await loadSourcesFromDisk();
  const set = await ReinforcedSet.open(diskReader(dataDir)).catch((error) => {
    throw new UsageError(`--data ${JSON.stringify(dataDir)}: cannot open the reinforced set there (${error.message}); make it with npm run data:reinforce`);
  });
  const tokenizer = labTokenizer();
  const trainer = await Trainer.create(
    {
      tokenizer,
      createModel: (s) => studentModel(s.student, tokenizer, s.seed),
      // Batches are drawn in a worker thread while this one computes the step.
      createSource: async (s) => prefetchedSource(spawnBatchWorkerThread, set, diskData(dataDir), s),
      evaluate: suiteEvaluator(sources, {perSet, retrievalCount: retrieval})
    },
    settings
  );

  const recorder = new RunRecorder(trainer, {backend: tf.getBackend(), machine: `${cpus()[0]?.model ?? "unknown"} × ${cpus().length}, Node ${process.version}`});
  console.log(`training a ${settings.student} student: weights (${settings.contrastiveWeight}, ${settings.distillWeight}), seed ${settings.seed}, ${settings.steps} steps of batch ${settings.batchSize} on ${tf.getBackend()}; ${trainer.model.parameterCounts().image} image parameters`);
  const started = Date.now();
  trainer.on((e) => {
    // A long run's evaluations are shown as they come, not only in run.json at the end.
    if (e.type === "eval") console.log(`\nstep ${e.step} evaluation: ${e.lines.map((l) => `${l.key} ${Number(l.metrics.main_metric).toFixed(3)}`).join(", ")}`);
    if (e.type === "step") progressLine(e.metrics.step, settings.steps, started, `loss ${e.metrics.total.toFixed(3)} (c ${e.metrics.contrastive.toFixed(3)}, d ${e.metrics.distill?.toFixed(3) ?? "–"}) ${e.metrics.imagesPerSecond.toFixed(0)} img/s`);
  });
  // start() stops the run on any error, so the record's outcome says why.
  await trainer.start();
  const run = recorder.export(basename(out));
  if (trainer.state === "stopped") {
    console.error(`\n${run.outcome}`);
    process.exitCode = 1;
  }

  writeFileSync(`${out}/run.json`, JSON.stringify(run) + "\n");
  writeFileSync(`${out}/eval_results.jsonl`, evalResultsJsonl(run));
  const final = run.evaluations.at(-1);
  console.log(`\n${run.outcome}; wrote ${out}/run.json${final ? ` and eval_results.jsonl (${final.lines.map((l) => `${l.key} ${Number(l.metrics.main_metric).toFixed(3)}`).join(", ")})` : ""}`);
  trainer.dispose();
});
