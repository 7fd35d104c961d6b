import {LAB_GROUPS} from "../eval/labGroups.js";
import {DATACOMP_GROUPS, DATACOMP_SCORED_TASKS, type ResultGroup} from "../results/dataCompGroups.js";
import type {EvalRecord} from "../results/evalResults.js";
import {groupMeans} from "../results/groupMeans.js";
import {POSTER_LABELS} from "./posterRq1.js";
import type {SweepMetric} from "./sweepTable.js";

/** Which evaluation suite a results file comes from: DataComp's 38 tasks, or this lab's 12 suites. */
export type ResultSuite = "datacomp" | "lab";

/** Where a poster column is read in one suite: one task's metric, or a group's mean of main_metric. */
export type ColumnSource =
  | {readonly kind: "task"; readonly key: string; readonly metric: string}
  | {readonly kind: "group"; readonly group: ResultGroup};

export interface PosterColumn {
  /** The poster CSV's column (data/paper/dmclip_rq1.csv). */
  readonly key: string;
  readonly sources: Readonly<Record<ResultSuite, ColumnSource>>;
}

const task = (key: string, metric: string): ColumnSource => ({kind: "task", key, metric});
const group = (groups: readonly ResultGroup[], id: string): ColumnSource => ({kind: "group", group: groups.find((g) => g.id === id)!});
const T2I = "image_retrieval_recall@1";
const I2T = "text_retrieval_recall@1";

/**
 * The poster's seven columns from DataComp's task keys, and from the lab's suites as SUITES maps
 * them (the objects stand for ImageNet, the shifted objects for its shifts, the scenes for both
 * retrieval sets). DataComp's "Average" is over every task present, as its aggregate is.
 */
export const POSTER_COLUMNS: readonly PosterColumn[] = [
  {key: "in_val", sources: {datacomp: task("imagenet1k", "acc1"), lab: task("classification/objects", "acc1")}},
  {key: "in_shift", sources: {datacomp: group(DATACOMP_GROUPS, "datacomp/imagenet-shifts"), lab: group(LAB_GROUPS, "shift")}},
  {key: "flickr30k_t2i", sources: {datacomp: task("retrieval/flickr30k", T2I), lab: task("retrieval/scenes", T2I)}},
  {key: "flickr30k_i2t", sources: {datacomp: task("retrieval/flickr30k", I2T), lab: task("retrieval/scenes", I2T)}},
  {key: "coco_t2i", sources: {datacomp: task("retrieval/mscoco_2014_5k_test_image_text_retrieval", T2I), lab: task("retrieval/scenes", T2I)}},
  {key: "coco_i2t", sources: {datacomp: task("retrieval/mscoco_2014_5k_test_image_text_retrieval", I2T), lab: task("retrieval/scenes", I2T)}},
  {key: "avg_perf", sources: {datacomp: group(DATACOMP_GROUPS, "datacomp/average"), lab: group(LAB_GROUPS, "average")}}
];

/** The columns as scores the sweep analysis (rq1Verdict) reads, labelled as the poster heads them. */
export const POSTER_METRICS: readonly SweepMetric[] = POSTER_COLUMNS.map((c) => ({
  key: c.key,
  label: POSTER_LABELS[c.key],
  kind: c.sources.datacomp.kind === "group" ? "group" : "suite"
}));

/** The task each suite's ImageNet column needs: without it, a file is not one run of an RQ1 sweep. */
const IMAGENET: Readonly<Record<ResultSuite, string>> = {datacomp: "imagenet1k", lab: "classification/objects"};

/** One file's poster columns (fractions), and for each how many tasks it averages of how many. */
export interface PosterColumnScores {
  readonly suite: ResultSuite;
  /** Columns with a value only: a task missing or NaN leaves its column out. */
  readonly scores: Readonly<Record<string, number>>;
  readonly coverage: Readonly<Record<string, {readonly count: number; readonly expected: number}>>;
}

/** The suite `records` come from, by their ImageNet task; null without one. */
export function suiteOf(records: readonly EvalRecord[]): ResultSuite | null {
  const keys = new Set(records.map((r) => r.key));
  return (Object.keys(IMAGENET) as ResultSuite[]).find((s) => keys.has(IMAGENET[s])) ?? null;
}

/**
 * The poster's columns of one results file. Throws, naming `file`, when it has no ImageNet
 * (`imagenet1k`, or the lab's `classification/objects`) or its ImageNet line has no acc1 value.
 */
export function posterColumnScores(records: readonly EvalRecord[], file: string): PosterColumnScores {
  const suite = suiteOf(records);
  if (suite === null) {
    throw new Error(`${file}: no ImageNet result (task key "imagenet1k", or the lab's "classification/objects"): the poster's columns start from it`);
  }
  const byKey = new Map(records.map((r) => [r.key, r]));
  if (typeof byKey.get(IMAGENET[suite])!.metrics.acc1 !== "number") {
    throw new Error(`${file}: the "${IMAGENET[suite]}" line has no acc1 value (NaN or missing), which the poster's IN-val column is`);
  }
  const scores: Record<string, number> = {};
  const coverage: Record<string, {count: number; expected: number}> = {};
  for (const column of POSTER_COLUMNS) {
    const source = column.sources[suite];
    if (source.kind === "task") {
      const v = byKey.get(source.key)?.metrics[source.metric];
      if (typeof v === "number") scores[column.key] = v;
      coverage[column.key] = {count: typeof v === "number" ? 1 : 0, expected: 1};
      continue;
    }
    const [mean] = groupMeans(records, [source.group], "main_metric");
    if (mean.mean !== null) scores[column.key] = mean.mean;
    // "Every task present" counts against DataComp's 38 (and any other task the file scores),
    // so a file whose tasks came out NaN shows n/N rather than a smaller N.
    const expected = source.group.keys === "all"
      ? new Set([...DATACOMP_SCORED_TASKS, ...records.filter((r) => typeof r.metrics.main_metric === "number").map((r) => r.key)]).size
      : mean.expected;
    coverage[column.key] = {count: mean.count, expected};
  }
  return {suite, scores, coverage};
}

/** The columns as the verdict reads them: the average leads, as Average leads the committed sweep's. */
export const POSTER_VERDICT_METRICS: readonly SweepMetric[] = [...POSTER_METRICS].sort((a, b) => Number(b.key === "avg_perf") - Number(a.key === "avg_perf"));
