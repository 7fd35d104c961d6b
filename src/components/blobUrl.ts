/**
 * A blob: URL for `text` (nothing leaves the page), freed a while after `invalidation`: a cell
 * that redraws just as a download begins (the page settling after the last change) would
 * otherwise revoke the URL under it and the download would fail.
 */
export function blobUrl(text: string, type: string, invalidation: Promise<unknown>): string {
  const href = URL.createObjectURL(new Blob([text], {type}));
  void invalidation.then(() => setTimeout(() => URL.revokeObjectURL(href), 10_000));
  return href;
}
