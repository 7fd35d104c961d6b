import type {ReadText} from "../results/runManifest.js";
import {bundleRuns, bundleSweep} from "./runBundle.js";
import {PREREGISTERED_ROOT} from "./sweepPlan.js";

/**
 * What the RQ pages read, gathered at build time (scripts/siteAssets.ts writes these under
 * src/assets/rq/ so the pages can name them with FileAttachment): the poster's tables, the
 * committed sweeps' runs (the pre-registered RQ1 sweep's finished runs while it is under way,
 * marked incomplete), the teachers' evaluations, the recorded latency benchmark and the live
 * benchmark of the train page (which the train page reads too). A
 * missing sweep or benchmark is written as empty, never invented; the pages say so.
 */
export const RQ_ASSET_DIR = "src/assets/rq";

export interface RqAssetSources {
  readonly read: ReadText;
  /** File names in a folder of the repository (empty when it does not exist). */
  readonly list: (dir: string) => string[];
}

/** Each asset's file name (under RQ_ASSET_DIR) and contents. */
export function rqAssets({read, list}: RqAssetSources): Record<string, string> {
  const need = (path: string) => {
    const text = read(path);
    if (text === null) throw new Error(`rqAssets: ${path} is missing (the poster's tables are committed under data/paper/)`);
    return text;
  };
  const teachers = list("data/teachers")
    .filter((f) => f.endsWith(".eval.jsonl"))
    .sort()
    .map((f) => ({name: f.replace(/\.eval\.jsonl$/, ""), source: `data/teachers/${f}`, text: read(`data/teachers/${f}`) ?? ""}));
  const bench = read("data/bench/latency.json");
  const live = read("data/bench/live.json");
  return {
    "dmclip_rq1.csv": need("data/paper/dmclip_rq1.csv"),
    "dmclip_rq2.csv": need("data/paper/dmclip_rq2.csv"),
    "rq1-runs.json": JSON.stringify(bundleRuns("data/runs/rq1", read)),
    "rq1-preregistered.json": JSON.stringify(bundleSweep(`${PREREGISTERED_ROOT}/rq1`, read)),
    "rq2-runs.json": JSON.stringify(bundleRuns("data/runs/rq2", read)),
    "teachers.json": JSON.stringify({teachers}),
    "latency.json": JSON.stringify({source: bench === null ? null : "data/bench/latency.json", bench: bench === null ? null : JSON.parse(bench)}),
    "live.json": JSON.stringify({source: live === null ? null : "data/bench/live.json", bench: live === null ? null : JSON.parse(live)}),
    // The folder is generated: keep it out of git without touching the repository's .gitignore.
    ".gitignore": "*\n"
  };
}
