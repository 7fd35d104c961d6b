/** A mistake in how a script was called (a flag, a path): printed as one line, no stack trace. */
export class UsageError extends Error {}

/**
 * Runs a script's main. A UsageError prints `error: <its message>` and exits 2; any other error
 * is a bug or a failure of the machine, and keeps its stack.
 */
export async function runScript(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}`);
    process.exitCode = 2;
  }
}
