// Prepares what the notebook site needs from node_modules and data/ before `npm start` /
// `npm run build` (files the pages attach must live under src/, so these copies are ignored):
// 1. tfjs's wasm binaries in src/assets/wasm, so the site serves them itself (never a CDN);
// 2. a browser build of @tensorflow/tfjs-backend-wasm in src/components/vendor. Framework's
//    bundler keeps the package's `import "fs"` (its package.json maps fs to false for browsers,
//    which Framework ignores), and the page then fails to load; esbuild honours that mapping.
//    tfjs-core and tfjs-backend-cpu stay external, so the page shares one tfjs engine;
// 3. the training worker, bundled whole (it has its own tfjs) into src/assets/trainer-worker.js,
//    and the batch worker it starts into src/assets/batch-worker.js;
// 4. the source glyphs and the reinforced set under src/assets/data;
// 5. what the RQ pages read (the poster's tables, committed sweeps, teachers' evaluations, the
//    latency benchmark) under src/assets/rq, gathered by the rq library;
// 6. Observable Inputs' stylesheet as src/assets/inputs.css, which every page links (see
//    observablehq.config.ts). Framework adds its own copy only for `npm:@observablehq/inputs`;
//    the pages import the package by bare name from node_modules, so without this the controls
//    render as unstyled browser defaults. The copy is Framework's (its client's
//    stdlib/inputs.css), not the package's: the package's paints table headers white and rules
//    light grey, unreadable in the dark theme, where Framework's uses the theme's colours. Its
//    class namespace is a placeholder Framework fills in at build; it is filled here with the
//    package's own, so the rules match the classes the pages' Inputs put on their elements.
import {cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {join} from "node:path";
import {build} from "esbuild";
import {RQ_ASSET_DIR, rqAssets} from "../src/lib/rq/rqAssets.js";

const wasmFrom = "node_modules/@tensorflow/tfjs-backend-wasm/dist";
const wasmTo = "src/assets/wasm";
mkdirSync(wasmTo, {recursive: true});
for (const file of ["tfjs-backend-wasm.wasm", "tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"]) {
  cpSync(join(wasmFrom, file), join(wasmTo, file));
}

await build({
  entryPoints: ["@tensorflow/tfjs-backend-wasm"],
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  external: ["@tensorflow/tfjs-core", "@tensorflow/tfjs-backend-cpu", "@tensorflow/tfjs-backend-cpu/*"],
  outfile: "src/components/vendor/tfjs-backend-wasm.js",
  logLevel: "error"
});

await build({
  entryPoints: {"trainer-worker": "src/workers/trainerWorker.ts", "batch-worker": "src/workers/batchWorker.ts"},
  bundle: true,
  format: "esm",
  platform: "browser",
  target: "es2022",
  outdir: "src/assets",
  logLevel: "error"
});

const inputsCss = "node_modules/@observablehq/inputs/dist/index.css";
const namespace = /\.(inputs-[0-9a-f]+)\b/.exec(readFileSync(inputsCss, "utf8"))?.[1];
if (!namespace) throw new Error(`${inputsCss}: no .inputs-… class, so the namespace of Observable Inputs' classes is unknown`);
const themedCss = "node_modules/@observablehq/framework/dist/client/stdlib/inputs.css";
writeFileSync("src/assets/inputs.css", readFileSync(themedCss, "utf8").replace(/\b__ns__\b/g, namespace));

cpSync("data/sources", "src/assets/data/sources", {recursive: true});
if (!existsSync("data/reinforced/manifest.json")) {
  throw new Error("data/reinforced is missing: npm run data:reinforce makes it from the committed teachers");
}
cpSync("data/reinforced", "src/assets/data/reinforced", {recursive: true});
// The teacher checkpoints: the embeddings notebook loads them in the worker for caption search.
for (const file of ["teacher-a.ckpt", "teacher-b.ckpt"]) {
  if (!existsSync(`data/teachers/${file}`)) throw new Error(`data/teachers/${file} is missing: npm run data:teachers trains it`);
  cpSync(`data/teachers/${file}`, `src/assets/data/teachers/${file}`);
}

rmSync(RQ_ASSET_DIR, {recursive: true, force: true});
mkdirSync(RQ_ASSET_DIR, {recursive: true});
const rqFiles = rqAssets({read: (path) => (existsSync(path) ? readFileSync(path, "utf8") : null), list: (dir) => (existsSync(dir) ? readdirSync(dir) : [])});
for (const [name, text] of Object.entries(rqFiles)) writeFileSync(join(RQ_ASSET_DIR, name), text);

// Framework keeps a data loader's output until the loader file changes; the committed runs it
// bundles change without that, so drop its cache and let every build read them afresh.
rmSync("src/.observablehq/cache/components/resultsCommittedRuns.json", {force: true});
