// `npm run sweep -- --study rq1|rq2 [--steps N --seeds 1,2,3 --poster-seeds 1,…,8 --groups 1|0
// --jobs 2 --per-set 500 --retrieval 1000 --root data/runs --status]`: the RQ studies' runs
// (sweepPlan), each one `scripts/train.ts` in its own process (`--jobs` at once, one per core: a
// wasm trainer uses one thread), with one budget (steps, warm-up, batch kind) for every run of a
// study. Runs are trained in plan order, which puts the poster's weightings first. A run already
// finished with this budget is kept, so an interrupted sweep resumes; a run cut short goes on from
// its last resume point (one every RESUME_EVERY steps, scripts/resumePoint.ts), losing at most
// that many steps; any other run in its folder (stale settings, diverged) is trained again.
// `--status` says which runs are done and trains nothing. The pre-registered RQ1 sweep lives in its own root:
//   npm run sweep -- --study rq1 --steps 1000 --root data/runs/preregistered
// Writes <root>/<study>/<name>/; <root>/<study>/progress.json (the runs finished so far, rewritten
// after each run, which the RQ1 page shows as an interim analysis); and, only when every run is
// done, <root>/<study>/index.json, which the RQ pages read as the sweep.
import {spawn} from "node:child_process";
import {cpSync, mkdirSync, writeFileSync} from "node:fs";
import {PROGRESS_MANIFEST, RUN_MANIFEST, runManifestText} from "../src/lib/results/runManifest.js";
import {GRID_SEEDS, POSTER_SEEDS, sweepPlan, type PlannedRun} from "../src/lib/rq/sweepPlan.js";
import {defaultWarmup} from "../src/lib/train/settings.js";
import {runScript, UsageError} from "./cli.js";
import {formatSeconds, parseArgs} from "./progress.js";
import {finishedRun, type SweepBudget} from "./sweepRuns.js";

/** Steps between a run's resume points: about two minutes of a 1,000-step run here. */
const RESUME_EVERY = 50;

await runScript(async () => {
  const args = parseArgs(process.argv.slice(2));
  const known = ["study", "steps", "seeds", "poster-seeds", "groups", "jobs", "per-set", "retrieval", "root", "status"];
  for (const key of args.keys()) if (!known.includes(key)) throw new UsageError(`unknown option --${key}; known: ${known.map((k) => `--${k}`).join(" ")}`);
  const study = args.get("study") ?? "rq1";
  if (study !== "rq1" && study !== "rq2") throw new UsageError(`--study "${study}": expected rq1 or rq2`);
  const positive = (text: string) => /^[1-9]\d*$/.test(text);
  const integer = (flag: string, fallback: number) => {
    const text = args.get(flag);
    if (text === undefined) return fallback;
    if (!positive(text)) throw new UsageError(`--${flag} "${text}": expected a positive integer`);
    return Number(text);
  };
  const steps = integer("steps", 150);
  // The teachers' evaluation sizes, so students and teachers are scored on the same sets.
  const perSet = integer("per-set", 500);
  const retrieval = integer("retrieval", 1000);
  const parallel = integer("jobs", 2);
  const seedList = (flag: string, fallback: string) => {
    const text = args.get(flag) ?? fallback;
    const list = text.split(",");
    if (!list.every(positive) || new Set(list).size !== list.length) throw new UsageError(`--${flag} "${text}": expected distinct positive integers, e.g. 1,2,3`);
    return list.map(Number);
  };
  const seeds = seedList("seeds", GRID_SEEDS.join(","));
  const posterSeeds = seedList("poster-seeds", args.has("seeds") ? args.get("seeds")! : POSTER_SEEDS.join(","));
  const statusOnly = args.get("status");
  if (statusOnly !== undefined && statusOnly !== "true") throw new UsageError(`--status takes no value, got "${statusOnly}"`);
  const groups = args.get("groups") ?? "0";
  if (groups !== "1" && groups !== "0") throw new UsageError(`--groups "${groups}": expected 1 (batches of identity groups) or 0 (ordinary batches)`);
  const budget: SweepBudget = {steps, warmupSteps: defaultWarmup(steps), groupedBatches: groups === "1"};

  const root = args.get("root") ?? "data/runs";
  const jobs = sweepPlan(study, seeds, posterSeeds);
  const folder = (j: PlannedRun) => `${root}/${study}/${j.name}`;
  // Every run.json is read here, so a damaged one stops the sweep before any training.
  const done = (j: PlannedRun) => finishedRun(folder(j), j, budget);

  // RQ2's Vim runs are RQ1's runs at λ = 0.75: copied, not trained twice. (Manifests may not
  // point outside their own folder, so the files are copied.)
  for (const j of jobs) {
    const twin = `${root}/rq1/${j.name}`;
    if (study === "rq2" && !done(j) && finishedRun(twin, j, budget)) {
      cpSync(twin, folder(j), {recursive: true});
      console.log(`${j.name}: copied from ${twin}`);
    }
  }

  /** Trains one run; it succeeded only if the child exited 0 and left this planned run, finished. */
  function train(j: PlannedRun): Promise<boolean> {
    // --force: the folder is the sweep's own, and whatever is in it is not this run finished
    // (done() said so); --resume keeps the part of this run that is there.
    const argv = ["--import", "tsx", "scripts/train.ts", "--student", j.student, "--weights", `${j.contrastiveWeight},${j.distillWeight}`, "--seed", String(j.seed), "--dr", j.dr ? "1" : "0", "--groups", groups, "--steps", String(steps), "--warmup", String(budget.warmupSteps), "--per-set", String(perSet), "--retrieval", String(retrieval), "--out", folder(j), "--force", "--resume", "--checkpoint-every", String(RESUME_EVERY)];
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, argv, {stdio: ["ignore", "pipe", "inherit"]});
      let tail = "";
      child.stdout.on("data", (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-2000)));
      child.on("error", reject);
      child.on("exit", (code) => {
        const last = tail.trim().split(/[\r\n]/).at(-1) ?? "";
        let why = code === 0 ? "" : `exit ${code}`;
        try {
          if (!why && !done(j)) why = "exit 0, but its run.json is not this run finished";
        } catch (error) {
          why = (error as Error).message;
        }
        if (why) console.error(`${j.name}: FAILED (${why}): ${last}`);
        else console.log(`${j.name}: ${last}`);
        resolve(!why);
      });
    });
  }

  // The finished runs in plan order: what the RQ1 page's interim analysis reads while the sweep is under way.
  const writeProgress = () => {
    mkdirSync(`${root}/${study}`, {recursive: true});
    writeFileSync(`${root}/${study}/${PROGRESS_MANIFEST}`, runManifestText(jobs.filter(done).map((j) => ({name: j.label, dir: j.name}))));
  };
  const todo = jobs.filter((j) => !done(j));
  writeProgress();
  if (statusOnly) {
    for (const j of jobs) console.log(`${done(j) ? "done" : "to do"}  ${j.name}`);
    console.log(`${study}: ${jobs.length - todo.length} of ${jobs.length} runs of ${steps} steps done; wrote ${root}/${study}/${PROGRESS_MANIFEST}`);
    return;
  }
  console.log(`${study}: ${jobs.length} runs of ${steps} steps (warm-up ${budget.warmupSteps}; eval ${perSet} images per set, ${retrieval} for retrieval), ${jobs.length - todo.length} already done, ${parallel} at a time`);
  const started = Date.now();
  let next = 0;
  let trained = 0;
  const failed: string[] = [];
  await Promise.all(
    Array.from({length: Math.min(parallel, todo.length)}, async () => {
      while (next < todo.length) {
        const j = todo[next++];
        if (await train(j)) {
          trained++;
          writeProgress();
        } else failed.push(j.name);
        const elapsed = (Date.now() - started) / 1000;
        const finished = trained + failed.length;
        console.log(`  ${trained}/${todo.length} done, ${failed.length} failed, ${formatSeconds(elapsed)} elapsed, ETA ${formatSeconds((elapsed / finished) * (todo.length - finished))}`);
      }
    })
  );

  if (failed.length > 0) {
    console.error(`${failed.length} of ${todo.length} runs failed (${failed.join(", ")}); ${root}/${study}/${RUN_MANIFEST} is left as it was`);
    process.exitCode = 1;
    return;
  }
  writeFileSync(`${root}/${study}/${RUN_MANIFEST}`, runManifestText(jobs.map((j) => ({name: j.label, dir: j.name}))));
  console.log(`wrote ${root}/${study}/${RUN_MANIFEST} (${jobs.length} runs) in ${formatSeconds((Date.now() - started) / 1000)}`);
});
