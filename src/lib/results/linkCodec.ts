import {deflate, inflate, InflateLimitError} from "../data/compression.js";
import {MAX_RESULTS_BYTES} from "./evalResults.js";

/**
 * A page's state as a URL-safe string: JSON, deflated, in base64url. Shared links carry whole
 * runs, and deflate keeps a sweep of 38-task files short enough for an address.
 */
export async function packLink(value: unknown): Promise<string> {
  const bytes = await deflate(new TextEncoder().encode(JSON.stringify(value)));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * The JSON value packLink wrote. Throws `<label>: view: …` when the text is cut short or
 * altered, expands past the size a results file may have (MAX_RESULTS_BYTES: a link is input
 * like a file, and a 272 KB link can deflate to 210 MB), or is not JSON; what the value must
 * hold is the caller's to check.
 */
export async function unpackLink(text: string, label: string): Promise<unknown> {
  let json: string;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    json = new TextDecoder().decode(await inflate(Uint8Array.from(binary, (c) => c.charCodeAt(0)), MAX_RESULTS_BYTES));
  } catch (error) {
    if (error instanceof InflateLimitError) {
      throw new Error(`${label}: view: it expands to more than ${MAX_RESULTS_BYTES / 1024 / 1024} MB, the most a results file may be; it was not read`);
    }
    throw new Error(`${label}: view: not a link this page wrote (it is cut short or altered)`);
  }
  try {
    return JSON.parse(json);
  } catch {
    throw new Error(`${label}: view: not valid JSON`);
  }
}
