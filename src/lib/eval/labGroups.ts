import type {ResultGroup} from "../results/dataCompGroups.js";
import type {EvalRecord} from "../results/evalResults.js";
import {groupMeans, type GroupScorer} from "../results/groupMeans.js";
import {SUITES, type SuiteGroup} from "./suites.js";

const keysOf = (group: SuiteGroup) => SUITES.filter((s) => s.group === group).map((s) => s.key);

/**
 * Our summary groups, DataComp-style (results/dataCompGroups.ts): classification ("ImageNet"),
 * shift ("ImageNet dist. shifts"), retrieval, and the average over every suite (the digit strip
 * and the 128/256 px extrapolation sets count there only, as SVHN and EuroSAT do in DataComp's average).
 */
export const LAB_GROUPS: readonly ResultGroup[] = [
  {id: "classification", label: "Classification", keys: keysOf("classification")},
  {id: "shift", label: "Distribution shift", keys: keysOf("shift")},
  {id: "retrieval", label: "Retrieval", keys: keysOf("retrieval")},
  {id: "average", label: "Average", keys: SUITES.map((s) => s.key)}
];

/** Our groups as a scorer for the results comparison (alongside dataCompGroupMeans). */
export const labGroupMeans: GroupScorer = (records, metric) => groupMeans(records, LAB_GROUPS, metric);

export type AggregateScores = Record<"classification" | "shift" | "retrieval" | "average", number>;

/**
 * Our group means of main_metric, as DataComp's aggregate_scores computes them; like it, this
 * refuses results that lack a suite (naming them) rather than average over a different set.
 */
export function aggregateScores(records: readonly EvalRecord[]): AggregateScores {
  const present = new Set(records.filter((r) => typeof r.metrics.main_metric === "number").map((r) => r.key));
  const missing = SUITES.filter((s) => !present.has(s.key)).map((s) => s.key);
  if (missing.length > 0) throw new Error(`aggregateScores: results lack main_metric for ${missing.join(", ")}`);
  const means = Object.fromEntries(labGroupMeans(records, "main_metric").map((g) => [g.group.id, g.mean as number]));
  return {classification: means.classification, shift: means.shift, retrieval: means.retrieval, average: means.average};
}
