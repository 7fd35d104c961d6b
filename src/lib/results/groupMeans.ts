import {DATACOMP_GROUPS, type ResultGroup} from "./dataCompGroups.js";
import type {EvalRecord} from "./evalResults.js";

/** One group's mean for one run, with how many of its tasks had a value. */
export interface GroupMean {
  readonly group: ResultGroup;
  /** Mean of `metric` over the group's tasks that have it; null when none has. */
  readonly mean: number | null;
  /** Tasks that contributed a value. */
  readonly count: number;
  /** Tasks the group names (for "all": the run's tasks). A mean over fewer is over a subset. */
  readonly expected: number;
}

/** A family of group means for one run's records on one metric (DataComp's groups, our suites' groups). */
export type GroupScorer = (records: readonly EvalRecord[], metric: string) => GroupMean[];

/** The mean of `metric` over each group's tasks, skipping tasks without a value (NaN or null). */
export function groupMeans(records: readonly EvalRecord[], groups: readonly ResultGroup[], metric = "main_metric"): GroupMean[] {
  const byKey = new Map(records.map((r) => [r.key, r]));
  return groups.map((group) => {
    const keys = group.keys === "all" ? [...byKey.keys()] : group.keys;
    const values = keys.map((k) => byKey.get(k)?.metrics[metric]).filter((v): v is number => typeof v === "number");
    const mean = values.length > 0 ? values.reduce((s, v) => s + v, 0) / values.length : null;
    return {group, mean, count: values.length, expected: keys.length};
  });
}

/** DataComp's summary groups, as a scorer. */
export const dataCompGroupMeans: GroupScorer = (records, metric) => groupMeans(records, DATACOMP_GROUPS, metric);
