// Everything past the pass-through path, reached from cli.ts by one dynamic
// import: the build makes it a separate bundle (scripts/build.mjs), so a
// pass-through command loads exactly one file. Each export loads its own
// heavy parts only when called.
import type { AskCode, ProcessRunner } from './aws/codes.ts';
import type { StsApi } from './aws/sts.ts';
import type { TerraformArgs } from './argv.ts';
import type { Deps } from './deps.ts';

export async function runCredentialed(args: TerraformArgs, terraform: string, deps: Deps): Promise<number> {
  return (await import('./run.ts')).runCredentialed(args, terraform, deps);
}

export async function authMain(argv: readonly string[], deps: Deps): Promise<number> {
  return (await import('./auth/main.ts')).authMain(argv, deps);
}

export async function createStsApi(env: Deps['env']): Promise<StsApi> {
  return (await import('./aws/sts.ts')).createStsApi(env);
}

export const runMfaProcess: ProcessRunner = async (command) => (await import('./aws/terminal.ts')).shellProcessRunner(command);

export async function askOnTerminal(...args: Parameters<AskCode>): ReturnType<AskCode> {
  const ask = (await import('./aws/terminal.ts')).terminalAsk();
  return ask ? ask(...args) : undefined;
}
