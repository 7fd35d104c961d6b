/**
 * data/runs/index.json lists the committed runs the results page offers:
 *   {"runs": [{"name": "s1 w_c=0.25 w_d=0.75 seed 1", "file": "s1-025-075-s1/eval_results.jsonl"}, …]}
 * `file` is relative to data/runs/. Other fields are allowed and ignored.
 */
export interface ManifestEntry {
  readonly name: string;
  readonly file: string;
}

/** The manifest's entries; an error names the field that is wrong (the caller names the file). */
export function parseRunManifest(value: unknown): ManifestEntry[] {
  const fail = (field: string, what: string): never => {
    throw new Error(`${field}: ${what}`);
  };
  if (typeof value !== "object" || value === null || !Array.isArray((value as {runs?: unknown}).runs)) {
    return fail("runs", 'expected {"runs": [{"name", "file"}, …]}');
  }
  return (value as {runs: unknown[]}).runs.map((entry, i): ManifestEntry => {
    const e = (entry ?? {}) as Record<string, unknown>;
    if (typeof e.name !== "string" || e.name.trim() === "") fail(`runs[${i}].name`, "expected a non-empty string");
    const file = e.file;
    if (typeof file !== "string" || !/\.jsonl$/.test(file)) return fail(`runs[${i}].file`, "expected the path of a .jsonl file");
    if (file.startsWith("/") || file.split(/[\\/]/).includes("..")) fail(`runs[${i}].file`, `${JSON.stringify(file)} must stay inside data/runs/`);
    return {name: e.name as string, file};
  });
}
