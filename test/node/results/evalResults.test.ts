import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {describeProblem, fileSizeProblem, MAX_RESULTS_BYTES, parseEvalResults, readResultsFile} from "../../../src/lib/results/evalResults.js";
import {parsePythonJson} from "../../../src/lib/results/pythonJson.js";

const fixture = (name: string) => readFileSync(`test/fixtures/results/${name}`, "utf8");

describe("parsePythonJson", () => {
  it("reads Python's NaN as null and ±Infinity as ±Infinity, outside strings only", () => {
    expect(parsePythonJson('{"a": NaN, "b": Infinity, "c": -Infinity, "d": [NaN, 1]}')).toEqual({a: null, b: Infinity, c: -Infinity, d: [null, 1]});
    expect(parsePythonJson('{"NaN": "NaN Infinity \\" NaN", "x": 1}')).toEqual({NaN: 'NaN Infinity " NaN', x: 1});
  });

  it("leaves other invalid JSON invalid", () => {
    expect(() => parsePythonJson('{"a": NaNa}')).toThrow();
    expect(() => parsePythonJson("{'a': 1}")).toThrow();
  });
});

describe("parseEvalResults", () => {
  it("reads a DataComp file written by Python's json, NaN tokens and null metrics included", () => {
    const {records, errors, warnings} = parseEvalResults(fixture("datacomp-b.jsonl"), "datacomp-b.jsonl");
    expect(errors).toEqual([]);
    expect(warnings).toEqual([]);
    expect(records).toHaveLength(40);
    expect(records[0]).toEqual({
      key: "vtab/caltech101",
      dataset: "Caltech-101",
      metrics: {acc1: 0.85, acc5: 1, mean_per_class_recall: 0.85, main_metric: 0.85}
    });
    expect(records.find((r) => r.key === "imagenet-a")!.metrics).toEqual({acc1: null, acc5: null, mean_per_class_recall: null, main_metric: null});
    expect(records.find((r) => r.key === "fairness/fairface")!.metrics.main_metric).toBeNull();
  });

  it("skips blank lines, a BOM and CRLF endings; a missing dataset falls back to the key", () => {
    const text = '\uFEFF{"key": "a", "metrics": {"acc1": 1}}\r\n\r\n{"key": "b", "dataset": "B", "metrics": {}}\r\n';
    expect(parseEvalResults(text, "f").records).toEqual([
      {key: "a", dataset: "a", metrics: {acc1: 1}},
      {key: "b", dataset: "B", metrics: {}}
    ]);
  });

  it("reads Infinity as missing, with a warning naming line and field", () => {
    const {records, warnings} = parseEvalResults('{"key": "a", "metrics": {"acc1": Infinity, "acc5": 0.5}}', "f.jsonl");
    expect(records[0].metrics).toEqual({acc1: null, acc5: 0.5});
    expect(warnings.map(describeProblem)).toEqual(['f.jsonl, line 1, field "metrics.acc1": Infinity, read as missing']);
  });

  const cases: [string, string][] = [
    ["not-json-lines.jsonl", "not-json-lines.jsonl, line 1: not a JSON object"],
    ["missing-key.jsonl", 'missing-key.jsonl, line 2, field "key": missing'],
    ["missing-metrics.jsonl", 'missing-metrics.jsonl, line 2, field "metrics": missing'],
    ["string-metric.jsonl", 'string-metric.jsonl, line 2, field "metrics.acc1": expected a number (or NaN, null), got the string "0.9"'],
    ["duplicate-key.jsonl", 'duplicate-key.jsonl, line 3, field "key": duplicate key "imagenet1k", already on line 1']
  ];
  it.each(cases)("refuses %s with a message naming file, line and field", (file, message) => {
    const {records, errors} = parseEvalResults(fixture(file), file);
    expect(records).toEqual([]);
    expect(describeProblem(errors[0])).toContain(message);
  });

  it("refuses lines that are not objects, wrong types and empty files", () => {
    const first = (text: string) => describeProblem(parseEvalResults(text, "f").errors[0]);
    expect(first("[1, 2]")).toBe('f, line 1: expected a JSON object {"key", "dataset", "metrics"}, got an array');
    expect(first('{"key": 3, "metrics": {}}')).toBe('f, line 1, field "key": expected a non-empty string, got number 3');
    expect(first('{"key": "a", "dataset": 1, "metrics": {}}')).toBe('f, line 1, field "dataset": expected a string, got number 1');
    expect(first('{"key": "a", "metrics": [1]}')).toBe('f, line 1, field "metrics": expected an object, got an array');
    expect(first('{"key": "a", "metrics": {"x": {"y": 1}}}')).toBe('f, line 1, field "metrics.x": expected a number (or NaN, null), got an object');
    expect(first("\n\n")).toBe("f: no result lines: the file is empty");
  });

  it("names the encoding of a UTF-16 file and bare-CR line endings instead of a JSON error per line", () => {
    const lines = ['{"key": "a", "metrics": {"acc1": 0.5}}', '{"key": "b", "metrics": {"acc1": 0.25}}'];
    const utf16 = new TextDecoder().decode(new Uint8Array([0xff, 0xfe, ...[...`${lines.join("\n")}\n`].flatMap((c) => [c.charCodeAt(0), 0])]));
    expect(parseEvalResults(utf16, "u16.jsonl").errors).toEqual([
      {file: "u16.jsonl", message: "the file looks like UTF-16 (it holds NUL characters between its letters); save it as UTF-8 and load it again"}
    ]);
    expect(parseEvalResults(lines.join("\r") + "\r", "mac.jsonl").errors).toEqual([
      {file: "mac.jsonl", message: "the file's lines end in a bare CR (classic Mac line endings), so they cannot be told apart; save it with LF or CRLF line endings"}
    ]);
    expect(parseEvalResults(lines.join("\r\n"), "crlf.jsonl").records).toHaveLength(2);
  });

  it("lists at most 20 problems and counts the rest", () => {
    const {errors} = parseEvalResults("x\n".repeat(30), "f");
    expect(errors).toHaveLength(21);
    expect(errors[20].message).toBe("and 10 more problems");
  });

  it("refuses a file larger than the limit before reading it", () => {
    expect(fileSizeProblem("ok.jsonl", MAX_RESULTS_BYTES)).toBeNull();
    const p = fileSizeProblem("big.jsonl", 50 * 1024 * 1024)!;
    expect(describeProblem(p)).toMatch(/^big\.jsonl: the file is 50\.0 MB, more than the 4\.0 MB/);
  });

  it("rejects text that is not a string", () => {
    expect(() => parseEvalResults(42 as unknown as string, "f")).toThrow("parseEvalResults: text must be a string, got number");
  });
});

describe("readResultsFile", () => {
  it("parses a file's text, and refuses a too-large file without reading it", async () => {
    const file = (size: number) => ({name: "f.jsonl", size, text: async () => '{"key": "a", "metrics": {"acc1": 0.5}}'});
    expect((await readResultsFile(file(40))).records).toEqual([{key: "a", dataset: "a", metrics: {acc1: 0.5}}]);
    let read = false;
    const big = {...file(MAX_RESULTS_BYTES + 1), text: async () => ((read = true), "")};
    expect((await readResultsFile(big)).errors[0].message).toMatch(/^the file is 4\.0 MB/);
    expect(read).toBe(false);
  });
});
