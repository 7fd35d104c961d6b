// What `npm run train` is asked to do, checked in full before any work is spent: every flag, and
// whether the output folder can take the run.
import {existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync} from "node:fs";
import {dirname, join, resolve} from "node:path";
import {checkSettings, parseSetting, type TrainSettings} from "../src/lib/train/settings.js";
import {UsageError} from "./cli.js";
import {countFlag, parseArgs, switchFlag} from "./progress.js";

export interface TrainOptions {
  settings: TrainSettings;
  out: string;
  /** Overwrite a run already in `out`. */
  force: boolean;
  /** Save a resume point every this many steps (0: never). */
  checkpointEvery: number;
  /** Go on from the resume point in `out`, if there is one. */
  resume: boolean;
  data: string;
  perSet: number;
  retrieval: number;
}

/** Flags that set one training setting each (`--weights` sets two). */
const SETTING_FLAGS: Record<string, keyof TrainSettings> = {
  steps: "steps",
  seed: "seed",
  student: "student",
  lr: "learningRate",
  batch: "batchSize",
  warmup: "warmupSteps",
  "teacher-scale": "teacherScale",
  dr: "dr",
  groups: "groupedBatches",
  "eval-every": "evalEvery"
};
const KNOWN = ["weights", ...Object.keys(SETTING_FLAGS), "out", "force", "resume", "checkpoint-every", "data", "per-set", "retrieval"];

/** Reads `npm run train`'s argv; any mistake is a UsageError naming the flag and the text given. */
export function trainOptions(argv: string[]): TrainOptions {
  const args = parseArgs(argv);
  for (const key of args.keys()) if (!KNOWN.includes(key)) throw new UsageError(`unknown option --${key}; known: ${KNOWN.map((k) => `--${k}`).join(" ")}`);
  const out = args.get("out");
  if (out === undefined || out === "true") throw new UsageError("--out <folder> is required (e.g. --out data/runs/my-run)");
  // The CLI evaluates at the end only, unless asked.
  const partial: Partial<Record<keyof TrainSettings, unknown>> = {evalEvery: 0};
  const read = (flag: string, key: keyof TrainSettings, text: string) => {
    const {value, problem} = parseSetting(key, text);
    if (problem) throw new UsageError(`--${flag} ${JSON.stringify(args.get(flag))}: ${key} ${problem}`);
    partial[key] = value;
  };
  const weights = args.get("weights");
  if (weights !== undefined) {
    const parts = weights.split(",");
    if (parts.length !== 2) throw new UsageError(`--weights ${JSON.stringify(weights)}: expected <contrastive>,<distill>, e.g. 0.25,0.75`);
    read("weights", "contrastiveWeight", parts[0]);
    read("weights", "distillWeight", parts[1]);
  }
  for (const [flag, key] of Object.entries(SETTING_FLAGS)) {
    const text = args.get(flag);
    if (text !== undefined) read(flag, key, text);
  }
  let settings: TrainSettings;
  try {
    settings = checkSettings(partial);
  } catch (error) {
    const given = [...args].filter(([flag]) => flag in SETTING_FLAGS || flag === "weights").map(([flag, text]) => `--${flag} ${text}`);
    throw new UsageError(`${(error as Error).message} (given: ${given.join(" ")})`);
  }
  return {
    settings,
    out,
    force: switchFlag(args, "force"),
    checkpointEvery: countFlag(args, "checkpoint-every", 0),
    resume: switchFlag(args, "resume"),
    data: args.get("data") ?? "data/reinforced",
    perSet: countFlag(args, "per-set", 500),
    retrieval: countFlag(args, "retrieval", 1000)
  };
}

/**
 * Makes sure `out` is a folder the run's files can be written to, creating it, before any work
 * is spent: not a file, not unwritable, and empty unless `force` lets a run there be overwritten.
 */
export function prepareOutput(out: string, force: boolean): void {
  const flag = `--out ${JSON.stringify(out)}`;
  let entries: string[] = [];
  try {
    if (!statSync(out).isDirectory()) throw new UsageError(`${flag}: exists and is not a folder`);
    entries = readdirSync(out);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new UsageError(`${flag}: cannot read it (${(error as Error).message})`);
  }
  if (entries.length > 0 && !force) {
    throw new UsageError(`${flag}: the folder is not empty (it holds ${entries.slice(0, 3).join(", ")}${entries.length > 3 ? ", …" : ""}); choose another or pass --force to overwrite`);
  }
  const probe = join(out, `.write-test-${process.pid}`);
  try {
    makeFolder(out);
    writeFileSync(probe, "");
    rmSync(probe);
  } catch (error) {
    throw new UsageError(`${flag}: cannot write there (${(error as Error).message})`);
  }
}

/** mkdir -p, one level at a time: Node 20's recursive mkdir never returns for a path under /proc. */
function makeFolder(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) missing.unshift(d);
  for (const d of missing) mkdirSync(d);
}
