// Types for run.mjs, which stays plain JavaScript so that postinstall can run it before any build.
export function prismaEnv(baseEnv?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export function prismaInvocation(
  args: string[],
  env?: NodeJS.ProcessEnv,
): { command: string; args: string[]; env: NodeJS.ProcessEnv; cwd: string };
export function runPrisma(
  args: string[],
  options?: {
    env?: NodeJS.ProcessEnv;
    stdio?: import("node:child_process").StdioOptions;
    cwd?: string;
  },
): Promise<number>;
