// Prints one closing line over both vitest projects ("N passed, N failed, N skipped"), read
// from the JSON reports that `npm test` writes, so CI logs end with the whole suite's count.
import {existsSync, readFileSync} from "node:fs";

let passed = 0;
let failed = 0;
let skipped = 0;
for (const project of ["node", "browser"]) {
  const file = `test/.tmp/results-${project}.json`;
  if (!existsSync(file)) {
    console.error(`no report from the ${project} tests (${file}): they did not run`);
    failed++;
    continue;
  }
  const report = JSON.parse(readFileSync(file, "utf8"));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 ? 1 : 0;
