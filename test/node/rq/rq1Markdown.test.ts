import {describe, expect, it} from "vitest";
import {rq1Markdown} from "../../../src/lib/rq/rq1Markdown.js";
import {rq1Verdict} from "../../../src/lib/rq/rq1Verdict.js";
import {sweepRows} from "../../../src/lib/rq/sweepTable.js";
import {sweep} from "./fixtures.js";

describe("rq1Markdown", () => {
  it("prints the verdict's sentences and each weighting's group means with the interval of the mean", () => {
    // Three seeds at (1, 0) and (0.25, 0.75), one at (0, 1): every score is 0.4 + λ/10 + seed/100.
    const runs = [...sweep([0, 0.75], [1, 2, 3], (l, s) => 0.4 + l / 10 + s / 100), ...sweep([1], [2], (l, s) => 0.4 + l / 10 + s / 100)];
    const verdict = rq1Verdict(sweepRows(runs).rows);
    const text = rq1Markdown(verdict);
    const lines = text.split("\n");
    expect(lines.slice(0, verdict.sentences.length)).toEqual(verdict.sentences.map((s) => `- ${s}`));
    const table = lines.filter((l) => l.startsWith("|"));
    expect(table[0]).toBe("| (w_c, w_d) | seeds | Average | Classification | Distribution shift | Retrieval |");
    expect(table[1]).toBe("| --- | --- | --- | --- | --- | --- |");
    // Mean 0.42 and sd 0.01 over 3 seeds: ± t(2) × 0.01 / √3 = ± 4.303 × 0.00577 = ± 0.0248.
    const cell0 = "0.420 (0.395–0.445)";
    const cell75 = "0.495 (0.470–0.520)";
    expect(table.slice(2)).toEqual([
      `| (1, 0) | 3 (1, 2, 3) | ${cell0} | ${cell0} | ${cell0} | ${cell0} |`,
      `| (0.25, 0.75) | 3 (1, 2, 3) | ${cell75} | ${cell75} | ${cell75} | ${cell75} |`,
      // One seed: its score, and no interval.
      "| (0, 1) | 1 (2) | 0.520 | 0.520 | 0.520 | 0.520 |"
    ]);
  });

  it("gives the DR arm a row of its own", () => {
    const withDr = sweep([0, 0.75], [1, 2], (l) => 0.4 + l / 10).map((r) => ({...r, settings: {...r.settings, dr: true}}));
    const arm = sweep([0.75], [1, 2], () => 0.45).map((r) => ({...r, name: `nodr-${r.name}`, settings: {...r.settings, dr: false}}));
    const table = rq1Markdown(rq1Verdict(sweepRows([...withDr, ...arm]).rows)).split("\n").filter((l) => /^\| \(\d/.test(l));
    expect(table.map((l) => l.split(" | ").slice(0, 3).join(" | "))).toEqual([
      "| (1, 0) | 2 (1, 2) | 0.400 (0.400–0.400)",
      "| (0.25, 0.75) | 2 (1, 2) | 0.475 (0.475–0.475)",
      "| (0.25, 0.75) without the DR loss | 2 (1, 2) | 0.450 (0.450–0.450)"
    ]);
  });

  it("says which runs the verdict left out", () => {
    const runs = [...sweep([0, 0.75], [1, 2], () => 0.4), ...sweep([0.75], [3], () => 0.4).map((r) => ({...r, settings: {...r.settings, contrastiveWeight: 1}}))];
    const verdict = rq1Verdict(sweepRows(runs).rows);
    expect(verdict.excluded.length).toBe(1);
    expect(rq1Markdown(verdict)).toContain(`- Left out: ${verdict.excluded[0]}.`);
  });
});
