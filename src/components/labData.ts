import {FileAttachment} from "observablehq:stdlib";
import type {WorkerData} from "../lib/train/workerProtocol.js";
import {WASM_FILES} from "./wasmFiles.js";

// The data the training worker reads. Literal paths, so Framework copies each file into the site. The reinforced set always has ten
// shards (scripts/data/reinforce.ts sizes them at a tenth of the set); no test checks this list, so a change there must be
// made here by hand.
export const SOURCE_FILES: Record<string, string> = {
  "digits.bin": FileAttachment("../assets/data/sources/digits.bin").href,
  "fashion.bin": FileAttachment("../assets/data/sources/fashion.bin").href
};

export const REINFORCED_FILES: Record<string, string> = {
  "manifest.json": FileAttachment("../assets/data/reinforced/manifest.json").href,
  "shard-00000.bin": FileAttachment("../assets/data/reinforced/shard-00000.bin").href,
  "shard-00001.bin": FileAttachment("../assets/data/reinforced/shard-00001.bin").href,
  "shard-00002.bin": FileAttachment("../assets/data/reinforced/shard-00002.bin").href,
  "shard-00003.bin": FileAttachment("../assets/data/reinforced/shard-00003.bin").href,
  "shard-00004.bin": FileAttachment("../assets/data/reinforced/shard-00004.bin").href,
  "shard-00005.bin": FileAttachment("../assets/data/reinforced/shard-00005.bin").href,
  "shard-00006.bin": FileAttachment("../assets/data/reinforced/shard-00006.bin").href,
  "shard-00007.bin": FileAttachment("../assets/data/reinforced/shard-00007.bin").href,
  "shard-00008.bin": FileAttachment("../assets/data/reinforced/shard-00008.bin").href,
  "shard-00009.bin": FileAttachment("../assets/data/reinforced/shard-00009.bin").href
};

export const TRAINER_WORKER = FileAttachment("../assets/trainer-worker.js").href;

export const WORKER_DATA: WorkerData = {
  wasmPaths: WASM_FILES,
  sources: SOURCE_FILES,
  reinforced: REINFORCED_FILES,
  batchWorker: FileAttachment("../assets/batch-worker.js").href
};
