import {spawnSync} from "node:child_process";
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, it} from "vitest";

const run = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "scripts/featureTransfer.ts", ...args], {encoding: "utf8"});
const dir = mkdtempSync(join(tmpdir(), "feature-transfer-"));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

describe("npm run pilot:feature-transfer", () => {
  it("refuses a bad option in one line, exit code 2, before any work", () => {
    const full = join(dir, "full");
    writeFileSync(join(dir, "marker"), "");
    for (const [args, message] of [
      [["--steps", "10"], "error: --out <folder> is required (e.g. --out data/runs/pilots/feature-transfer-a)"],
      [["--out", full, "--teacher", "c"], 'error: --teacher "c": expected a or b'],
      [["--out", full, "--steps", "0"], 'error: --steps "0": steps expected an integer in [1, 1000000]'],
      [["--out", full, "--steps", "20", "--warmup", "30"], "error: --warmup 30 must not exceed --steps 20"],
      [["--out", full, "--weights", "1,0"], "error: unknown option --weights; known: --out --force --teacher --per-set --retrieval --steps --seed --student --lr --warmup --eval-every"],
      [["--out", dir], `error: --out ${JSON.stringify(dir)}: the folder is not empty (it holds marker); choose another or pass --force to overwrite`]
    ] as const) {
      const result = run(...args);
      expect(result.stderr.trim().split("\n"), args.join(" ")).toEqual([message]);
      expect(result.status).toBe(2);
    }
  });

  it("trains the image tower on the teacher's features and records every step's loss and the evaluations", () => {
    const out = join(dir, "tiny");
    const result = run("--out", out, "--steps", "3", "--warmup", "1", "--eval-every", "2", "--per-set", "10", "--retrieval", "10");
    expect(result.status, result.stderr).toBe(0);
    const record = JSON.parse(readFileSync(join(out, "curve.json"), "utf8"));
    expect(record).toMatchObject({kind: "feature-transfer", teacher: "teacher-a", steps: 3, student: "vim", perSet: 10, retrieval: 10, backend: "wasm", outcome: "finished 3 steps"});
    expect(record.loss).toHaveLength(3);
    // 1 − cosine lies in [0, 2].
    expect(record.loss.every((l: number) => l >= 0 && l <= 2)).toBe(true);
    expect(record.evaluations.map((e: {step: number}) => e.step)).toEqual([2, 3]);
    expect(record.evaluations[0].lines.map((l: {key: string}) => l.key)).toContain("classification/objects");
  }, 240_000);
});
