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

export function inflate(bytes: Uint8Array): Promise<Uint8Array> {
  return pipe(bytes, new DecompressionStream("deflate"));
}
