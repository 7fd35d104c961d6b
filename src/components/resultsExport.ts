import {html} from "htl";
import {blobUrl} from "./blobUrl.js";
import type {Comparison} from "../lib/results/comparison.js";
import {comparisonToCsv, comparisonToMarkdown} from "../lib/results/comparisonText.js";

/** A link that downloads `text` as `file` (a blob: URL, so nothing leaves the page), freed on `invalidation`. */
function downloadLink(label: string, file: string, type: string, text: string, invalidation: Promise<unknown>): HTMLElement {
  const href = blobUrl(text, type, invalidation);
  return html`<a class="results-download" download=${file} href=${href} data-file=${file}
    style="display:inline-block;margin-right:1rem;padding:4px 10px;border:1px solid var(--theme-foreground-faint);border-radius:6px">${label}</a>`;
}

/** CSV and Markdown downloads, the Markdown shown for copying, and the link that restores the view. */
export function exportPanel(c: Comparison, viewUrl: string, invalidation: Promise<unknown>): HTMLElement {
  const markdown = comparisonToMarkdown(c);
  const link = html`<input type="text" readonly class="results-view-link" value=${viewUrl} style="width:100%;font:12px var(--monospace)">` as HTMLInputElement;
  const copy = html`<button type="button">Copy link</button>` as HTMLButtonElement;
  copy.addEventListener("click", async () => {
    link.select();
    await navigator.clipboard?.writeText(viewUrl).catch(() => undefined);
  });
  return html`<div class="results-export">
    <p>${downloadLink("Download CSV", "comparison.csv", "text/csv", comparisonToCsv(c), invalidation)}${downloadLink("Download Markdown", "comparison.md", "text/markdown", markdown, invalidation)}</p>
    <p>A link to exactly this view (the runs travel inside it, so it works for anyone): ${copy}</p>
    ${link}
    <details style="margin-top:0.5rem"><summary>Markdown</summary><pre class="results-markdown" style="white-space:pre-wrap">${markdown}</pre></details>
  </div>`;
}
