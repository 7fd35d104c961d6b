import {csvParse} from "d3-dsv";

/**
 * The poster's RQ1 table (data/paper/dmclip_rq1.csv): one DM-CLIP S1 student per loss weighting,
 * trained on 6M DataCompDR samples, with seven evaluation columns in percent (higher is better).
 */
export interface PosterRow {
  readonly model: string;
  readonly contrastiveWeight: number;
  readonly distillWeight: number;
  readonly values: Readonly<Record<string, number>>;
}

export interface PosterMetric {
  readonly key: string;
  readonly label: string;
}

export interface PosterTable {
  readonly metrics: readonly PosterMetric[];
  /** In order of increasing distillation weight. */
  readonly rows: readonly PosterRow[];
}

/** The poster's column headings for the CSV's metric columns. */
export const POSTER_LABELS: Readonly<Record<string, string>> = {
  in_val: "IN-val",
  in_shift: "IN-shift",
  flickr30k_t2i: "Flickr30k T→I",
  flickr30k_i2t: "Flickr30k I→T",
  coco_t2i: "COCO T→I",
  coco_i2t: "COCO I→T",
  avg_perf: "Avg Perf."
};

const WEIGHTS = ["model", "contrastive_weight", "distill_weight"];

/** Parses the CSV; every cell but `model` must be a number, and the error names file, row and column. */
export function parsePosterRq1(text: string, file: string): PosterTable {
  const parsed = csvParse(text);
  const missing = WEIGHTS.filter((c) => !parsed.columns.includes(c));
  if (missing.length > 0) throw new Error(`${file}: missing column(s) ${missing.join(", ")}`);
  const metricKeys = parsed.columns.filter((c) => !WEIGHTS.includes(c));
  if (metricKeys.length === 0) throw new Error(`${file}: no metric columns besides ${WEIGHTS.join(", ")}`);
  const number = (row: Record<string, string | undefined>, column: string, line: number) => {
    const value = Number(row[column]);
    if (row[column] === undefined || row[column]!.trim() === "" || !Number.isFinite(value)) {
      throw new Error(`${file}: row ${line}, column ${column}: expected a number, got ${JSON.stringify(row[column] ?? "")}`);
    }
    return value;
  };
  const rows = parsed.map((row, i): PosterRow => {
    const line = i + 2;
    if (!row.model) throw new Error(`${file}: row ${line}, column model: expected a model name`);
    return {
      model: row.model,
      contrastiveWeight: number(row, "contrastive_weight", line),
      distillWeight: number(row, "distill_weight", line),
      values: Object.fromEntries(metricKeys.map((k) => [k, number(row, k, line)]))
    };
  });
  if (rows.length === 0) throw new Error(`${file}: no rows`);
  return {
    metrics: metricKeys.map((key) => ({key, label: POSTER_LABELS[key] ?? key})),
    rows: [...rows].sort((a, b) => a.distillWeight - b.distillWeight)
  };
}

/** Per metric, the highest value and the model(s) holding it. */
export function bestPerMetric(table: PosterTable): Record<string, {value: number; models: string[]}> {
  return Object.fromEntries(
    table.metrics.map(({key}) => {
      const value = Math.max(...table.rows.map((r) => r.values[key]));
      return [key, {value, models: table.rows.filter((r) => r.values[key] === value).map((r) => r.model)}];
    })
  );
}

/** Contrastive-only: w_d = 0. */
export function contrastiveOnly(table: PosterTable): PosterRow {
  const row = table.rows.find((r) => r.distillWeight === 0);
  if (!row) throw new Error("poster table: no contrastive-only row (distill_weight 0) to compare against");
  return row;
}

/** What a table lacks for the gain over contrastive-only: the baseline row, the compared row, or both. */
export type GainNeed = "contrastive-only" | "compared-weighting";

/** The rows checkGainClaim would need and `table` lacks; empty when the check can run. */
export function missingForGainClaim(table: PosterTable, {contrastiveWeight = 0.25, distillWeight = 0.75} = {}): GainNeed[] {
  const needs: GainNeed[] = [];
  if (!table.rows.some((r) => r.distillWeight === 0)) needs.push("contrastive-only");
  if (!table.rows.some((r) => r.contrastiveWeight === contrastiveWeight && r.distillWeight === distillWeight)) needs.push("compared-weighting");
  return needs;
}

export interface PosterGain {
  readonly metric: PosterMetric;
  /** Percentage points. */
  readonly absolute: number;
  /** Relative to the contrastive-only value (0.1 = 10% better). */
  readonly relative: number;
}

/** Each metric of `row` against contrastive-only, in points and relative. */
export function gainsOverContrastive(table: PosterTable, row: PosterRow): PosterGain[] {
  const base = contrastiveOnly(table);
  return table.metrics.map((metric) => {
    const absolute = row.values[metric.key] - base.values[metric.key];
    return {metric, absolute, relative: absolute / base.values[metric.key]};
  });
}

export interface ClaimCheck {
  readonly row: PosterRow;
  readonly gains: readonly PosterGain[];
  /** Metrics whose relative gain lies within `tolerance` of the claim. */
  readonly near: readonly PosterGain[];
  readonly sentences: readonly string[];
}

const pct = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(100 * x).toFixed(1)}%`;

/**
 * Checks the poster's "about 10% better than contrastive-only" for the weighting (w_c, w_d)
 * against its own table: the relative gain per metric, which metrics are near the claim
 * (within `tolerance`, absolute on the relative scale), and sentences saying so.
 */
export function checkGainClaim(
  table: PosterTable,
  {contrastiveWeight = 0.25, distillWeight = 0.75, claim = 0.1, tolerance = 0.02} = {}
): ClaimCheck {
  const row = table.rows.find((r) => r.contrastiveWeight === contrastiveWeight && r.distillWeight === distillWeight);
  if (!row) throw new Error(`poster table: no row with contrastive_weight ${contrastiveWeight} and distill_weight ${distillWeight}`);
  const gains = gainsOverContrastive(table, row);
  const near = gains.filter((g) => Math.abs(g.relative - claim) <= tolerance);
  const better = gains.filter((g) => g.absolute > 0);
  const worse = gains.filter((g) => g.absolute < 0);
  const byGain = [...gains].sort((a, b) => b.relative - a.relative);
  const list = (gs: readonly PosterGain[]) => gs.map((g) => `${g.metric.label} ${pct(g.relative)}`).join(", ");
  const sentences = [
    `Against contrastive-only, ${row.model} (w_c = ${contrastiveWeight}, w_d = ${distillWeight}) is better on ${better.length} of ${gains.length} columns` +
      (worse.length > 0 ? ` and worse on ${worse.length} (${list(worse)})` : "") +
      ".",
    `Relative gains range from ${pct(byGain.at(-1)!.relative)} (${byGain.at(-1)!.metric.label}) to ${pct(byGain[0].relative)} (${byGain[0].metric.label}); per column: ${list(gains)}.`,
    claimSentence(gains, near, claim, tolerance)
  ];
  return {row, gains, near, sentences};
}

function claimSentence(gains: readonly PosterGain[], near: readonly PosterGain[], claim: number, tolerance: number): string {
  const band = `${Math.round(100 * claim)}% ± ${Math.round(100 * tolerance)} points`;
  const above = gains.filter((g) => g.relative > claim + tolerance).length;
  const below = gains.filter((g) => g.relative < claim - tolerance).length;
  const rest = [above > 0 ? `${above} gain${above === 1 ? "s" : ""} more` : "", below > 0 ? `${below} gain${below === 1 ? "s" : ""} less or lose` : ""].filter(Boolean).join(", ");
  const head = near.length > 0
    ? `The poster's "≈${Math.round(100 * claim)}%" holds for ${near.map((g) => g.metric.label).join(", ")} (${band})`
    : `No column gains ${band}: the poster's "≈${Math.round(100 * claim)}%" is not in this table`;
  return `${head}${rest ? `; of the other columns, ${rest}` : ""}.`;
}
