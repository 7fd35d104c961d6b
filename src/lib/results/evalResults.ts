import {parsePythonJson} from "./pythonJson.js";

/**
 * Reading `eval_results.jsonl`, the DataComp evaluation suite's output (docs/method.md, "Evaluation conventions") and our
 * own runs' format: one JSON object a line,
 *   {"key": "<task key>", "dataset": "<name>", "metrics": {"acc1": …, "main_metric": …, …}}.
 */

/** One task's line. A metric Python wrote as NaN or null, or as ±Infinity, is `null`: no value. */
export interface EvalRecord {
  readonly key: string;
  readonly dataset: string;
  readonly metrics: Readonly<Record<string, number | null>>;
}

/** Something wrong with an input, located as precisely as it can be: file, line (1-based), field. */
export interface ResultProblem {
  readonly file: string;
  readonly line?: number;
  readonly field?: string;
  readonly message: string;
}

export interface ParsedResults {
  /** Every valid line, in file order; empty when `errors` is not. */
  readonly records: readonly EvalRecord[];
  /** Problems that stop the file from loading: a table built from a broken file is not worth publishing. */
  readonly errors: readonly ResultProblem[];
  /** Loaded anyway: values that were read as missing, and why. */
  readonly warnings: readonly ResultProblem[];
}

/**
 * The largest file accepted. A full 38-task DataComp file is about 10 KB; 4 MB leaves room for
 * hundreds of tasks with many metrics and refuses, before it is read, anything that is not
 * such a file (a checkpoint, a tar shard, a log).
 */
export const MAX_RESULTS_BYTES = 4 * 1024 * 1024;

/** Errors listed per file before the rest are summarised in one line. */
const MAX_ERRORS = 20;

/** The problem with a file of `bytes` bytes, or null when it is small enough to read. */
export function fileSizeProblem(file: string, bytes: number): ResultProblem | null {
  if (bytes <= MAX_RESULTS_BYTES) return null;
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return {
    file,
    message: `the file is ${mb(bytes)}, more than the ${mb(MAX_RESULTS_BYTES)} an eval_results.jsonl may be here (a 38-task file is about 10 KB); it was not read`
  };
}

/** What reading needs of a file: a browser File, or anything with the same three members. */
export interface TextFile {
  readonly name: string;
  readonly size: number;
  text(): Promise<string>;
}

/** Reads and parses one file, refusing it unread when it is too large. */
export async function readResultsFile(file: TextFile): Promise<ParsedResults> {
  const tooBig = fileSizeProblem(file.name, file.size);
  if (tooBig) return {records: [], errors: [tooBig], warnings: []};
  return parseEvalResults(await file.text(), file.name);
}

/** A problem as one line of text: `file, line 3, field "metrics.acc1": expected a number`. */
export function describeProblem(p: ResultProblem): string {
  const where = [p.file, p.line !== undefined ? `line ${p.line}` : null, p.field !== undefined ? `field "${p.field}"` : null];
  return `${where.filter((w) => w !== null).join(", ")}: ${p.message}`;
}

/**
 * Parses one results file. Blank lines are skipped; every other line must be an object with a
 * non-empty string `key` (unique in the file), an optional string `dataset` (the key when absent)
 * and an object `metrics` whose values are numbers, NaN or null.
 */
export function parseEvalResults(text: string, file: string): ParsedResults {
  if (typeof text !== "string") throw new Error(`parseEvalResults: text must be a string, got ${typeof text}`);
  const unreadable = textFormProblem(text);
  if (unreadable) return {records: [], errors: [{file, message: unreadable}], warnings: []};
  const errors: ResultProblem[] = [];
  const warnings: ResultProblem[] = [];
  const records: EvalRecord[] = [];
  const lineOfKey = new Map<string, number>();
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((source, index) => {
    if (source.trim() === "") return;
    const line = index + 1;
    const fail = (field: string | undefined, message: string) => void errors.push({file, line, field, message});
    let value: unknown;
    try {
      value = parsePythonJson(source);
    } catch (e) {
      return fail(undefined, `not a JSON object (${(e as Error).message}); an eval_results.jsonl holds one JSON object per line`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return fail(undefined, `expected a JSON object {"key", "dataset", "metrics"}, got ${kindOf(value)}`);
    }
    const o = value as Record<string, unknown>;
    const before = errors.length;
    if (typeof o.key !== "string" || o.key.trim() === "") {
      fail("key", o.key === undefined ? "missing: every line needs the task's key" : `expected a non-empty string, got ${kindOf(o.key)}`);
    } else if (lineOfKey.has(o.key)) {
      fail("key", `duplicate key ${JSON.stringify(o.key)}, already on line ${lineOfKey.get(o.key)}`);
    }
    if (o.dataset !== undefined && typeof o.dataset !== "string") fail("dataset", `expected a string, got ${kindOf(o.dataset)}`);
    const metrics: Record<string, number | null> = {};
    if (typeof o.metrics !== "object" || o.metrics === null || Array.isArray(o.metrics)) {
      fail("metrics", o.metrics === undefined ? "missing: every line needs an object of metrics" : `expected an object, got ${kindOf(o.metrics)}`);
    } else {
      for (const [name, v] of Object.entries(o.metrics as Record<string, unknown>)) {
        const field = `metrics.${name}`;
        if (v === null) metrics[name] = null;
        else if (typeof v !== "number") fail(field, `expected a number (or NaN, null), got ${kindOf(v)}`);
        else if (!Number.isFinite(v)) {
          metrics[name] = null;
          warnings.push({file, line, field, message: `${v > 0 ? "" : "-"}Infinity, read as missing`});
        } else metrics[name] = v;
      }
    }
    if (errors.length > before) return;
    const key = o.key as string;
    lineOfKey.set(key, line);
    records.push({key, dataset: (o.dataset as string | undefined) ?? key, metrics});
  });
  if (errors.length === 0 && records.length === 0) errors.push({file, message: "no result lines: the file is empty"});
  if (errors.length > MAX_ERRORS) {
    const more = errors.length - MAX_ERRORS;
    errors.splice(MAX_ERRORS, more, {file, message: `and ${more} more problems`});
  }
  return errors.length > 0 ? {records: [], errors, warnings} : {records, errors, warnings};
}

/**
 * Why text cannot be read line by line at all, as a hint the user can act on, or null. Read as
 * UTF-8 (as browsers read files), UTF-16 puts a NUL between the letters; bare CR line endings
 * (classic Mac) leave the whole file one line, and JSON allows no raw CR inside a line.
 */
function textFormProblem(text: string): string | null {
  if (text.includes("\u0000")) return "the file looks like UTF-16 (it holds NUL characters between its letters); save it as UTF-8 and load it again";
  if (/\r(?!\n)/.test(text)) return "the file's lines end in a bare CR (classic Mac line endings), so they cannot be told apart; save it with LF or CRLF line endings";
  return null;
}

function kindOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === "object") return "an object";
  return `${typeof v} ${String(v)}`;
}
