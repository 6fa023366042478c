// The Prisma CLI as a child process whose output the caller reads line by line (migrations, the
// client generation before a build, tests and benchmarks). run.mjs decides which schema engine it
// gets: the native one where it was downloaded, the WebAssembly shim everywhere else.

import { prismaInvocation } from "../prisma/run.mjs";
import { type ExitStatus, runToCompletion } from "./processes";

export function runPrismaCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine: (line: string, stream: "stdout" | "stderr") => void,
): Promise<ExitStatus> {
  const invocation = prismaInvocation(args, env);
  return runToCompletion(invocation.command, invocation.args, { cwd: invocation.cwd, env: invocation.env }, onLine);
}
