import type {TrainSettings} from "../lib/train/settings.js";
import type {TrainerEvent} from "../lib/train/trainer.js";
import type {WorkerMessage, WorkerRequest, WorkerStatus} from "../lib/train/workerProtocol.js";
import {TRAINER_WORKER, WORKER_DATA} from "./labData.js";

/**
 * The page's handle on the training worker: requests return promises, events arrive through
 * `on`. Training runs in the worker because one step of the default student takes longer than
 * a click may wait (see README, "Responsiveness").
 */
export class TrainerClient {
  private nextId = 1;
  private readonly pending = new Map<number, {resolve: (v: unknown) => void; reject: (e: Error) => void}>();
  private readonly listeners = new Set<(event: TrainerEvent, status: WorkerStatus) => void>();
  /** The worker's status as of its latest event (set by `create` before anyone sees the client). */
  status!: WorkerStatus;

  private constructor(private readonly worker: Worker) {
    worker.onmessage = (message: MessageEvent<WorkerMessage>) => {
      const m = message.data;
      if (m.type === "event") {
        this.status = m.status;
        for (const listener of this.listeners) listener(m.event, m.status);
        return;
      }
      const waiting = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.ok) waiting?.resolve(m.result);
      else waiting?.reject(new Error(m.error));
    };
    worker.onerror = (event) => {
      const error = new Error(`the training worker failed: ${event.message}`);
      for (const {reject} of this.pending.values()) reject(error);
      this.pending.clear();
    };
  }

  /** Starts the worker on `backend` and builds a trainer with `settings`. */
  static async create(backend: string, settings: Partial<TrainSettings>): Promise<TrainerClient> {
    const client = new TrainerClient(new Worker(TRAINER_WORKER, {type: "module"}));
    client.status = await client.request<WorkerStatus>({type: "init", backend, data: WORKER_DATA, settings});
    return client;
  }

  request<T>(request: WorkerRequest, transfer: Transferable[] = []): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, {resolve: resolve as (v: unknown) => void, reject});
      this.worker.postMessage({id, request}, transfer);
    });
  }

  on(listener: (event: TrainerEvent, status: WorkerStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  terminate(): void {
    this.worker.terminate();
    this.listeners.clear();
  }
}
