import {PROGRESS_MANIFEST, readRunManifest, RUN_FILE, RUN_MANIFEST, type ReadText} from "../results/runManifest.js";
import type {EvalLine} from "../train/trainer.js";
import {parseRunExport, type RunExport} from "../train/runExport.js";
import type {TrainSettings} from "../train/settings.js";

/**
 * A sweep's committed runs, as a page needs them: each run's settings and final evaluation
 * (its curves stay in the run file), read from the run folders its manifest lists
 * (results/runManifest.ts).
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

/**
 * Collects the runs that `folder`/`file` lists. Nothing here throws on a bad run: each problem
 * is reported, so one damaged file does not hide the others (and no run is ever made up).
 */
export function bundleRuns(folder: string, read: ReadText, file: typeof RUN_MANIFEST | typeof PROGRESS_MANIFEST = RUN_MANIFEST): RunBundle {
  const {manifest, runs: listed, problem} = readRunManifest(folder, read, file);
  if (problem !== null) return {manifest, runs: [], problems: [`${manifest}: ${problem}`]};
  const runs: RunResult[] = [];
  const problems: string[] = [];
  for (const entry of listed) {
    const source = `${entry.dir}/${RUN_FILE}`;
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
        name: entry.name,
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

/** A sweep's committed runs, and whether it is complete. */
export interface SweepBundle extends RunBundle {
  /** Whether the sweep wrote its index.json (every planned run finished). */
  readonly complete: boolean;
}

/**
 * A sweep still under way lists its finished runs in progress.json and writes index.json once every
 * planned run is in: its runs from whichever it has, and whether it is complete.
 */
export function bundleSweep(folder: string, read: ReadText): SweepBundle {
  const complete = read(`${folder}/${RUN_MANIFEST}`) !== null;
  return {complete, ...bundleRuns(folder, read, complete ? RUN_MANIFEST : PROGRESS_MANIFEST)};
}
