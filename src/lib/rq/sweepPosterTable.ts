import {marks, type Comparison} from "../results/comparison.js";
import type {PosterRow, PosterTable} from "./posterRq1.js";
import type {Weighting} from "./runName.js";
import type {SweepMetric, SweepRow} from "./sweepTable.js";

/** A column's coverage in one run: tasks averaged of tasks expected (1 of 1 for a single task). */
export interface Coverage {
  readonly count: number;
  readonly expected: number;
}

/** A sweep as the poster prints it: one row per weighting, the mean over its seeds, in percent. */
export interface SweepPosterTable {
  /** null when no column has a value at every weighting. */
  readonly table: PosterTable | null;
  /** Each row's seeds, by its model name. */
  readonly seeds: Readonly<Record<string, readonly number[]>>;
  /** Each row's coverage per column: the fewest tasks any of its seeds averaged. */
  readonly coverage: Readonly<Record<string, Readonly<Record<string, Coverage>>>>;
  /** Columns left out, and the weightings that have no value for them. */
  readonly omitted: readonly {readonly metric: SweepMetric; readonly weightings: readonly string[]}[];
}

/** "(0.25, 0.75)": a weighting as (w_c, w_d), the order of the poster's model names. */
export function weightingName(w: Weighting): string {
  return `(${w.contrastiveWeight}, ${w.distillWeight})`;
}

/**
 * The poster-style table of a sweep's rows (scores as fractions): each weighting's mean over its
 * seeds, × 100, so that the poster's own helpers (bestPerMetric, checkGainClaim) read it as they
 * read the poster's CSV. A column some weighting has no value for is left out, and said.
 * `coverage[i]` is row i's coverage per column, when known.
 */
export function sweepPosterTable(rows: readonly SweepRow[], metrics: readonly SweepMetric[], coverage: readonly (Readonly<Record<string, Coverage>> | undefined)[] = []): SweepPosterTable {
  const groups = new Map<string, {weighting: Weighting; members: number[]}>();
  rows.forEach((r, i) => {
    const weighting = {contrastiveWeight: r.contrastiveWeight, distillWeight: r.distillWeight};
    const name = weightingName(weighting);
    if (!groups.has(name)) groups.set(name, {weighting, members: []});
    groups.get(name)!.members.push(i);
  });
  const mean = (members: number[], key: string) => {
    const values = members.map((i) => rows[i].scores[key]).filter((v): v is number => typeof v === "number");
    return values.length > 0 ? (100 * values.reduce((s, v) => s + v, 0)) / values.length : null;
  };
  const omitted: {metric: SweepMetric; weightings: string[]}[] = [];
  const kept = metrics.filter((metric) => {
    const lacking = [...groups].filter(([, g]) => mean(g.members, metric.key) === null).map(([name]) => name);
    if (lacking.length > 0) omitted.push({metric, weightings: lacking});
    return lacking.length === 0;
  });
  const seeds: Record<string, number[]> = {};
  const covered: Record<string, Record<string, Coverage>> = {};
  const tableRows = [...groups].map(([model, g]): PosterRow => {
    seeds[model] = g.members.map((i) => rows[i].seed).sort((a, b) => a - b);
    covered[model] = Object.fromEntries(
      kept.flatMap((m) => {
        const known = g.members.map((i) => coverage[i]?.[m.key]).filter((c): c is Coverage => c !== undefined);
        return known.length === 0 ? [] : [[m.key, {count: Math.min(...known.map((c) => c.count)), expected: Math.max(...known.map((c) => c.expected))}]];
      })
    );
    return {model, ...g.weighting, values: Object.fromEntries(kept.map((m) => [m.key, mean(g.members, m.key)!]))};
  });
  const table = kept.length === 0 || tableRows.length === 0
    ? null
    : {metrics: kept.map(({key, label}) => ({key, label})), rows: tableRows.sort((a, b) => a.distillWeight - b.distillWeight || b.contrastiveWeight - a.contrastiveWeight)};
  return {table, seeds, coverage: covered, omitted};
}

/**
 * The table turned for the Results page's exports (comparisonToCsv, comparisonToMarkdown): one
 * column per weighting, one row per poster column, the best of each row marked and differences
 * taken from contrastive-only (w_d = 0) when the sweep has it. Values are already percent.
 */
export function posterTableComparison(t: SweepPosterTable): Comparison {
  if (t.table === null) throw new Error("posterTableComparison: the sweep has no column with a value at every weighting");
  const table = t.table;
  const baseIndex = table.rows.findIndex((r) => r.distillWeight === 0);
  const seeds = (model: string) => `${t.seeds[model].length} seed${t.seeds[model].length === 1 ? "" : "s"}`;
  return {
    runs: table.rows.map((r) => ({id: r.model, name: `${r.model}, ${seeds(r.model)}`})),
    metric: "score",
    scale: 100,
    baseline: baseIndex < 0 ? null : table.rows[baseIndex].model,
    groups: table.metrics.map((m) => {
      const values = table.rows.map((r) => r.values[m.key]);
      const cover = table.rows.map((r) => t.coverage[r.model][m.key]);
      const known = cover.every((c) => c !== undefined);
      return {
        kind: "group" as const,
        id: m.key,
        label: m.label,
        values,
        ...marks(values, baseIndex),
        ...(known ? {counts: cover.map((c) => c!.count), expected: cover.map((c) => c!.expected)} : {})
      };
    }),
    tasks: []
  };
}
