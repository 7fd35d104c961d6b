import {score, type Rq1Verdict} from "./rq1Verdict.js";
import type {SeedSummary, SeedValues} from "./seedStats.js";

/**
 * An RQ1 verdict as markdown, for the README: its sentences, then each weighting's mean over its
 * seeds on the group scores (the Average first), with the 95% t-interval of the mean. The numbers
 * are the ones the RQ1 page computes from the same runs, so the README's table is printed, not
 * copied by hand.
 */
export function rq1Markdown(verdict: Rq1Verdict): string {
  const groups = verdict.metrics.filter((m) => m.metric.kind === "group");
  const lambdas = [...new Set(groups.flatMap((m) => m.byLambda.map((s) => s.lambda)))].sort((a, b) => a - b);
  const header = ["(w_c, w_d)", "seeds", ...groups.map((m) => m.metric.label)];
  const weights = (lambda: number) => `(${+(1 - lambda).toFixed(10)}, ${lambda})`;
  const row = (label: string, cells: readonly (SeedSummary & SeedValues | undefined)[]) => {
    const seeds = cells.find((s) => s !== undefined)!.values.map((v) => v.seed).sort((a, b) => a - b);
    return [label, `${seeds.length} (${seeds.join(", ")})`, ...cells.map((s) => (!s ? "–" : s.low === null ? score(s.mean) : `${score(s.mean)} (${score(s.low)}–${score(s.high!)})`))];
  };
  const rows = lambdas.map((lambda) => row(weights(lambda), groups.map((m) => m.byLambda.find((s) => s.lambda === lambda))));
  // The DR arm is a row of its own: its runs are not in the λ rows above (rq1Verdict keeps them apart).
  const arm = verdict.drArm;
  const armCells = groups.map((m) => arm?.scores.find((s) => s.metric.key === m.metric.key));
  if (arm && armCells.some((s) => s !== undefined)) rows.push(row(`${weights(verdict.posterLambda)} ${arm.withDr ? "with" : "without"} the DR loss`, armCells));
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [
    ...verdict.sentences.map((s) => `- ${s}`),
    ...(verdict.excluded.length > 0 ? [`- Left out: ${verdict.excluded.join("; ")}.`] : []),
    "",
    "Mean over seeds (95% interval of the mean):",
    "",
    line(header),
    line(header.map(() => "---")),
    ...rows.map(line),
    ""
  ].join("\n");
}
