import {defineConfig} from "vitest/config";

// Two projects: `node` runs src/lib on tfjs's cpu and wasm backends; `browser` drives Debian's
// Chromium (playwright-core) against the built site and esbuild-bundled kernel pages. Browser
// files run one at a time: each launches Chromium, and two cores cannot host several at once.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "node",
          include: ["test/node/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
          pool: "forks"
        }
      },
      {
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          environment: "node",
          testTimeout: 300_000,
          hookTimeout: 300_000,
          // A page's cells settle asynchronously (the results page's view link is compressed before its export
          // panel redraws), and on a loaded CI machine that can take longer than expect.poll's default 1 s.
          expect: {poll: {timeout: 15_000}},
          fileParallelism: false
        }
      }
    ]
  }
});
