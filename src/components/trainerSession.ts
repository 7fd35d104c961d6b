import {html} from "htl";
import {emptyRunLog, recordEvent, type RunLog} from "../lib/train/runRecorder.js";
import type {WorkerRequest, WorkerStatus} from "../lib/train/workerProtocol.js";
import type {TrainerClient} from "./trainerClient.js";

/** The run as a page draws it: the worker's status and the run's log, copied for each redraw. */
export interface LiveRun extends RunLog {
  status: WorkerStatus;
}

/** How long a poll waits before asking again. */
export interface PollTimes {
  /** While the run trains, after an answer that took `elapsedMs`: polls compete with steps for the worker. */
  running(elapsedMs: number): number;
  idleMs: number;
}

/** Events arrive every step; a page redraws at most this often. */
const REDRAW_MS = 250;

/**
 * A page's side of the run in the training worker: the run controls and the error box their
 * requests report to, the run as it goes (its events reduced and redrawn at most four times a
 * second), and polls for what events do not carry. The train and embeddings pages share it.
 */
export class TrainerSession {
  readonly errorBox: HTMLElement = html`<div class="train-error" role="alert" style="color: var(--theme-red)"></div>`;

  /** `onStatus` hears every status a request answers with (start, pause, update, restart, loadCheckpoint). */
  constructor(readonly client: TrainerClient, private readonly onStatus: (status: WorkerStatus) => void = () => {}) {}

  /** Shows `error`'s message in the error box; null clears it. */
  report(error: unknown): void {
    this.errorBox.textContent = error ? String((error as Error).message ?? error) : "";
  }

  /** Sends `request`; a failure shows in the error box and resolves to undefined. */
  async send<T>(request: WorkerRequest): Promise<T | undefined> {
    try {
      this.report(null);
      const result = await this.client.request<T>(request);
      if ((result as Partial<WorkerStatus> | null)?.settings) this.onStatus(result as WorkerStatus);
      return result;
    } catch (error) {
      this.report(error);
      return undefined;
    }
  }

  button(label: string, cls: string, onclick: () => unknown): HTMLButtonElement {
    return Object.assign(html`<button class=${cls}>${label}</button>` as HTMLButtonElement, {onclick});
  }

  /** Start, Pause, Step and Reset (back to step 0 with the same settings). */
  runButtons(): HTMLButtonElement[] {
    return [
      this.button("▶ Start", "train-start", () => this.send({type: "start"})),
      this.button("⏸ Pause", "train-pause", () => this.send({type: "pause"})),
      this.button("Step", "train-step", () => this.send({type: "step"})),
      this.button("↺ Reset", "train-reset", () => this.send({type: "restart", changes: {}}))
    ];
  }

  /** For Generators.observe: the run so far, then again after events, at most every REDRAW_MS. */
  readonly observe = (notify: (run: LiveRun) => void): (() => void) => {
    const log = emptyRunLog();
    let status = this.client.status;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      notify({...log, curves: log.curves.slice(), evaluations: log.evaluations.slice(), status});
    };
    const off = this.client.on((event, now) => {
      status = now;
      recordEvent(log, event);
      timer ??= setTimeout(flush, REDRAW_MS);
    });
    flush();
    return () => {
      off();
      if (timer !== null) clearTimeout(timer);
    };
  };

  /**
   * For Generators.observe: asks the worker `request` until the page lets go, passing on each
   * answer `shows` accepts (given the one shown last); failures go to the error box.
   */
  poll<T>(request: WorkerRequest, times: PollTimes, shows: (answer: T, shown: T | undefined) => boolean = () => true) {
    return (notify: (answer: T) => void): (() => void) => {
      let stopped = false;
      let shown: T | undefined;
      void (async () => {
        while (!stopped) {
          const started = performance.now();
          try {
            const answer = await this.client.request<T>(request);
            if (!stopped && shows(answer, shown)) notify((shown = answer));
          } catch (error) {
            this.report(error);
          }
          const wait = this.client.status.state === "running" ? times.running(performance.now() - started) : times.idleMs;
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
      })();
      return () => {
        stopped = true;
      };
    };
  }
}

/** The run's state, step and latest losses; data-* attributes carry the numbers. */
export function statusLine(run: LiveRun): HTMLElement {
  const {state, step, settings} = run.status;
  const last = run.curves.at(-1);
  return html`<p class="train-status" data-state=${state} data-step=${step} data-steps=${settings.steps}>
  <b>${state}</b> at step ${step} of ${settings.steps}${run.outcome ? ` — ${run.outcome}` : ""}
  ${last ? html`<br>loss ${last.total.toFixed(3)} (contrastive ${last.contrastive.toFixed(3)}, distillation ${last.distill?.toFixed(3) ?? "–"}) · logit scale ${last.logitScale.toFixed(1)} · ${last.imagesPerSecond.toFixed(0)} images/s` : ""}
</p>`;
}
