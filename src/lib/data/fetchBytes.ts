/**
 * The bytes at `url`. A missing or refused file is an error naming the URL and the HTTP status:
 * without the `ok` check, a 404 page would reach the parsers as data and fail there, far from
 * its cause.
 */
export async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * Reads files by name from the URLs the site serves them at: what the data modules take as a
 * reader in the browser (nodeFiles.ts's diskReader in Node).
 */
export function urlReader(urls: Readonly<Record<string, string>>): (file: string) => Promise<Uint8Array> {
  return (file) => {
    if (!Object.hasOwn(urls, file)) return Promise.reject(new Error(`${file}: the site lists no URL for it`));
    return fetchBytes(urls[file]);
  };
}
