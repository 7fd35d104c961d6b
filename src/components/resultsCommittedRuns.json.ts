// Framework data loader (run by tsx at build time): bundles the eval_results.jsonl of each run
// that data/runs/index.json lists into one JSON file the results page can load offline. Without
// a manifest it writes an empty list. The page parses the texts itself, so a broken committed
// file is reported exactly like a dropped one.
import {existsSync, readFileSync, statSync} from "node:fs";
import {join, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {fileSizeProblem, type ResultProblem} from "../lib/results/evalResults.js";
import {EVAL_RESULTS_FILE, readRunManifest} from "../lib/results/runManifest.js";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
const inRepo = (path: string) => join(ROOT, path);

const listed = readRunManifest("data/runs", (path) => (existsSync(inRepo(path)) ? readFileSync(inRepo(path), "utf8") : null));
const runs: {name: string; source: string; text: string}[] = [];
const problems: ResultProblem[] = [];
if (listed.manifest !== null) {
  const file = listed.manifest;
  if (listed.problem !== null) problems.push({file, message: listed.problem});
  for (const entry of listed.runs) {
    const source = `${entry.dir}/${EVAL_RESULTS_FILE}`;
    if (!existsSync(inRepo(source))) {
      problems.push({file, field: "dir", message: `${source}, listed for "${entry.name}", does not exist`});
      continue;
    }
    const tooBig = fileSizeProblem(source, statSync(inRepo(source)).size);
    if (tooBig) problems.push(tooBig);
    else runs.push({name: entry.name, source, text: readFileSync(inRepo(source), "utf8")});
  }
}
process.stdout.write(JSON.stringify({manifest: listed.manifest, runs, problems}));
