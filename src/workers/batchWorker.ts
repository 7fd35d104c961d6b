// The Web Worker that draws a run's batches ahead of its steps (src/lib/train/prefetchedSource.ts).
// The training worker (trainerWorker.ts) starts it, nested, and sends it the URLs of the data.
// Bundled by scripts/siteAssets.ts into src/assets/batch-worker.js.
import {urlReader} from "../lib/data/fetchBytes.js";
import {ReinforcedSet} from "../lib/data/reinforcedLoader.js";
import {loadSources} from "../lib/data/sources.js";
import {serveBatches, type BatchWorkerRequest} from "../lib/train/prefetchedSource.js";
import type {BatchWorkerData} from "../lib/train/workerProtocol.js";

const scope = self as unknown as Worker;

serveBatches<BatchWorkerData>(
  {
    post: (reply, transfer) => scope.postMessage(reply, transfer),
    listen: (request) => scope.addEventListener("message", (event: MessageEvent<BatchWorkerRequest<BatchWorkerData>>) => request(event.data))
  },
  async (data) => ({set: await ReinforcedSet.open(urlReader(data.reinforced)), sources: await loadSources(urlReader(data.sources))})
);
