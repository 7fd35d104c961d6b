import * as aq from "arquero";
import type {EvalRecord} from "./evalResults.js";
import type {GroupScorer} from "./groupMeans.js";

/** A loaded results file under the name the user gave it; `id` stays fixed when it is renamed. */
export interface ResultRun {
  readonly id: string;
  readonly name: string;
  /** Where it came from: the file's name, or the committed run's path. */
  readonly source: string;
  readonly records: readonly EvalRecord[];
}

export interface CompareOptions {
  /** The metric compared; default main_metric, the one DataComp's groups average. */
  metric?: string;
  /** The run deltas are taken against, by id; none when absent. */
  baseline?: string | null;
  /** The group means shown above the tasks, family by family, in this order; group ids must differ across families. */
  scorers: readonly GroupScorer[];
  /** Multiplies every value (100 shows fractions as percentages); deltas are in the same unit. */
  scale?: number;
}

/** One row of the side-by-side table: a group mean or a task, one entry per run in run order. */
export interface ComparisonRow {
  readonly kind: "group" | "task";
  /** The group's id or the task's key. */
  readonly id: string;
  /** The group's label or the task's dataset name. */
  readonly label: string;
  readonly values: readonly (number | null)[];
  /** The run(s) with the highest value, when at least two runs have one. */
  readonly best: readonly boolean[];
  /** value − the baseline run's value; null for the baseline itself, without a baseline, or where either is missing. */
  readonly deltas: readonly (number | null)[];
  /** Groups only: the task keys the group averages ("all": every task). */
  readonly members?: readonly string[] | "all";
  /** Groups only: how many tasks each run's mean averages, and how many the group names. */
  readonly counts?: readonly number[];
  readonly expected?: readonly number[];
}

export interface Comparison {
  readonly runs: readonly {id: string; name: string}[];
  readonly metric: string;
  readonly scale: number;
  readonly baseline: string | null;
  /** Groups with a value in at least one run, in scorer order, less repeats of an earlier group. */
  readonly groups: readonly ComparisonRow[];
  /** Every task any run has, in order of first appearance. */
  readonly tasks: readonly ComparisonRow[];
}

/** Every metric name the runs carry, main_metric first, then alphabetically. */
export function metricNames(runs: readonly ResultRun[]): string[] {
  const names = new Set(runs.flatMap((run) => run.records.flatMap((r) => Object.keys(r.metrics))));
  return [...names].sort((a, b) => (a === "main_metric" ? -1 : b === "main_metric" ? 1 : a.localeCompare(b)));
}

/**
 * The runs side by side on one metric: group means (each scorer's groups), then every
 * task (an arquero pivot of the runs' long form on task key), each row with its best run(s)
 * marked and deltas against the baseline run.
 */
export function compareRuns(runs: readonly ResultRun[], options: CompareOptions): Comparison {
  const {metric = "main_metric", baseline = null, scorers, scale = 1} = options;
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`compareRuns: scale must be a finite number > 0, got ${scale}`);
  const ids = runs.map((r) => r.id);
  if (new Set(ids).size !== ids.length) throw new Error(`compareRuns: run ids must be unique, got ${ids.join(", ")}`);
  const baseIndex = baseline === null ? -1 : ids.indexOf(baseline);
  if (baseline !== null && baseIndex < 0) throw new Error(`compareRuns: baseline ${JSON.stringify(baseline)} is not one of the runs' ids`);
  const scaled = (v: number | null | undefined) => (typeof v === "number" && Number.isFinite(v) ? v * scale : null);
  const row = (kind: ComparisonRow["kind"], id: string, label: string, raw: readonly (number | null | undefined)[]) => {
    const values = raw.map(scaled);
    return {kind, id, label, values, ...marks(values, baseIndex)};
  };

  const long = aq.from(
    runs.flatMap((run) => run.records.map((r) => ({run: run.id, key: r.key, value: r.metrics[metric] ?? null})))
  );
  const datasets = new Map<string, string>();
  for (const run of runs) for (const r of run.records) if (!datasets.has(r.key)) datasets.set(r.key, r.dataset);
  const wide = long.numRows() === 0 ? [] : (long.groupby("key").pivot("run", "value").objects() as Record<string, unknown>[]);
  const taskRows = wide.map((o) => {
    const key = o.key as string;
    return row("task", key, datasets.get(key)!, ids.map((id) => o[id] as number | null | undefined));
  });

  const tasksWithValue = taskRows.filter((t) => t.values.some((v) => v !== null)).length;
  const candidates = scorers.flatMap((scorer) => {
    const means = runs.map((run) => scorer(run.records, metric));
    return (means[0] ?? []).map((first, g) => ({
      ...row("group", first.group.id, first.group.label, means.map((m) => m[g].mean)),
      members: first.group.keys,
      counts: means.map((m) => m[g].count),
      // "All tasks" means every task any run has a value for, so a run missing some shows n/N.
      expected: means.map((m) => (first.group.keys === "all" ? tasksWithValue : m[g].expected))
    }));
  });
  // A group shows when some run has a value in it. Families can overlap: for a file of our suites,
  // DataComp's average over all tasks is our "Average" again, so a group repeating an earlier
  // one's label and values (up to summation order) is left out.
  const same = (a: number | null, b: number | null) => a === b || (a !== null && b !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a)));
  const groupRows: typeof candidates = [];
  for (const r of candidates) {
    const repeat = groupRows.some((g) => g.label === r.label && g.values.every((v, i) => same(v, r.values[i])));
    if (r.counts.some((n) => n > 0) && !repeat) groupRows.push(r);
  }

  return {runs: runs.map(({id, name}) => ({id, name})), metric, scale, baseline: baseIndex < 0 ? null : baseline, groups: groupRows, tasks: taskRows};
}

/** A row's best value(s), when at least two values are present, and each value's delta from the baseline's (index −1: none). */
export function marks(values: readonly (number | null)[], baseIndex: number): {best: boolean[]; deltas: (number | null)[]} {
  const present = values.filter((v): v is number => v !== null);
  const top = present.length >= 2 ? Math.max(...present) : null;
  const base = baseIndex < 0 ? null : values[baseIndex];
  return {
    best: values.map((v) => top !== null && v === top),
    deltas: values.map((v, i) => (i === baseIndex || base === null || v === null ? null : v - base))
  };
}
