import type {Rq1Verdict} from "./rq1Verdict.js";

const score = (x: number) => x.toFixed(3);

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
  const rows = lambdas.map((lambda) => {
    const cells = groups.map((m) => m.byLambda.find((s) => s.lambda === lambda));
    const seeds = cells.find((s) => s !== undefined)!.values.map((v) => v.seed).sort((a, b) => a - b);
    const weights = `(${+(1 - lambda).toFixed(10)}, ${lambda})`;
    return [weights, `${seeds.length} (${seeds.join(", ")})`, ...cells.map((s) => (!s ? "–" : s.low === null ? score(s.mean) : `${score(s.mean)} (${score(s.low)}–${score(s.high!)})`))];
  });
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
