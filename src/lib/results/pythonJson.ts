/**
 * Python's `json.dumps` writes float nan and ±inf as the bare tokens NaN, Infinity and -Infinity,
 * which JSON.parse rejects. Real DataComp result files carry them (a task whose metric could not
 * be computed), so this reads Python's dialect: outside strings, NaN becomes null (a missing
 * value, as pandas reads it) and ±Infinity becomes ±1e999, which JSON.parse turns into ±Infinity.
 * Everything else, errors included, is JSON.parse's.
 */
export function parsePythonJson(text: string): unknown {
  return JSON.parse(standardJson(text));
}

const TOKENS: readonly [string, string][] = [
  ["NaN", "null"],
  ["-Infinity", "-1e999"],
  ["Infinity", "1e999"]
];

/** `text` with Python's non-finite tokens replaced outside strings; unchanged if it has none. */
function standardJson(text: string): string {
  if (!/NaN|Infinity/.test(text)) return text;
  let out = "";
  let from = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      continue;
    }
    const token = TOKENS.find(([t]) => text.startsWith(t, i) && !/[\w$]/.test(text[i + t.length] ?? ""));
    if (token) {
      out += text.slice(from, i) + token[1];
      i += token[0].length - 1;
      from = i + 1;
    }
  }
  return out + text.slice(from);
}
