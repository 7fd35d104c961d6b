import {UsageError} from "./cli.js";

const printed = new Map<number, number>();

/** One self-overwriting progress line on a terminal (a plain line per 5% when output is piped). */
export function progressLine(done: number, total: number, startedMs: number, extra: string): void {
  const elapsed = (Date.now() - startedMs) / 1000;
  const eta = done > 0 ? (elapsed / done) * (total - done) : NaN;
  const width = 24;
  const filled = Math.round((done / total) * width);
  const bar = "█".repeat(filled) + "░".repeat(width - filled);
  const line = `${bar} ${done}/${total} ${extra} | ${formatSeconds(elapsed)} elapsed, ETA ${formatSeconds(eta)}`;
  if (process.stdout.isTTY) process.stdout.write(`\r${line}\x1b[K`);
  else {
    // Piped (CI logs): a line per 5% is enough.
    const bucket = Math.floor((20 * done) / total);
    if (bucket !== printed.get(startedMs)) console.log(line);
    printed.set(startedMs, bucket);
  }
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${s.toFixed(0)}s`;
}

/** `--name value` pairs from argv; flags without a value read as "true". A flag given twice is refused. */
export function parseArgs(argv: string[]): Map<string, string> {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) throw new UsageError(`unexpected argument "${a}" (options look like --name value)`);
    if (args.has(a.slice(2))) throw new UsageError(`${a} is given twice`);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith("--")) args.set(a.slice(2), "true");
    else args.set(a.slice(2), (i++, next));
  }
  return args;
}

/** A positive-integer flag's value, or `fallback` when it is absent; anything else is a UsageError naming the flag. */
export function countFlag(args: Map<string, string>, flag: string, fallback: number): number {
  const text = args.get(flag);
  if (text === undefined) return fallback;
  if (!/^[1-9]\d*$/.test(text)) throw new UsageError(`--${flag} ${JSON.stringify(text)}: expected a positive integer`);
  return Number(text);
}

/** Whether a switch (`--force`, `--resume`) was given; it takes no value. */
export function switchFlag(args: Map<string, string>, flag: string): boolean {
  const value = args.get(flag);
  if (value !== undefined && value !== "true") throw new UsageError(`--${flag} ${JSON.stringify(value)}: --${flag} takes no value`);
  return value === "true";
}
