import type {ResultRun} from "./comparison.js";
import {describeProblem, parseEvalResults, type EvalRecord} from "./evalResults.js";
import {packLink, unpackLink} from "./linkCodec.js";

/**
 * Everything the results page shows, in one object: the runs (with the names the user gave them)
 * and the settings of the comparison. The page keeps one of these and redraws from it; a link
 * carries it whole (runs included), so a shared link shows the same table to anyone.
 */
export interface ResultsView {
  readonly runs: readonly ResultRun[];
  readonly metric: string;
  /** The id of the run deltas are taken against. */
  readonly baseline: string | null;
  /** 1 shows values as stored; 100 shows fractions as percentages. */
  readonly scale: number;
}

export const SCALES: readonly number[] = [1, 100];

export const EMPTY_VIEW: ResultsView = {runs: [], metric: "main_metric", baseline: null, scale: 1};

/** A run parsed from a file, before it joins the view. */
export interface NewRun {
  readonly name: string;
  readonly source: string;
  readonly records: readonly EvalRecord[];
}

/** "runs/a/eval_results.jsonl" → "eval_results": a run is named after its file until renamed. */
export function runNameFromFile(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.(jsonl|json|txt)$/i, "") || base;
}

/** `name`, trimmed, or with " (2)", " (3)"… appended until no other run has it. */
function uniqueName(name: string, taken: readonly string[]): string {
  const base = name.trim() || "run";
  let candidate = base;
  for (let k = 2; taken.includes(candidate); k++) candidate = `${base} (${k})`;
  return candidate;
}

/** Adds runs with fresh ids and unique names; the first run becomes the baseline if there was none. */
export function addRuns(view: ResultsView, added: readonly NewRun[]): ResultsView {
  let next = 1 + Math.max(0, ...view.runs.map((r) => Number(r.id.replace(/^run-/, "")) || 0));
  const runs = [...view.runs];
  for (const run of added) {
    runs.push({id: `run-${next++}`, name: uniqueName(run.name, runs.map((r) => r.name)), source: run.source, records: run.records});
  }
  return {...view, runs, baseline: view.baseline ?? runs[0]?.id ?? null};
}

/** Renames a run; an empty name keeps the old one, a taken one gets a suffix. */
export function renameRun(view: ResultsView, id: string, name: string): ResultsView {
  const others = view.runs.filter((r) => r.id !== id).map((r) => r.name);
  return {...view, runs: view.runs.map((r) => (r.id === id ? {...r, name: name.trim() ? uniqueName(name, others) : r.name} : r))};
}

/** Removes a run; if it was the baseline, the first remaining run takes its place. */
export function removeRun(view: ResultsView, id: string): ResultsView {
  const runs = view.runs.filter((r) => r.id !== id);
  return {...view, runs, baseline: view.baseline === id ? (runs[0]?.id ?? null) : view.baseline};
}

/** The records back as eval_results.jsonl text (missing values as null). */
export function recordsToJsonl(records: readonly EvalRecord[]): string {
  return records.map((r) => JSON.stringify({key: r.key, dataset: r.dataset, metrics: r.metrics})).join("\n") + "\n";
}

interface Encoded {
  v: 1;
  metric: string;
  scale: number;
  baseline: number;
  runs: {name: string; source: string; jsonl: string}[];
}

/** The view as a URL-safe string (packLink), runs as their JSON lines. */
export async function encodeView(view: ResultsView): Promise<string> {
  const encoded: Encoded = {
    v: 1,
    metric: view.metric,
    scale: view.scale,
    baseline: view.runs.findIndex((r) => r.id === view.baseline),
    runs: view.runs.map((r) => ({name: r.name, source: r.source, jsonl: recordsToJsonl(r.records)}))
  };
  return packLink(encoded);
}

/**
 * Reads a string from encodeView. Runs are checked again exactly as files are (a link is input
 * like any other); errors name the field of the link that is wrong.
 */
export async function decodeView(text: string): Promise<ResultsView> {
  const fail = (field: string, what: string): never => {
    throw new Error(`results link: ${field}: ${what}`);
  };
  const e = (await unpackLink(text, "results link")) as Partial<Encoded>;
  if (e.v !== 1) fail("v", `version ${String(e.v)}, expected 1`);
  if (typeof e.metric !== "string") fail("metric", "expected a string");
  if (!SCALES.includes(e.scale as number)) fail("scale", `expected one of ${SCALES.join(", ")}, got ${String(e.scale)}`);
  if (!Array.isArray(e.runs)) return fail("runs", "expected an array");
  const added = e.runs.map((run: Partial<Encoded["runs"][number]>, i): NewRun => {
    if (typeof run?.name !== "string" || typeof run.source !== "string" || typeof run.jsonl !== "string") {
      return fail(`runs[${i}]`, "expected {name, source, jsonl} strings");
    }
    const parsed = parseEvalResults(run.jsonl, run.name);
    if (parsed.errors.length > 0) fail(`runs[${i}]`, describeProblem(parsed.errors[0]));
    return {name: run.name, source: run.source, records: parsed.records};
  });
  const view = addRuns({...EMPTY_VIEW, metric: e.metric!, scale: e.scale!}, added);
  const baseline = e.baseline ?? -1;
  if (!Number.isInteger(baseline) || baseline < -1 || baseline >= view.runs.length) {
    fail("baseline", `expected a run index below ${view.runs.length} or -1, got ${String(e.baseline)}`);
  }
  return {...view, baseline: baseline < 0 ? null : view.runs[baseline].id};
}
