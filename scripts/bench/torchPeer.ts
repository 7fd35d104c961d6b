// PyTorch CPU, the peer every speed benchmark puts beside TensorFlow.js in the same run: Debian's
// python3-torch, launched as the project measured it fairly. libgomp's default (active) waiting
// made PyTorch's 2-thread teacher step 2.7 s against 0.38 s passive on this 2-core machine shared
// with other work, and OpenBLAS's core-type and cache-size overrides, where a shell sets them,
// would make it tune for another CPU than the one measured.
import {spawnSync} from "node:child_process";
import {existsSync} from "node:fs";

export const PYTHON = "/usr/bin/python3";
export const TORCH_OMP_WAIT_POLICY = "PASSIVE";
const TORCH_HELP =
  "install Debian's PyTorch and a real BLAS with `apt-get install -y python3-torch libopenblas0-openmp` " +
  "(they need Debian's /usr/bin/python3; without OpenBLAS, Debian's torch falls back to the reference BLAS, ~3× slower)";

/** Why PyTorch cannot run here, or null when it can. */
export function torchMissing(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} is missing; ${TORCH_HELP}`;
  const probe = spawnSync(PYTHON, ["-c", "import torch"], {encoding: "utf8"});
  return probe.status === 0 ? null : `PyTorch is not importable from ${PYTHON}; ${TORCH_HELP}`;
}

/**
 * Runs `script` with `args` on `threads` threads under the peer's environment; its last line of
 * output, parsed. torch.set_num_threads alone left Debian's pthread OpenBLAS on every core (a
 * "1-thread" ViT step took twice its wall time in CPU time), so OpenBLAS is held to the count too.
 */
export function runTorch<T>(script: string, args: readonly string[], threads: number): T {
  const env: NodeJS.ProcessEnv = {...process.env, OMP_WAIT_POLICY: TORCH_OMP_WAIT_POLICY, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads)};
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const run = spawnSync(PYTHON, [script, ...args], {encoding: "utf8", maxBuffer: 1 << 24, env});
  if (run.status !== 0) throw new Error(`${script} ${args.join(" ")} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split("\n").pop()!) as T;
}
