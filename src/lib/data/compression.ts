/**
 * zlib-format deflate through the Compression Streams API, which Node (≥ 18) and current
 * browsers both provide, so the same decoder reads committed files from disk or from fetch.
 */
async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  // The copy gives Blob a plain ArrayBuffer-backed view (a SharedArrayBuffer view is refused).
  const piped = new Blob([new Uint8Array(bytes)]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(piped).arrayBuffer());
}

export function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  return pipe(bytes, new CompressionStream("deflate"));
}

/** Thrown by inflate when the output would pass its limit (a small input can expand a thousandfold). */
export class InflateLimitError extends Error {
  constructor(readonly limit: number) {
    super(`inflate: the data expands past ${limit} bytes`);
  }
}

/** The inflated bytes; reading stops, and InflateLimitError is thrown, once they pass `maxBytes`. */
export async function inflate(bytes: Uint8Array, maxBytes = Infinity): Promise<Uint8Array> {
  if (maxBytes === Infinity) return pipe(bytes, new DecompressionStream("deflate"));
  const reader = new Blob([new Uint8Array(bytes)]).stream().pipeThrough(new DecompressionStream("deflate")).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    total += chunk.value.length;
    if (total > maxBytes) {
      await reader.cancel();
      throw new InflateLimitError(maxBytes);
    }
    chunks.push(chunk.value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
