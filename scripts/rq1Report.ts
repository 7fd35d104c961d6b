// `npm run rq1:report [-- --root data/runs/preregistered]`: the pre-registered RQ1 sweep's
// verdict, or while it is under way its interim look, as markdown for the README. It reads the
// committed files as the RQ1 page does (progress.json until index.json lists every run) and
// computes the same verdict, so the README's figures are printed from the data, never retyped.
import {existsSync, readFileSync} from "node:fs";
import {rq1Markdown} from "../src/lib/rq/rq1Markdown.js";
import {rq1Verdict} from "../src/lib/rq/rq1Verdict.js";
import {bundleSweep} from "../src/lib/rq/runBundle.js";
import {GRID_SEEDS, POSTER_SEEDS, PREREGISTERED_ROOT, sweepPlan} from "../src/lib/rq/sweepPlan.js";
import {sweepProgress} from "../src/lib/rq/sweepProgress.js";
import {sweepRows} from "../src/lib/rq/sweepTable.js";
import {runScript, UsageError} from "./cli.js";
import {parseArgs} from "./progress.js";

await runScript(async () => {
  const args = parseArgs(process.argv.slice(2));
  for (const key of args.keys()) if (key !== "root") throw new UsageError(`unknown option --${key}; known: --root`);
  const root = args.get("root") ?? PREREGISTERED_ROOT;
  const folder = `${root}/rq1`;
  const bundle = bundleSweep(folder, (path) => (existsSync(path) ? readFileSync(path, "utf8") : null));
  if (bundle.manifest === null) throw new UsageError(`--root ${JSON.stringify(root)}: ${folder} has neither index.json nor progress.json; run npm run sweep -- --study rq1 --root ${root} first`);
  // Runs that cannot be read are said, never silently dropped: the page lists them the same way.
  for (const problem of bundle.problems) console.error(`left out: ${problem}`);
  const {rows, problems} = sweepRows(bundle.runs);
  for (const problem of problems) console.error(`left out: ${problem}`);
  if (rows.length === 0) throw new UsageError(`${bundle.manifest} lists no finished run that can be read`);
  const progress = sweepProgress(sweepPlan("rq1", GRID_SEEDS, POSTER_SEEDS), bundle.runs);
  console.log(
    bundle.complete
      ? `**Verdict**, from all ${progress.finished} runs (\`${bundle.manifest}\`):\n`
      : `**Interim look, not the verdict**: ${progress.finished} of ${progress.planned} planned runs (\`${bundle.manifest}\`):\n`
  );
  console.log(rq1Markdown(rq1Verdict(rows)));
});
