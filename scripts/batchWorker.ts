// The worker_threads entry that draws a run's batches ahead of its steps (prefetchedSource.ts);
// started by batchWorkerThread.ts, it reads the reinforced set and the source glyphs from disk.
import {parentPort} from "node:worker_threads";
import {diskReader, loadSourcesFromDisk} from "../src/lib/data/nodeFiles.js";
import {ReinforcedSet} from "../src/lib/data/reinforcedLoader.js";
import {serveBatches} from "../src/lib/train/prefetchedSource.js";
import type {DiskData} from "./batchWorkerThread.js";

const port = parentPort;
if (!port) throw new Error("scripts/batchWorker.ts is a worker thread's entry; start it with batchWorkerThread()");

serveBatches<DiskData>(
  {
    post: (reply, transfer) => port.postMessage(reply, transfer),
    listen: (request) => port.on("message", request)
  },
  async ({reinforced}) => ({set: await ReinforcedSet.open(diskReader(reinforced)), sources: await loadSourcesFromDisk()})
);
