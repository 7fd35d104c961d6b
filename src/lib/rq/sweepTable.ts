import {aggregateScores, LAB_GROUPS} from "../eval/labGroups.js";
import {SUITES} from "../eval/suites.js";
import type {EvalRecord} from "../results/evalResults.js";
import type {RunResult} from "./runBundle.js";

/** A score a sweep is read on: one of our group means, or one suite's main_metric. */
export interface SweepMetric {
  readonly key: string;
  readonly label: string;
  readonly kind: "group" | "suite";
}

/** The groups first (Average leading), then every suite in report order. */
export const SWEEP_METRICS: readonly SweepMetric[] = [
  ...[...LAB_GROUPS].sort((a, b) => Number(b.id === "average") - Number(a.id === "average")).map((g) => ({key: g.id, label: g.label, kind: "group" as const})),
  ...SUITES.map((s) => ({key: s.key, label: s.dataset, kind: "suite" as const}))
];

/** One run as a row: its weights, seed and student, and its scores (fractions, main_metric). */
export interface SweepRow {
  readonly name: string;
  /** null where the run does not say (a results file loaded on the page records no student). */
  readonly student: "vim" | "vit" | null;
  readonly contrastiveWeight: number;
  readonly distillWeight: number;
  readonly seed: number;
  /** Whether the run also trained on the DR (synthetic-caption) loss; null where the run does not say. */
  readonly dr: boolean | null;
  /** The other training settings (steps, batch, learning rate, …) as text: runs compared must share it. */
  readonly recipe: string;
  readonly scores: Readonly<Record<string, number>>;
}

/** One evaluation's lines (a run's or a teacher's) as scores: each suite's `metric`, and with main_metric the group means too. */
export function scoreLines(lines: readonly EvalRecord[], metric = "main_metric"): {scores: Record<string, number>; problem: string | null} {
  const scores: Record<string, number> = {};
  for (const line of lines) {
    const v = line.metrics[metric];
    if (typeof v === "number" && Number.isFinite(v)) scores[line.key] = v;
  }
  if (metric !== "main_metric") return {scores, problem: null};
  try {
    return {scores: {...scores, ...aggregateScores(lines)}, problem: null};
  } catch (e) {
    return {scores, problem: `no group means (${(e as Error).message})`};
  }
}

/**
 * The runs as rows, scored on each suite's `metric` (default main_metric). Group means (of
 * main_metric only) come from the evaluation library's aggregateScores, which refuses a run
 * missing a suite; such a run keeps its suites' scores and the problem is said.
 */
export function sweepRows(runs: readonly RunResult[], {metric = "main_metric"}: {metric?: string} = {}): {rows: SweepRow[]; problems: string[]} {
  const problems: string[] = [];
  const rows = runs.map((run): SweepRow => {
    const {scores, problem} = scoreLines(run.lines, metric);
    if (problem) problems.push(`${run.source}: ${problem}`);
    const {student, contrastiveWeight, distillWeight, seed, dr, ...rest} = run.settings;
    const recipe = Object.entries(rest).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(" ");
    return {name: run.name, student, contrastiveWeight, distillWeight, seed, dr: typeof dr === "boolean" ? dr : null, recipe, scores};
  });
  return {rows, problems};
}
