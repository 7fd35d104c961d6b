import {existsSync, readFileSync} from "node:fs";

/**
 * What a benchmark that rewrites `file` keeps under `earlier`, newest first: the file's previous
 * record (without its own `earlier`), then the records that one kept. Nothing when there is no file.
 */
export function earlierRecords(file: string): Record<string, unknown>[] {
  if (!existsSync(file)) return [];
  const {earlier = [], ...previous} = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown> & {earlier?: Record<string, unknown>[]};
  return [previous, ...earlier];
}
