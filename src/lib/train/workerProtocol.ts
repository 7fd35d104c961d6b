import type {TrainBatch} from "./batchSource.js";
import type {TrainSettings} from "./settings.js";
import type {TrainerEvent, TrainerState} from "./trainer.js";

/** Where the worker finds its data: URLs the page resolved (Framework file attachments). */
export interface WorkerData {
  /** tfjs's wasm binaries by file name. */
  wasmPaths: Record<string, string>;
  /** The source glyph sets by file name (digits.bin, fashion.bin). */
  sources: Record<string, string>;
  /** The reinforced set by file name (manifest.json, shard-00000.bin, …). */
  reinforced: Record<string, string>;
  /** The script of the worker that draws batches ahead of the steps (src/workers/batchWorker.ts). */
  batchWorker: string;
}

/** What the batch worker reads: the data's URLs, as the training worker got them. */
export type BatchWorkerData = Pick<WorkerData, "sources" | "reinforced">;

/** Requests from the page; each carries an id that its reply echoes. */
export type WorkerRequest =
  | {type: "init"; backend: string; data: WorkerData; settings: Partial<TrainSettings>}
  | {type: "start"}
  | {type: "pause"}
  | {type: "step"}
  | {type: "update"; changes: Partial<TrainSettings>}
  | {type: "restart"; changes: Partial<TrainSettings>}
  | {type: "view"}
  | {type: "saveCheckpoint"}
  | {type: "loadCheckpoint"; bytes: Uint8Array}
  | {type: "evaluate"}
  // The run so far, as a RunExport (runRecorder.ts).
  | {type: "exportRun"}
  | {type: "embed"; texts: string[]}
  // The embeddings notebook (src/lib/embed/embeddingProbe.ts): its probe scenes, the student's
  // embeddings of them, a seeded UMAP layout of any rows, caption search (teacher checkpoint URLs by name).
  | {type: "probe"; count: number}
  | {type: "probeEmbeddings"}
  | {type: "umap"; rows: Float32Array; count: number; dim: number; seed: number}
  | {type: "search"; text: string; k: number; teachers: Record<string, string>};

/** What the page shows of the current batch: images, captions, teacher and student similarities. */
export interface BatchView {
  step: number;
  batch: Pick<TrainBatch, "captions" | "images">;
  /** [n, n] row-major cosine similarities (image i vs caption j) of the first n samples. */
  student: Float32Array;
  /** The teachers' similarities averaged over teachers, or null without teachers. */
  teacher: Float32Array | null;
  n: number;
}

export interface WorkerStatus {
  backend: string;
  reason: string;
  settings: TrainSettings;
  state: TrainerState;
  step: number;
  parameters: {image: number; text: number; total: number};
  samples: number;
}

export type WorkerMessage =
  | {type: "reply"; id: number; ok: true; result: unknown}
  | {type: "reply"; id: number; ok: false; error: string}
  | {type: "event"; event: TrainerEvent; status: WorkerStatus};
