import type {EvalLine} from "../train/trainer.js";
import {parseRunExport, type RunExport} from "../train/runExport.js";
import type {TrainSettings} from "../train/settings.js";

/**
 * A sweep's committed runs, as a page needs them: each run's settings and final evaluation
 * (its curves stay in the run file). A sweep folder (data/runs/rq1/, data/runs/rq2/) holds run
 * files (RunExport JSON) and a manifest, index.json:
 *   {"runs": [{"file": "wd0.75-seed1.json", "name": "w_d = 0.75, seed 1"}, …]}
 * `file` is relative to the folder; `name` is optional (the run's own name otherwise).
 */
export interface RunResult {
  readonly name: string;
  /** Where the run file is, from the repository root. */
  readonly source: string;
  readonly settings: TrainSettings;
  readonly environment: RunExport["environment"];
  readonly outcome: string;
  /** The step of the final evaluation. */
  readonly step: number;
  readonly lines: readonly EvalLine[];
}

export interface RunBundle {
  /** The manifest's path, or null when the sweep has none yet. */
  readonly manifest: string | null;
  readonly runs: readonly RunResult[];
  /** Runs that could not be used, and why (file and field named). */
  readonly problems: readonly string[];
}

/** Reads a file of the repository by its path, or null when it does not exist. */
export type ReadText = (path: string) => string | null;

/** The manifest's entries; an error names the field. */
export function parseSweepManifest(value: unknown, label: string): {file: string; name: string | null}[] {
  const runs = (value as {runs?: unknown} | null)?.runs;
  if (!Array.isArray(runs)) throw new Error(`${label}: expected {"runs": [{"file", "name"?}, …]}`);
  return runs.map((entry, i) => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const file = e.file;
    if (typeof file !== "string" || !file.endsWith(".json")) throw new Error(`${label}: runs[${i}].file must be the path of a run's .json file`);
    if (file.startsWith("/") || file.split(/[\\/]/).includes("..")) throw new Error(`${label}: runs[${i}].file ${JSON.stringify(file)} must stay inside the sweep's folder`);
    if (e.name !== undefined && typeof e.name !== "string") throw new Error(`${label}: runs[${i}].name must be a string when given`);
    return {file, name: (e.name as string | undefined) ?? null};
  });
}

/**
 * Collects the runs that `dir`/index.json lists. Nothing here throws on a bad run: each problem
 * is reported, so one damaged file does not hide the others (and no run is ever made up).
 */
export function bundleRuns(dir: string, read: ReadText): RunBundle {
  const manifest = `${dir}/index.json`;
  const text = read(manifest);
  if (text === null) return {manifest: null, runs: [], problems: []};
  let entries: {file: string; name: string | null}[];
  try {
    entries = parseSweepManifest(JSON.parse(text), manifest);
  } catch (e) {
    const message = e instanceof SyntaxError ? `${manifest}: not valid JSON` : (e as Error).message;
    return {manifest, runs: [], problems: [message]};
  }
  const runs: RunResult[] = [];
  const problems: string[] = [];
  for (const entry of entries) {
    const source = `${dir}/${entry.file}`;
    const body = read(source);
    if (body === null) {
      problems.push(`${source}, listed in ${manifest}, does not exist`);
      continue;
    }
    try {
      const run = parseRunExport(body, source);
      const final = run.evaluations.at(-1);
      if (!final) {
        problems.push(`${source}: the run has no evaluation (${run.outcome}); left out`);
        continue;
      }
      runs.push({
        name: entry.name ?? run.name,
        source,
        settings: run.settings,
        environment: run.environment,
        outcome: run.outcome,
        step: final.step,
        lines: final.lines
      });
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  return {manifest, runs, problems};
}
