import {describe, expect, it} from "vitest";
import {LATENCY_COLUMNS, LATENCY_TEMPLATE_CSV, parseLatencyMeasurements, summariseMeasurements} from "../../../src/lib/rq/latencyMeasurements.js";
import {fitPowerLaw} from "../../../src/lib/rq/scalingFit.js";

// Vim linear in tokens with a fixed cost, ViT quadratic (as latencySummary.test.ts): they cross between 256 and 512 px.
const vim = (t: number) => 20 + 0.1 * t;
const vit = (t: number) => 5 + 1e-4 * t * t;
const SIZES = [64, 128, 256, 512];
const tokens = (s: number) => (s / 8) ** 2 + 1;
// Three passes per point, the middle one the law's value, so the median is exact.
const csv = [
  "device,encoder,image_size,patch,batch,ms",
  ...SIZES.flatMap((s) => [0.9, 1, 1.3].flatMap((f) => [`gpu,vim,${s},8,1,${f * vim(tokens(s))}`, `gpu,vit,${s},8,1,${f * vit(tokens(s))}`]))
].join("\n");

describe("loaded latency measurements", () => {
  it("read a CSV, take each setting's median, and get the live study's fits, crossover and ratio", () => {
    const points = parseLatencyMeasurements(csv, "bench.csv");
    expect(points).toHaveLength(8);
    expect(points[0]).toMatchObject({encoder: "vim", backend: "gpu", batch: 1, imageSize: 64, tokens: 65, status: "measured", medianMs: vim(65)});
    expect(points[0].timesMs).toHaveLength(3);
    const [s] = summariseMeasurements(points, {posterRatio: 0.504});
    const upper = fitPowerLaw([1025, 4097].map((t) => ({x: t, y: vit(t)})));
    expect(s.upperFits.vit!.exponent).toBeCloseTo(upper.exponent, 12);
    const all = fitPowerLaw(SIZES.map((z) => ({x: tokens(z), y: vim(tokens(z))})));
    expect(s.allFits.vim).toEqual(all);
    expect(s.allFits.vim!.exponentLow).toBeLessThan(all.exponent);
    expect(s.crossings.map((c) => c.becomes)).toEqual(["a-faster"]);
    expect(s.largest).toMatchObject({tokens: 4097, imageSize: 512, ratio: vim(4097) / vit(4097)});
    expect(s.ratios.map((r) => r.tokens)).toEqual(SIZES.map(tokens));
    SIZES.map(tokens).forEach((t, i) => expect(s.ratios[i].ratio).toBeCloseTo(vim(t) / vit(t), 12));
    expect(s.sentences.join(" ")).toMatch(/Vim becomes faster at about 1,134 tokens \(≈ 269² pixels\)/);
  });

  it("read JSON, take tokens without an image size, and keep devices and batches apart", () => {
    const rows = [1025, 2049, 4097].flatMap((t) => [
      {encoder: "vim", tokens: t, batch: 1, ms: vim(t), device: "A"},
      {encoder: "VIT", tokens: t, batch: 1, ms: vit(t), device: "A"},
      {encoder: "vim", tokens: t, batch: 8, ms: 8 * vim(t), device: "B"}
    ]);
    const points = parseLatencyMeasurements(JSON.stringify(rows), "bench.json");
    expect(points.every((p) => p.imageSize === null)).toBe(true);
    const summaries = summariseMeasurements(points);
    expect(summaries.map((s) => [s.backend, s.batch])).toEqual([["A", 1], ["B", 8]]);
    expect(summaries[0].largest).toMatchObject({tokens: 4097, imageSize: null});
    expect(summaries[0].sentences.join(" ")).toMatch(/At 4,097 tokens Vim takes/);
    // Three sizes: the fit over all has an interval, the one over the upper two has none.
    expect(summaries[0].allFits.vim!.exponentLow).not.toBeNull();
    expect(summaries[0].upperFits.vim!.exponentLow).toBeNull();
    expect(summaries[0].sentences[0]).toContain("two sizes, so none over the fit");
    expect(summaries[1].crossings).toEqual([]);
  });

  it("name the device after the file when no column gives it", () => {
    const points = parseLatencyMeasurements("encoder,tokens,batch,ms\nvim,65,1,3\nvit,65,1,2\n", "my.csv");
    expect(points.map((p) => p.backend)).toEqual(["my.csv", "my.csv"]);
  });

  it("refuse bad input before any work, naming file, row and column", () => {
    const bad = (text: string) => () => parseLatencyMeasurements(text, "m.csv");
    expect(bad("encoder,tokens,ms\nvim,65,3")).toThrow("m.csv: missing column(s) batch; the header must name encoder, tokens, image_size, patch, batch, ms, device");
    expect(bad("encoder,tokens,batch,ms\nmamba,65,1,3")).toThrow('m.csv, row 2, column encoder: expected vim or vit, got "mamba"');
    expect(bad("encoder,tokens,batch,ms\nvim,65,0,3")).toThrow('m.csv, row 2, column batch: expected an integer ≥ 1, got "0"');
    expect(bad("encoder,tokens,batch,ms\nvim,65,1,-3")).toThrow('m.csv, row 2, column ms: expected a positive number of milliseconds, got "-3"');
    expect(bad("encoder,tokens,batch,ms\nvim,65,1,")).toThrow("m.csv, row 2, column ms: expected a positive number");
    expect(bad("encoder,tokens,batch,ms\nvim,,1,3")).toThrow("m.csv, row 2: give tokens, or image_size and patch");
    expect(bad("encoder,image_size,patch,batch,ms\nvim,100,8,1,3")).toThrow("m.csv, row 2, column image_size: 100 is not a multiple of the patch 8");
    expect(bad("encoder,image_size,batch,ms\nvim,64,1,3")).toThrow('m.csv, row 2, column patch: expected an integer ≥ 1, got ""');
    expect(bad("encoder,image_size,patch,tokens,batch,ms\nvim,64,8,64,1,3")).toThrow("m.csv, row 2, column tokens: 64 disagrees with image_size 64 and patch 8 (65 tokens with the class token)");
    expect(bad("encoder,tokens,batch,ms\n")).toThrow("m.csv: no measurements");
    expect(bad("[{")).toThrow("m.csv: not valid JSON");
    expect(bad("[1]")).toThrow("m.csv: expected a JSON array of objects");
    expect(bad('[{"encoder": "vit", "tokens": 65, "batch": 1, "ms": "x"}]')).toThrow('m.csv, item 0, column ms: expected a positive number of milliseconds, got "x"');
  });

  it("offer a template that parses, and document every column it uses", () => {
    const points = parseLatencyMeasurements(LATENCY_TEMPLATE_CSV, "template.csv");
    expect(points).toHaveLength(4);
    const header = LATENCY_TEMPLATE_CSV.split("\n")[0].split(",");
    expect(header.sort()).toEqual(LATENCY_COLUMNS.map((c) => c.name).sort());
  });
});
