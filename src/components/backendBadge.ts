import {html} from "htl";
import type {BackendChoice} from "../lib/runtime/backendSelection.js";

/** A compact badge naming the active backend, with the reason on hover. */
export function backendBadge(choice: BackendChoice): HTMLElement {
  return html`<span class="backend-badge" data-backend=${choice.backend} title=${choice.reason}
    style="display:inline-block;padding:2px 8px;border-radius:10px;background:var(--theme-foreground-faintest);font:12px var(--monospace)"
    >backend: <b>${choice.backend}</b></span>`;
}
