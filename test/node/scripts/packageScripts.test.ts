import {readFileSync} from "node:fs";
import {describe, expect, it} from "vitest";

const scripts: Record<string, string> = JSON.parse(readFileSync("package.json", "utf8")).scripts;

describe("package.json scripts", () => {
  it("turn off Observable Framework's telemetry wherever they run it (the lab asks no other host for anything)", () => {
    const calls = Object.entries(scripts).flatMap(([name, line]) => line.split("&&").map((part) => [name, part.trim()] as const)).filter(([, part]) => /(^|\s)observable\s/.test(part));
    expect(calls.map(([name]) => name).sort()).toEqual(["build", "start"]);
    for (const [name, part] of calls) expect(part, name).toMatch(/^OBSERVABLE_TELEMETRY_DISABLE=true observable /);
  });
});
