// `npm run train -- --weights 0.25,0.75 --steps N --seed S --student vim --out data/runs/<name>`:
// the notebooks' trainer, headless, in Node on wasm. Weights read <contrastive>,<distill>, as in
// the poster's model names. Writes <out>/run.json (settings, curves, evaluations, outcome) and
// <out>/eval_results.jsonl (the final DataComp-format evaluation). Every flag and the output
// folder are checked before the first step (trainOptions.ts); a folder that already holds
// something is refused unless --force is given. With --checkpoint-every N it keeps a resume
// point (resumePoint.ts) that --resume goes on from, exactly where the run stopped.
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
import {Trainer, type TrainerSetup} from "../src/lib/train/trainer.js";
import {diskData, spawnBatchWorkerThread} from "./batchWorkerThread.js";
import {runScript, UsageError} from "./cli.js";
import {progressLine} from "./progress.js";
import {dropResumePoint, readResumePoint, resumedMachine, writeResumePoint} from "./resumePoint.js";
import {prepareOutput, trainOptions} from "./trainOptions.js";

await runScript(async () => {
  const {settings, out, force, checkpointEvery, resume, data: dataDir, perSet, retrieval} = trainOptions(process.argv.slice(2));
  const found = resume ? readResumePoint(out, settings, force) : null;
  const resumeFrom = found?.kind === "resume" ? found.point : null;
  if (found?.kind === "replace") console.log(`not resuming (${found.why}): training afresh over it`);
  // A folder holding this run's resume point is this run's, and it is not empty.
  prepareOutput(out, force || resumeFrom !== null);

  if (!(await activateBackend("wasm"))) throw new Error("the wasm backend could not start");
  const sources = await loadSourcesFromDisk();
  const set = await ReinforcedSet.open(diskReader(dataDir)).catch((error) => {
    throw new UsageError(`--data ${JSON.stringify(dataDir)}: cannot open the reinforced set there (${error.message}); make it with npm run data:reinforce`);
  });
  const tokenizer = labTokenizer();
  const setup: TrainerSetup = {
    tokenizer,
    createModel: (s) => studentModel(s.student, tokenizer, s.seed),
    // Batches are drawn in a worker thread while this one computes the step.
    createSource: async (s, drawn) => prefetchedSource(spawnBatchWorkerThread, set, diskData(dataDir), s, {drawn}),
    evaluate: suiteEvaluator(sources, {perSet, retrievalCount: retrieval})
  };
  const trainer = resumeFrom ? await Trainer.resumed(setup, resumeFrom.checkpoint, resumeFrom.file) : await Trainer.create(setup, settings);
  if (resumeFrom) console.log(`resuming at step ${trainer.step} from ${resumeFrom.file}`);
  const here = `${cpus()[0]?.model ?? "unknown"} × ${cpus().length}, Node ${process.version}`;
  const recorder = new RunRecorder(trainer, {backend: tf.getBackend(), machine: resumeFrom ? resumedMachine(resumeFrom, here) : here}, resumeFrom?.log);
  console.log(`training a ${settings.student} student: weights (${settings.contrastiveWeight}, ${settings.distillWeight}), seed ${settings.seed}, ${settings.steps} steps of batch ${settings.batchSize} on ${tf.getBackend()}; ${trainer.model.parameterCounts().image} image parameters`);
  const started = Date.now();
  trainer.on((e) => {
    // A long run's evaluations are shown as they come, not only in run.json at the end.
    if (e.type === "eval") console.log(`\nstep ${e.step} evaluation: ${e.lines.map((l) => `${l.key} ${Number(l.metrics.main_metric).toFixed(3)}`).join(", ")}`);
    if (e.type === "step") progressLine(e.metrics.step, settings.steps, started, `loss ${e.metrics.total.toFixed(3)} (c ${e.metrics.contrastive.toFixed(3)}, d ${e.metrics.distill?.toFixed(3) ?? "–"}) ${e.metrics.imagesPerSecond.toFixed(0)} img/s`);
  });
  // A resume point is saved between steps: the loop pauses after every N-th step, saves, and goes on.
  if (checkpointEvery > 0) {
    trainer.on((e) => {
      if (e.type === "step" && e.metrics.step % checkpointEvery === 0 && e.metrics.step < settings.steps) void trainer.pause();
    });
  }
  // start() stops the run on any error, so the record's outcome says why.
  for (;;) {
    await trainer.start();
    if (trainer.state !== "paused") break;
    await writeResumePoint(out, trainer, recorder);
  }
  const run = recorder.export(basename(out));
  if (trainer.state === "stopped") {
    console.error(`\n${run.outcome}`);
    process.exitCode = 1;
  }

  writeFileSync(`${out}/run.json`, JSON.stringify(run) + "\n");
  writeFileSync(`${out}/eval_results.jsonl`, evalResultsJsonl(run));
  dropResumePoint(out);
  const final = run.evaluations.at(-1);
  console.log(`\n${run.outcome}; wrote ${out}/run.json${final ? ` and eval_results.jsonl (${final.lines.map((l) => `${l.key} ${Number(l.metrics.main_metric).toFixed(3)}`).join(", ")})` : ""}`);
  trainer.dispose();
});
