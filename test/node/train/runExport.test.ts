import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";
import {parseRunExport} from "../../../src/lib/train/runExport.js";

const text = readFileSync("data/runs/rq1/vim-wc0.25-wd0.75-seed1/run.json", "utf8");
const edited = (edit: (run: Record<string, unknown>) => void) => {
  const run = JSON.parse(text);
  edit(run);
  return JSON.stringify(run);
};

describe("parseRunExport", () => {
  it("reads a committed run", () => {
    expect(parseRunExport(text, "run.json").settings).toMatchObject({student: "vim", contrastiveWeight: 0.25, distillWeight: 0.75, seed: 1});
  });
  it("refuses a run without settings instead of filing it as the default run", () => {
    for (const settings of [undefined, null, [], "vim"]) {
      expect(() => parseRunExport(edited((r) => (r.settings = settings)), "bare.json"), String(settings)).toThrow(/^run bare.json: "settings" is missing/);
    }
    expect(() => parseRunExport(edited((r) => (r.settings = {seed: -1})), "seed.json")).toThrow(/^run seed.json: settings.seed: expected an integer/);
  });
});
