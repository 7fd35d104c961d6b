import {SUITES, type SuiteGroup} from "./suites.js";

/** One line of DataComp's eval_results.jsonl. */
export interface EvalResult {
  readonly key: string;
  readonly dataset: string;
  readonly metrics: Readonly<Record<string, number>> & {readonly main_metric: number};
}

export function toJsonl(results: readonly EvalResult[]): string {
  return results.map((r) => JSON.stringify({key: r.key, dataset: r.dataset, metrics: r.metrics})).join("\n") + "\n";
}

export function parseJsonl(text: string): EvalResult[] {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, i) => {
      let r: EvalResult;
      try {
        r = JSON.parse(line);
      } catch {
        throw new Error(`parseJsonl: line ${i + 1} is not JSON`);
      }
      if (typeof r.dataset !== "string" || typeof r.metrics?.main_metric !== "number") {
        throw new Error(`parseJsonl: line ${i + 1} needs "dataset" and "metrics.main_metric"`);
      }
      return r;
    });
}

export type AggregateScores = Record<Exclude<SuiteGroup, "specialised"> | "average", number>;

/**
 * Our group means, computed as DataComp's aggregate_scores does: each group is the mean of its
 * datasets' main_metric, "average" the mean over every dataset; like DataComp, it refuses an
 * incomplete results file (naming what is missing) rather than average a different set.
 */
export function aggregateScores(results: readonly EvalResult[]): AggregateScores {
  const byDataset = new Map(results.map((r) => [r.dataset, r.metrics.main_metric]));
  const missing = SUITES.filter((s) => !byDataset.has(s.dataset)).map((s) => s.dataset);
  if (missing.length > 0) throw new Error(`aggregateScores: results lack ${missing.join(", ")}`);
  const mean = (group?: SuiteGroup) => {
    const values = SUITES.filter((s) => group === undefined || s.group === group).map((s) => byDataset.get(s.dataset)!);
    return values.reduce((a, b) => a + b, 0) / values.length;
  };
  return {classification: mean("classification"), shift: mean("shift"), retrieval: mean("retrieval"), average: mean()};
}
