import {deflate, inflate} from "../data/compression.js";

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
 * altered, or is not JSON; what the value must hold is the caller's to check.
 */
export async function unpackLink(text: string, label: string): Promise<unknown> {
  let json: string;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    json = new TextDecoder().decode(await inflate(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
  } catch {
    throw new Error(`${label}: view: not a link this page wrote (it is cut short or altered)`);
  }
  try {
    return JSON.parse(json);
  } catch {
    throw new Error(`${label}: view: not valid JSON`);
  }
}
