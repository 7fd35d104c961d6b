import {html} from "htl";
import {evalResultsJsonl, parseRunExport, type RunExport} from "../lib/train/runExport.js";
import {download, loadCheckpointBytes, saveCheckpointBytes} from "./checkpointStore.js";
import type {TrainerSession} from "./trainerSession.js";

/**
 * The train page's files: checkpoints (this browser's IndexedDB, or files) and the run export,
 * which the worker's recorder writes (src/lib/train/runRecorder.ts). An imported run is handed
 * to `onImport` for the page to draw beside the live one.
 */
export function runFileControls(session: TrainerSession, onImport: (run: RunExport) => void): HTMLElement[] {
  const {client} = session;
  const chooser = (cls: string, accept: string, read: (file: File) => Promise<unknown>) => {
    const input = html`<input type="file" accept=${accept} class=${cls} style="display:none">` as HTMLInputElement;
    input.onchange = () => {
      const file = input.files?.[0];
      input.value = "";
      if (file) void read(file);
    };
    return input;
  };
  const checkpointFile = chooser("checkpoint-file", ".ckpt,application/octet-stream", async (file) => session.send({type: "loadCheckpoint", bytes: new Uint8Array(await file.arrayBuffer())}));
  const runFile = chooser("run-file", ".json,application/json", async (file) => {
    try {
      session.report(null);
      onImport(parseRunExport(await file.text(), file.name));
    } catch (error) {
      session.report(error);
    }
  });
  const saveCheckpoint = async (toFile: boolean) => {
    const bytes = await session.send<Uint8Array>({type: "saveCheckpoint"});
    if (!bytes) return;
    await saveCheckpointBytes("latest", bytes);
    if (toFile) download(`dm-clip-${client.status.settings.student}-step${client.status.step}.ckpt`, bytes, "application/octet-stream");
  };
  const restoreSaved = async () => {
    const bytes = await loadCheckpointBytes("latest");
    if (!bytes) session.report(new Error("no checkpoint saved in this browser yet"));
    else await session.send({type: "loadCheckpoint", bytes});
  };
  const exportRun = async () => {
    const run = await session.send<RunExport>({type: "exportRun"});
    if (!run) return;
    download(`${run.name}.json`, JSON.stringify(run), "application/json");
    if (run.evaluations.length) download(`${run.name}.eval_results.jsonl`, evalResultsJsonl(run), "application/jsonl");
  };
  return [
    session.button("Save checkpoint", "checkpoint-save", () => saveCheckpoint(false)),
    session.button("Download checkpoint", "checkpoint-download", () => saveCheckpoint(true)),
    session.button("Restore saved", "checkpoint-restore", restoreSaved),
    session.button("Load checkpoint file…", "checkpoint-load", () => checkpointFile.click()),
    session.button("Export run", "run-export", exportRun),
    session.button("Import run…", "run-import", () => runFile.click()),
    checkpointFile,
    runFile
  ];
}
