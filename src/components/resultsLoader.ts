import {html} from "htl";
import {describeProblem, type ResultProblem} from "../lib/results/evalResults.js";

/**
 * A drop zone with a file picker inside: both hand the chosen files to `onFiles`. The input
 * stays a real, visible file input so keyboards, screen readers and test drivers can use it.
 */
export function resultsDropZone(onFiles: (files: File[]) => void): HTMLElement {
  const input = html`<input type="file" multiple accept=".jsonl,.json,.txt,application/jsonl,application/json,text/plain" class="results-file-input">` as HTMLInputElement;
  input.addEventListener("change", () => {
    if (input.files && input.files.length > 0) onFiles([...input.files]);
    input.value = "";
  });
  const zone = html`<div class="results-drop-zone" style="border:2px dashed var(--theme-foreground-faint);border-radius:8px;padding:1rem 1.25rem;max-width:640px">
    <div>Drop <code>eval_results.jsonl</code> files here, or choose them: ${input}</div>
  </div>`;
  const highlight = (on: boolean) => (zone.style.background = on ? "var(--theme-foreground-faintest)" : "");
  zone.addEventListener("dragover", (e) => {
    e.preventDefault();
    highlight(true);
  });
  zone.addEventListener("dragleave", () => highlight(false));
  zone.addEventListener("drop", (e) => {
    e.preventDefault();
    highlight(false);
    const files = [...(e.dataTransfer?.files ?? [])];
    if (files.length > 0) onFiles(files);
  });
  return zone;
}

/** The outcome of the latest load: errors (a file not loaded) and warnings (loaded, some values read as missing). */
export interface LoadReport {
  /** How many loads the page has done; lets a script wait for the one it started. */
  readonly loads: number;
  readonly errors: readonly ResultProblem[];
  readonly warnings: readonly ResultProblem[];
}

/** The latest load's problems, as plain text. */
export function problemList({loads, errors, warnings}: LoadReport): HTMLElement {
  const item = (p: ResultProblem, kind: string) => html`<li class=${`results-${kind}`}>${describeProblem(p)}</li>`;
  if (errors.length === 0 && warnings.length === 0) return html`<div class="results-problems" data-loads=${loads} data-count="0"></div>`;
  return html`<div class="results-problems" data-loads=${loads} data-count=${errors.length + warnings.length}>
    <ul style="margin:0.5rem 0;padding-left:1.25rem">
      ${errors.map((p) => item(p, "error"))}${warnings.map((p) => item(p, "warning"))}
    </ul>
  </div>`;
}
