// Framework data loader (run by tsx at build time): bundles the committed runs that
// data/runs/index.json lists into one JSON file the results page can load offline. Without a
// manifest it writes an empty list. The page parses the texts itself, so a broken committed
// file is reported exactly like a dropped one.
import {existsSync, readFileSync, statSync} from "node:fs";
import {join, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {fileSizeProblem, type ResultProblem} from "../lib/results/evalResults.js";
import {parseRunManifest} from "../lib/results/runManifest.js";

const RUNS = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../data/runs");
const MANIFEST = "data/runs/index.json";

const runs: {name: string; source: string; text: string}[] = [];
const problems: ResultProblem[] = [];
const present = existsSync(join(RUNS, "index.json"));
if (present) {
  try {
    for (const entry of parseRunManifest(JSON.parse(readFileSync(join(RUNS, "index.json"), "utf8")))) {
      const source = `data/runs/${entry.file}`;
      const path = join(RUNS, entry.file);
      if (!existsSync(path)) {
        problems.push({file: MANIFEST, field: "file", message: `${source}, listed for "${entry.name}", does not exist`});
        continue;
      }
      const tooBig = fileSizeProblem(source, statSync(path).size);
      if (tooBig) problems.push(tooBig);
      else runs.push({name: entry.name, source, text: readFileSync(path, "utf8")});
    }
  } catch (e) {
    problems.push({file: MANIFEST, message: (e as Error).message});
  }
}
process.stdout.write(JSON.stringify({manifest: present ? MANIFEST : null, runs, problems}));
