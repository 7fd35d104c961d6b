import {readdirSync, readFileSync, statSync} from "node:fs";
import {parseEvalResults} from "../../../src/lib/results/evalResults.js";
import type {LoadedFile} from "../../../src/lib/rq/loadedSweep.js";

/** Every .jsonl under `dir` (test/fixtures/rq1/…), parsed as the page parses a dropped file, in path order. */
export function sweepFiles(dir: string): LoadedFile[] {
  const walk = (d: string): string[] =>
    readdirSync(d).sort().flatMap((name) => (statSync(`${d}/${name}`).isDirectory() ? walk(`${d}/${name}`) : name.endsWith(".jsonl") ? [`${d}/${name}`] : []));
  return walk(dir).map((path) => {
    const parsed = parseEvalResults(readFileSync(path, "utf8"), path);
    if (parsed.errors.length > 0) throw new Error(`fixture ${path} does not parse`);
    return {source: path, records: parsed.records};
  });
}

/**
 * A file's lines read directly, without the lab's parser: Python's NaN → null, then JSON.parse.
 * The tests compute what they expect from these.
 */
export function rawLines(path: string): Map<string, Record<string, number | null>> {
  const lines = readFileSync(path, "utf8").trim().split("\n").map((l) => JSON.parse(l.replace(/\bNaN\b/g, "null")) as {key: string; metrics: Record<string, number | null>});
  return new Map(lines.map((l) => [l.key, l.metrics]));
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The poster's seven columns of one file, by hand: DataComp's keys written out here. */
export function directColumns(path: string): Record<string, number> {
  const m = rawLines(path);
  const values = (keys: string[], metric: string) => keys.map((k) => m.get(k)?.[metric]).filter((v): v is number => typeof v === "number");
  const shifts = ["imagenet_sketch", "imagenetv2", "imagenet-a", "imagenet-o", "imagenet-r", "objectnet"];
  const flickr = "retrieval/flickr30k";
  const coco = "retrieval/mscoco_2014_5k_test_image_text_retrieval";
  return {
    in_val: m.get("imagenet1k")!.acc1!,
    in_shift: mean(values(shifts, "main_metric")),
    flickr30k_t2i: m.get(flickr)!["image_retrieval_recall@1"]!,
    flickr30k_i2t: m.get(flickr)!["text_retrieval_recall@1"]!,
    coco_t2i: m.get(coco)!["image_retrieval_recall@1"]!,
    coco_i2t: m.get(coco)!["text_retrieval_recall@1"]!,
    avg_perf: mean(values([...m.keys()], "main_metric"))
  };
}
