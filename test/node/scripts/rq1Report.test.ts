import {spawnSync} from "node:child_process";
import {cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {PROGRESS_MANIFEST, RUN_MANIFEST, runManifestText} from "../../../src/lib/results/runManifest.js";

const dir = mkdtempSync(join(tmpdir(), "rq1-report-"));
afterAll(() => rmSync(dir, {recursive: true, force: true}));
const report = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "scripts/rq1Report.ts", ...args], {encoding: "utf8"});

/** A sweep root holding seed 1 and 2 of the primary pair, copied from the committed sweep, listed in `manifest`. */
function rootWith(name: string, manifest: string): string {
  const root = join(dir, name);
  const runs = ["vim-wc1-wd0-seed1", "vim-wc0.25-wd0.75-seed1", "vim-wc1-wd0-seed2", "vim-wc0.25-wd0.75-seed2"];
  for (const run of runs) cpSync(`data/runs/preregistered/rq1/${run}`, join(root, "rq1", run), {recursive: true});
  writeFileSync(join(root, "rq1", manifest), runManifestText(runs.map((run) => ({name: run, dir: run}))));
  return root;
}

describe("npm run rq1:report", () => {
  it("prints the interim look at a sweep under way as markdown, labelled not the verdict", () => {
    const root = rootWith("under-way", PROGRESS_MANIFEST);
    const result = report("--root", root);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toBe("");
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe(`**Interim look, not the verdict**: 4 of 55 planned runs (\`${root}/rq1/${PROGRESS_MANIFEST}\`):`);
    expect(result.stdout).toMatch(/^- Average: distillation at w_d = 0\.75 \(w_c = 0\.25\) .* over 2 paired seeds/m);
    expect(lines.filter((l) => /^\| \(\d/.test(l)).map((l) => l.split(" | ").slice(0, 2).join(" | "))).toEqual(["| (1, 0) | 2 (1, 2)", "| (0.25, 0.75) | 2 (1, 2)"]);
  });

  it("calls it the verdict once index.json lists every run", () => {
    const root = rootWith("complete", RUN_MANIFEST);
    expect(report("--root", root).stdout.split("\n")[0]).toBe(`**Verdict**, from all 4 runs (\`${root}/rq1/${RUN_MANIFEST}\`):`);
  });

  it("refuses a root without the sweep, or an unknown flag, in one line", () => {
    const empty = join(dir, "empty");
    mkdirSync(empty);
    const none = report("--root", empty);
    expect(none.status).toBe(2);
    expect(none.stderr.trim().split("\n")).toEqual([
      `error: --root ${JSON.stringify(empty)}: ${empty}/rq1 has neither index.json nor progress.json; run npm run sweep -- --study rq1 --root ${empty} first`
    ]);
    const flag = report("--seeds", "1");
    expect(flag.status).toBe(2);
    expect(flag.stderr.trim()).toBe("error: unknown option --seeds; known: --root");
  });
});
