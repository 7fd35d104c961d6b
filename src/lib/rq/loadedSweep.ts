import {describeProblem, parseEvalResults, type EvalRecord} from "../results/evalResults.js";
import {packLink, unpackLink} from "../results/linkCodec.js";
import {recordsToJsonl} from "../results/resultsView.js";
import {posterColumnScores, type PosterColumnScores, type ResultSuite} from "./posterColumns.js";
import {readRunName, type Weighting} from "./runName.js";
import type {SweepRow} from "./sweepTable.js";

/**
 * The RQ1 page's loaded sweep: results files a researcher brings (DataComp's eval_results.jsonl,
 * or the lab's), each assigned a weighting and a seed. DOM-free; the page keeps one of these and
 * every change returns a new one, so a refused change leaves the old one as it was.
 */

/** Where a run's seed came from: its path, the default (the path names none), or the table. */
export type SeedOrigin = "name" | "default" | "user";

export interface LoadedRun {
  readonly id: string;
  /** The file's path as the browser gave it (a folder's name often carries the weighting). */
  readonly source: string;
  readonly records: readonly EvalRecord[];
  readonly columns: PosterColumnScores;
  /** null until the path or the user names it: such a run waits outside the analysis. */
  readonly weighting: Weighting | null;
  readonly seed: number;
  readonly seedOrigin: SeedOrigin;
}

export interface LoadedSweep {
  readonly runs: readonly LoadedRun[];
  /** The weighting set against contrastive-only (the poster's (0.25, 0.75) by default). */
  readonly compared: Weighting;
}

export const POSTER_WEIGHTING: Weighting = {contrastiveWeight: 0.25, distillWeight: 0.75};
export const EMPTY_SWEEP: LoadedSweep = {runs: [], compared: POSTER_WEIGHTING};

/** A seed the path does not give: one seed per weighting, as the poster's table has. */
const DEFAULT_SEED = 1;

export interface LoadedFile {
  readonly source: string;
  readonly records: readonly EvalRecord[];
}

/** Why a file was not loaded. */
export interface LoadProblem {
  readonly file: string;
  readonly kind: "no-imagenet" | "duplicate" | "other-suite";
  readonly message: string;
}

const sameWeighting = (a: Weighting | null, b: Weighting | null) =>
  a !== null && b !== null && a.contrastiveWeight === b.contrastiveWeight && a.distillWeight === b.distillWeight;

const describeRun = (w: Weighting, seed: number) => `w_c = ${w.contrastiveWeight}, w_d = ${w.distillWeight}, seed ${seed}`;

/** The run already holding `run`'s weighting and seed, if any (runs without a weighting hold none). */
function clash(runs: readonly LoadedRun[], run: Pick<LoadedRun, "id" | "weighting" | "seed">): LoadedRun | undefined {
  return runs.find((r) => r.id !== run.id && r.seed === run.seed && sameWeighting(r.weighting, run.weighting));
}

function nextId(runs: readonly LoadedRun[]): number {
  return 1 + Math.max(0, ...runs.map((r) => Number(r.id.replace(/^loaded-/, "")) || 0));
}

/** A run's weighting and seed, and where the seed came from. */
type Assignment = Pick<LoadedRun, "weighting" | "seed" | "seedOrigin">;

/** The file as run `id` of `runs`, or why it cannot join them. */
function admit(runs: readonly LoadedRun[], file: LoadedFile, id: string, assignment: Assignment): LoadedRun | LoadProblem {
  let columns: PosterColumnScores;
  try {
    columns = posterColumnScores(file.records, file.source);
  } catch (e) {
    return {file: file.source, kind: "no-imagenet", message: (e as Error).message};
  }
  const suite: ResultSuite | undefined = runs[0]?.columns.suite;
  if (suite !== undefined && columns.suite !== suite) {
    return {
      file: file.source,
      kind: "other-suite",
      message: `${file.source}: a ${SUITE_NAMES[columns.suite]} file, where the loaded runs are ${SUITE_NAMES[suite]} files; one sweep is read on one suite`
    };
  }
  const run: LoadedRun = {id, source: file.source, records: file.records, columns, ...assignment};
  const other = clash(runs, run);
  if (other) {
    const assumed = run.seedOrigin === "default" ? ` (seed ${DEFAULT_SEED} assumed: the name gives none; set the loaded run's seed in the table first)` : "";
    return {file: file.source, kind: "duplicate", message: `${file.source}: ${describeRun(run.weighting!, run.seed)} is already loaded from ${other.source}${assumed}`};
  }
  return run;
}

/**
 * Adds files parsed by parseEvalResults, each with the weighting and seed its path names.
 * A file is refused, with the reason, when it has no ImageNet result, comes from another suite
 * than the runs already loaded, or repeats a loaded run's weighting and seed; the others load.
 */
export function addLoadedFiles(sweep: LoadedSweep, files: readonly LoadedFile[]): {sweep: LoadedSweep; problems: LoadProblem[]} {
  const runs = [...sweep.runs];
  const problems: LoadProblem[] = [];
  let id = nextId(runs);
  for (const file of files) {
    const named = readRunName(file.source);
    const admitted = admit(runs, file, `loaded-${id}`, {weighting: named.weighting, seed: named.seed ?? DEFAULT_SEED, seedOrigin: named.seed === null ? "default" : "name"});
    if ("kind" in admitted) {
      problems.push(admitted);
      continue;
    }
    runs.push(admitted);
    id++;
  }
  return {sweep: {...sweep, runs}, problems};
}

const SUITE_NAMES: Readonly<Record<ResultSuite, string>> = {datacomp: "DataComp (38-task)", lab: "lab-suite"};

const checkWeight = (where: string, field: string, w: number) => {
  if (!(Number.isFinite(w) && w >= 0 && w <= 1)) throw new Error(`${where}: ${field} must be a number from 0 to 1, got ${w}`);
};

/**
 * Sets a run's weighting and seed. Throws, naming the file and field, for a weight outside
 * [0, 1], a seed that is not an integer ≥ 0, or the weighting and seed of another loaded run.
 */
export function assignRun(sweep: LoadedSweep, id: string, weighting: Weighting, seed: number): LoadedSweep {
  const run = sweep.runs.find((r) => r.id === id);
  if (!run) throw new Error(`assignRun: no loaded run has id ${JSON.stringify(id)}`);
  checkWeight(run.source, "w_c", weighting.contrastiveWeight);
  checkWeight(run.source, "w_d", weighting.distillWeight);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`${run.source}: the seed must be an integer ≥ 0, got ${seed}`);
  const other = clash(sweep.runs, {id, weighting, seed});
  if (other) throw new Error(`${run.source}: ${describeRun(weighting, seed)} is already ${other.source}'s`);
  const same = sameWeighting(run.weighting, weighting) && run.seed === seed;
  return same ? sweep : {...sweep, runs: sweep.runs.map((r) => (r.id === id ? {...r, weighting: {...weighting}, seed, seedOrigin: "user"} : r))};
}

export function removeLoadedRun(sweep: LoadedSweep, id: string): LoadedSweep {
  return {...sweep, runs: sweep.runs.filter((r) => r.id !== id)};
}

/** Sets the weighting compared with contrastive-only; it must distil (w_d > 0). */
export function setCompared(sweep: LoadedSweep, compared: Weighting): LoadedSweep {
  checkWeight("the compared weighting", "w_c", compared.contrastiveWeight);
  checkWeight("the compared weighting", "w_d", compared.distillWeight);
  if (compared.distillWeight === 0) throw new Error("the compared weighting: w_d must be above 0 (w_d = 0 is the contrastive-only baseline)");
  return {...sweep, compared: {...compared}};
}

/**
 * The runs as the committed sweep's analysis reads them (sweepTable's rows, scored on the poster's
 * columns), with their coverage, and the runs still waiting for a weighting. A results file
 * records neither the student nor the training recipe: the researcher vouches the runs share one.
 */
export function loadedSweepRows(sweep: LoadedSweep): {rows: SweepRow[]; coverage: PosterColumnScores["coverage"][]; waiting: string[]} {
  const ready = sweep.runs.filter((r) => r.weighting !== null);
  return {
    rows: ready.map((r) => ({name: r.source, student: null, ...r.weighting!, seed: r.seed, dr: null, recipe: "", scores: r.columns.scores})),
    coverage: ready.map((r) => r.columns.coverage),
    waiting: sweep.runs.filter((r) => r.weighting === null).map((r) => `${r.source}: no weighting yet (its name follows neither pattern); set w_c and w_d in the table`)
  };
}

interface EncodedRun {
  source: string;
  jsonl: string;
  weighting: Weighting | null;
  seed: number;
  seedOrigin: SeedOrigin;
}

interface Encoded {
  v: 1;
  compared: Weighting;
  runs: EncodedRun[];
}

const ORIGINS: readonly SeedOrigin[] = ["name", "default", "user"];

/** The sweep as a URL-safe string (packLink), each run's file as its JSON lines. */
export function encodeLoadedSweep(sweep: LoadedSweep): Promise<string> {
  const encoded: Encoded = {
    v: 1,
    compared: sweep.compared,
    runs: sweep.runs.map((r) => ({source: r.source, jsonl: recordsToJsonl(r.records), weighting: r.weighting, seed: r.seed, seedOrigin: r.seedOrigin}))
  };
  return packLink(encoded);
}

/**
 * Reads a string from encodeLoadedSweep. Every run is checked again as a file and as an
 * assignment is (a link is input like any other); errors name the link's field.
 */
export async function decodeLoadedSweep(text: string): Promise<LoadedSweep> {
  const fail = (field: string, what: string): never => {
    throw new Error(`RQ1 link: ${field}: ${what}`);
  };
  const e = (await unpackLink(text, "RQ1 link")) as Partial<Encoded> | null;
  if (e?.v !== 1) fail("v", `version ${String(e?.v)}, expected 1`);
  if (!Array.isArray(e!.runs)) return fail("runs", "expected an array");
  const isWeighting = (w: unknown): w is Weighting =>
    typeof w === "object" && w !== null && typeof (w as Weighting).contrastiveWeight === "number" && typeof (w as Weighting).distillWeight === "number";
  let sweep = EMPTY_SWEEP;
  if (!isWeighting(e!.compared)) fail("compared", "expected {contrastiveWeight, distillWeight} numbers");
  try {
    sweep = setCompared(sweep, e!.compared!);
  } catch (error) {
    fail("compared", (error as Error).message);
  }
  const runs: LoadedRun[] = [];
  e!.runs.forEach((run: Partial<EncodedRun>, i) => {
    const field = `runs[${i}]`;
    if (typeof run?.source !== "string" || typeof run.jsonl !== "string") fail(field, "expected {source, jsonl} strings");
    if (run!.weighting !== null && !isWeighting(run!.weighting)) fail(`${field}.weighting`, "expected null or {contrastiveWeight, distillWeight} numbers");
    if (run!.weighting) {
      checkWeight(`RQ1 link: ${field}`, "weighting.contrastiveWeight", run!.weighting.contrastiveWeight);
      checkWeight(`RQ1 link: ${field}`, "weighting.distillWeight", run!.weighting.distillWeight);
    }
    if (!Number.isInteger(run!.seed) || run!.seed! < 0) fail(`${field}.seed`, `expected an integer ≥ 0, got ${String(run!.seed)}`);
    if (!ORIGINS.includes(run!.seedOrigin as SeedOrigin)) fail(`${field}.seedOrigin`, `expected one of ${ORIGINS.join(", ")}`);
    const parsed = parseEvalResults(run!.jsonl!, run!.source!);
    if (parsed.errors.length > 0) fail(field, describeProblem(parsed.errors[0]));
    const admitted = admit(runs, {source: run!.source!, records: parsed.records}, `loaded-${i + 1}`, {weighting: run!.weighting!, seed: run!.seed!, seedOrigin: run!.seedOrigin!});
    if ("kind" in admitted) fail(field, admitted.message);
    runs.push(admitted as LoadedRun);
  });
  sweep = {...sweep, runs};
  return sweep;
}
