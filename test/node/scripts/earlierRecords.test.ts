import {mkdtempSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {earlierRecords} from "../../../scripts/bench/earlierRecords.js";

describe("earlierRecords", () => {
  const dir = mkdtempSync(join(tmpdir(), "earlier-"));

  it("keeps the previous record without its own list, then that list, newest first", () => {
    const file = join(dir, "bench.json");
    writeFileSync(file, JSON.stringify({date: 3, rows: [1], earlier: [{date: 2}, {date: 1}]}));
    expect(earlierRecords(file)).toEqual([{date: 3, rows: [1]}, {date: 2}, {date: 1}]);
  });

  it("starts the list from a record that kept none, and is empty without a file", () => {
    const file = join(dir, "first.json");
    writeFileSync(file, JSON.stringify({date: 1}));
    expect(earlierRecords(file)).toEqual([{date: 1}]);
    expect(earlierRecords(join(dir, "missing.json"))).toEqual([]);
  });
});
