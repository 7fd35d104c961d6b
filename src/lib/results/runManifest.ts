/**
 * A folder of committed runs (data/runs/, data/runs/rq1/, data/runs/rq2/) lists them in its
 * index.json, one format for every page that reads runs:
 *   {"runs": [
 *     {"name": "Vim student, distillation (0.25, 0.75), seed 1", "dir": "vim-wc0.25-wd0.75-seed1"},
 *     …
 *   ]}
 * `dir` is a run folder, relative to the manifest's own folder and inside it, as `npm run train
 * --out` writes one: RUN_FILE (settings, curves, evaluations) and EVAL_RESULTS_FILE (DataComp's
 * format). The results page reads the second, the RQ pages the first, so one manifest serves
 * both. Other fields are allowed and ignored.
 */
export const RUN_MANIFEST = "index.json";
/**
 * The same format for a sweep still under way: the runs finished so far, rewritten by `npm run
 * sweep` after each run. A sweep's index.json appears only once every run is done.
 */
export const PROGRESS_MANIFEST = "progress.json";
export const RUN_FILE = "run.json";
export const EVAL_RESULTS_FILE = "eval_results.jsonl";

export interface ManifestEntry {
  readonly name: string;
  readonly dir: string;
}

/** Reads a file of the repository by its path, or null when it does not exist. */
export type ReadText = (path: string) => string | null;

/** The manifest's entries; an error names the field that is wrong (the caller names the file). */
export function parseRunManifest(value: unknown): ManifestEntry[] {
  const fail = (field: string, what: string): never => {
    throw new Error(`${field}: ${what}`);
  };
  if (typeof value !== "object" || value === null || !Array.isArray((value as {runs?: unknown}).runs)) {
    return fail("runs", 'expected {"runs": [{"name", "dir"}, …]}');
  }
  return (value as {runs: unknown[]}).runs.map((entry, i): ManifestEntry => {
    const e = (entry ?? {}) as Record<string, unknown>;
    const name = e.name;
    if (typeof name !== "string" || name.trim() === "") return fail(`runs[${i}].name`, "expected a non-empty string");
    const dir = e.dir;
    if (typeof dir !== "string" || dir.trim() === "") return fail(`runs[${i}].dir`, "expected the path of a run folder");
    if (dir.startsWith("/") || dir.split(/[\\/]/).some((part) => part === ".." || part === ".")) {
      fail(`runs[${i}].dir`, `${JSON.stringify(dir)} must stay inside the manifest's folder`);
    }
    return {name, dir};
  });
}

/** The manifest's text for `entries`: one run a line, so a re-run sweep's diff shows what changed. */
export function runManifestText(entries: readonly ManifestEntry[]): string {
  const line = (e: ManifestEntry) => `  {"name": ${JSON.stringify(e.name)}, "dir": ${JSON.stringify(e.dir)}}`;
  return `{"runs": [\n${entries.map(line).join(",\n")}\n]}\n`;
}

/**
 * What a folder's manifest lists: each run with its `dir` given from the repository root, and
 * why the manifest could not be read (naming the field; the caller names the file), if so.
 */
export type ListedRuns =
  | {readonly manifest: null; readonly runs: readonly []; readonly problem: null}
  | {readonly manifest: string; readonly runs: readonly ManifestEntry[]; readonly problem: string | null};

/** The runs `folder`/`file` lists. A broken manifest lists none and says why; it never throws. */
export function readRunManifest(folder: string, read: ReadText, file: typeof RUN_MANIFEST | typeof PROGRESS_MANIFEST = RUN_MANIFEST): ListedRuns {
  const manifest = `${folder}/${file}`;
  const text = read(manifest);
  if (text === null) return {manifest: null, runs: [], problem: null};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {manifest, runs: [], problem: "not valid JSON"};
  }
  try {
    return {manifest, runs: parseRunManifest(value).map((e) => ({name: e.name, dir: `${folder}/${e.dir}`})), problem: null};
  } catch (e) {
    return {manifest, runs: [], problem: (e as Error).message};
  }
}
