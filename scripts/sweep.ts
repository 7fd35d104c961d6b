// `npm run sweep -- --study rq1|rq2 [--steps N --seeds 1,2,3 --jobs 2 --per-set 250 --root data/runs]`:
// the RQ studies' runs (sweepPlan), each one `scripts/train.ts` in its own process (`--jobs` at
// once, one per core: a wasm trainer uses one thread), with one budget for every run of a study.
// A run whose run.json already holds the same settings is kept, so an interrupted sweep resumes.
// Writes <root>/<study>/<name>/ and <root>/<study>/index.json, which the RQ pages read.
import {spawn} from "node:child_process";
import {cpSync, existsSync, readFileSync, writeFileSync} from "node:fs";
import {isPlannedRun, sweepPlan, type PlannedRun} from "../src/lib/rq/sweepPlan.js";
import {formatSeconds, parseArgs} from "./progress.js";

const args = parseArgs(process.argv.slice(2));
const known = ["study", "steps", "seeds", "jobs", "per-set", "retrieval", "root"];
for (const key of args.keys()) if (!known.includes(key)) throw new Error(`unknown option --${key}; known: ${known.map((k) => `--${k}`).join(" ")}`);
const study = args.get("study") ?? "rq1";
if (study !== "rq1" && study !== "rq2") throw new Error(`--study must be rq1 or rq2, got "${study}"`);
const steps = Number(args.get("steps") ?? 150);
const perSet = Number(args.get("per-set") ?? 250);
const retrieval = Number(args.get("retrieval") ?? 500);
const parallel = Number(args.get("jobs") ?? 2);
const seeds = (args.get("seeds") ?? "1,2,3").split(",").map(Number);
for (const [name, value] of Object.entries({steps, "per-set": perSet, retrieval, jobs: parallel})) {
  if (!(Number.isInteger(value) && value > 0)) throw new Error(`--${name} must be a positive integer, got ${value}`);
}

const root = args.get("root") ?? "data/runs";
const jobs = sweepPlan(study, seeds);
const folder = (j: PlannedRun) => `${root}/${study}/${j.name}`;

/** Whether `dir` already holds the run, finished with this budget. */
function holds(dir: string, j: PlannedRun): boolean {
  const file = `${dir}/run.json`;
  return existsSync(file) && existsSync(`${dir}/eval_results.jsonl`) && isPlannedRun(JSON.parse(readFileSync(file, "utf8")).settings, j, steps);
}

// RQ2's Vim runs are RQ1's runs at λ = 0.75: copied, not trained twice. (Manifests may not
// point outside their own folder, so the files are copied.)
for (const j of jobs) {
  const twin = `${root}/rq1/${j.name}`;
  if (study === "rq2" && !holds(folder(j), j) && holds(twin, j)) {
    cpSync(twin, folder(j), {recursive: true});
    console.log(`${j.name}: copied from ${twin}`);
  }
}
const done = (j: PlannedRun) => holds(folder(j), j);

function train(j: PlannedRun): Promise<void> {
  const argv = ["--import", "tsx", "scripts/train.ts", "--student", j.student, "--weights", `${j.contrastiveWeight},${j.distillWeight}`, "--seed", String(j.seed), "--steps", String(steps), "--per-set", String(perSet), "--retrieval", String(retrieval), "--out", folder(j)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {stdio: ["ignore", "pipe", "inherit"]});
    let tail = "";
    child.stdout.on("data", (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-2000)));
    child.on("error", reject);
    child.on("exit", (code) => {
      const last = tail.trim().split(/[\r\n]/).at(-1) ?? "";
      // A run that diverged still wrote its run.json, saying where it stopped: that is a result.
      if (code === 0 || existsSync(`${folder(j)}/run.json`)) resolve(console.log(`${j.name}: ${last}`));
      else reject(new Error(`${j.name} failed (exit ${code}): ${last}`));
    });
  });
}

const todo = jobs.filter((j) => !done(j));
console.log(`${study}: ${jobs.length} runs of ${steps} steps (eval ${perSet} images per set, ${retrieval} for retrieval), ${jobs.length - todo.length} already done, ${parallel} at a time`);
const started = Date.now();
let next = 0;
let finished = 0;
await Promise.all(
  Array.from({length: Math.min(parallel, todo.length)}, async () => {
    while (next < todo.length) {
      await train(todo[next++]);
      finished++;
      const elapsed = (Date.now() - started) / 1000;
      console.log(`  ${finished}/${todo.length} done, ${formatSeconds(elapsed)} elapsed, ETA ${formatSeconds((elapsed / finished) * (todo.length - finished))}`);
    }
  })
);

writeFileSync(`${root}/${study}/index.json`, JSON.stringify({runs: jobs.map((j) => ({file: `${j.name}/run.json`, name: j.label}))}, null, 1) + "\n");
console.log(`wrote ${root}/${study}/index.json (${jobs.length} runs) in ${formatSeconds((Date.now() - started) / 1000)}`);
