import {spawnSync} from "node:child_process";
import {describe, expect, it} from "vitest";

const run = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "scripts/data/targetMass.ts", ...args], {encoding: "utf8"});

describe("npm run data:target-mass", () => {
  it("refuses a bad option in one line, exit code 2, before reading the set", () => {
    for (const [args, message] of [
      [["--batches", "0"], 'error: --batches "0": expected a positive integer'],
      [["--shards", "2"], "error: unknown option --shards; known: --batches --seed"]
    ] as const) {
      const result = run(...args);
      expect(result.status).toBe(2);
      expect(result.stderr.trim().split("\n")).toEqual([message]);
    }
  });

  it("prints one row per teacher scale from the committed set, sharper scales putting more on the own caption", () => {
    const result = run("--batches", "1");
    expect(result.status, result.stderr).toBe(0);
    const rows = result.stdout.split("\n").filter((l) => /^\| (each|\d)/.test(l)).map((l) => l.split("|").slice(2, 6).map(Number));
    expect(rows).toHaveLength(4);
    const own = rows.map((r) => r[0]);
    expect(own.every((p) => p > 0 && p <= 1)).toBe(true);
    // Scales 20, 10, 5 in order: less on the own caption each time.
    expect(own[1]).toBeGreaterThan(own[2]);
    expect(own[2]).toBeGreaterThan(own[3]);
  }, 120_000);
});
