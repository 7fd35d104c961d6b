// @vitest-environment jsdom
import {afterEach, beforeEach, describe, expect, it, vi} from "vitest";
import type {TrainerClient} from "../../../src/components/trainerClient.js";
import {TrainerSession, type LiveRun} from "../../../src/components/trainerSession.js";
import {DEFAULT_SETTINGS} from "../../../src/lib/train/settings.js";
import type {StepMetrics, TrainerEvent} from "../../../src/lib/train/trainer.js";
import type {WorkerRequest, WorkerStatus} from "../../../src/lib/train/workerProtocol.js";

const status = (state: WorkerStatus["state"], step = 0): WorkerStatus => ({
  backend: "wasm",
  reason: "",
  settings: {...DEFAULT_SETTINGS},
  state,
  step,
  parameters: {image: 1, text: 1, total: 2},
  samples: 10
});

const metrics = (step: number): StepMetrics => ({
  step,
  total: 1,
  contrastive: 1,
  distill: null,
  logitScale: 14,
  gradNorm: 1,
  learningRate: 1e-3,
  contrastiveWeight: 1,
  distillWeight: 0,
  teacherScale: null,
  imagesPerSecond: 1
});

/** A stand-in for the worker's client: requests answer with `answer`, events are pushed by `emit`. */
class FakeClient {
  status = status("ready");
  readonly requests: WorkerRequest[] = [];
  private readonly listeners = new Set<(event: TrainerEvent, status: WorkerStatus) => void>();
  constructor(public answer: (request: WorkerRequest) => Promise<unknown>) {}
  request<T>(request: WorkerRequest): Promise<T> {
    this.requests.push(request);
    return this.answer(request) as Promise<T>;
  }
  on(listener: (event: TrainerEvent, status: WorkerStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(event: TrainerEvent, now: WorkerStatus): void {
    this.status = now;
    for (const listener of this.listeners) listener(event, now);
  }
  get listening(): number {
    return this.listeners.size;
  }
}

const sessionOf = (client: FakeClient, onStatus?: (s: WorkerStatus) => void) => new TrainerSession(client as unknown as TrainerClient, onStatus);

describe("TrainerSession.send", () => {
  it("passes a status answer to onStatus and clears an earlier error", async () => {
    const heard: WorkerStatus[] = [];
    const client = new FakeClient(async () => status("running", 3));
    const session = sessionOf(client, (s) => heard.push(s));
    session.report(new Error("old"));
    const answer = await session.send<WorkerStatus>({type: "start"});
    expect(answer?.step).toBe(3);
    expect(heard.map((s) => s.state)).toEqual(["running"]);
    expect(session.errorBox.textContent).toBe("");
  });

  it("shows a failure's message in the error box, resolves to undefined and tells onStatus nothing", async () => {
    const heard: WorkerStatus[] = [];
    const session = sessionOf(new FakeClient(async () => Promise.reject(new Error("settings.steps: expected an integer"))), (s) => heard.push(s));
    expect(await session.send({type: "update", changes: {}})).toBeUndefined();
    expect(session.errorBox.textContent).toBe("settings.steps: expected an integer");
    expect(heard).toEqual([]);
  });

  it("does not take a non-status answer for a status", async () => {
    const heard: WorkerStatus[] = [];
    const session = sessionOf(new FakeClient(async () => ({format: "dm-clip-run"})), (s) => heard.push(s));
    expect(await session.send({type: "exportRun"})).toEqual({format: "dm-clip-run"});
    expect(heard).toEqual([]);
  });

  it("wires each run button to its request", async () => {
    const client = new FakeClient(async () => status("ready"));
    const session = sessionOf(client);
    for (const button of session.runButtons()) button.click();
    await Promise.resolve();
    expect(client.requests).toEqual([{type: "start"}, {type: "pause"}, {type: "step"}, {type: "restart", changes: {}}]);
  });
});

describe("TrainerSession.observe", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("shows the run at once, then one redraw for a burst of events, holding every event", () => {
    const client = new FakeClient(async () => null);
    const shown: LiveRun[] = [];
    const stop = sessionOf(client).observe((run) => shown.push(run));
    expect(shown).toHaveLength(1);
    expect(shown[0].curves).toEqual([]);
    for (let step = 1; step <= 5; step++) client.emit({type: "step", metrics: metrics(step), seconds: 0.5}, status("running", step));
    expect(shown).toHaveLength(1);
    vi.advanceTimersByTime(250);
    expect(shown).toHaveLength(2);
    expect(shown[1].curves.map((m) => m.step)).toEqual([1, 2, 3, 4, 5]);
    expect(shown[1].seconds).toBeCloseTo(2.5, 12);
    expect(shown[1].status.step).toBe(5);
    // Each redraw gets its own copy: a later event must not change what was drawn.
    client.emit({type: "step", metrics: metrics(6), seconds: 0.5}, status("running", 6));
    expect(shown[1].curves).toHaveLength(5);
    stop();
  });

  it("starts the log over when the run is reset", () => {
    const client = new FakeClient(async () => null);
    const shown: LiveRun[] = [];
    const stop = sessionOf(client).observe((run) => shown.push(run));
    client.emit({type: "step", metrics: metrics(1), seconds: 1}, status("running", 1));
    client.emit({type: "state", state: "ready", cause: "reset", reason: "reset"}, status("ready", 0));
    vi.advanceTimersByTime(250);
    expect(shown.at(-1)!.curves).toEqual([]);
    expect(shown.at(-1)!.outcome).toBe("reset");
    stop();
  });

  it("stops listening and drops a pending redraw when the page lets go", () => {
    const client = new FakeClient(async () => null);
    const shown: LiveRun[] = [];
    const stop = sessionOf(client).observe((run) => shown.push(run));
    client.emit({type: "step", metrics: metrics(1), seconds: 1}, status("running", 1));
    stop();
    expect(client.listening).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(shown).toHaveLength(1);
  });
});

describe("TrainerSession.poll", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("asks again after the idle or running wait, passes on only what `shows` accepts, and stops when let go", async () => {
    let n = 0;
    // Answers 1, 1, 2, 2, …: each new one twice.
    const client = new FakeClient(async () => Math.ceil(++n / 2));
    const session = sessionOf(client);
    const running = vi.fn(() => 500);
    const shown: number[] = [];
    const stop = session.poll<number>({type: "view"}, {running, idleMs: 2000}, (answer, last) => answer !== last)((a) => shown.push(a));
    await vi.advanceTimersByTimeAsync(0);
    expect(client.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1999);
    expect(client.requests).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(client.requests).toHaveLength(2);
    client.status = status("running", 1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(running).toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(500);
    expect(client.requests).toHaveLength(4);
    expect(shown).toEqual([1, 2]);
    stop();
    const asked = client.requests.length;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(client.requests.length).toBeLessThanOrEqual(asked + 1);
    expect(shown).toEqual([1, 2]);
  });

  it("reports a failed poll in the error box and keeps polling", async () => {
    let fail = true;
    const client = new FakeClient(async () => (fail ? Promise.reject(new Error("worker busy")) : 7));
    const session = sessionOf(client);
    const shown: number[] = [];
    const stop = session.poll<number>({type: "view"}, {running: () => 100, idleMs: 100})((a) => shown.push(a));
    await vi.advanceTimersByTimeAsync(0);
    expect(session.errorBox.textContent).toBe("worker busy");
    fail = false;
    await vi.advanceTimersByTimeAsync(100);
    expect(shown).toEqual([7]);
    stop();
  });

  it("drops an answer that arrives after the page let go", async () => {
    let answer!: (value: number) => void;
    const client = new FakeClient(() => new Promise((resolve) => (answer = resolve as (value: number) => void)));
    const shown: number[] = [];
    const stop = sessionOf(client).poll<number>({type: "view"}, {running: () => 100, idleMs: 100})((a) => shown.push(a));
    await vi.advanceTimersByTimeAsync(0);
    stop();
    answer(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(shown).toEqual([]);
    expect(client.requests).toHaveLength(1);
  });
});
