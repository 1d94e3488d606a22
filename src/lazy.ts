// Everything past the pass-through path, reached from cli.ts by one dynamic
// import: the build makes it a separate bundle (scripts/build.mjs), so a
// pass-through command loads exactly one file. Each export loads its own
// heavy parts only when called.
//
// What crosses between the bundles is values: Deps (with the run context, made
// once by cli.ts) comes in; an Outcome goes out, never one of this bundle's
// TfwErrors, which cli.ts's copy of errors.ts would not recognise.
import type { AskCode, ProcessRunner } from './aws/codes.ts';
import type { StsApi } from './aws/sts.ts';
import type { TerraformArgs } from './argv.ts';
import type { Deps } from './deps.ts';
import { outcomeOf, type Outcome } from './errors.ts';

export async function runCredentialed(args: TerraformArgs, terraform: string, deps: Deps): Promise<Outcome> {
  return outcomeOf(async () => (await import('./run.ts')).runCredentialed(args, terraform, deps));
}

export async function authMain(argv: readonly string[], deps: Deps): Promise<Outcome> {
  return outcomeOf(async () => (await import('./auth/main.ts')).authMain(argv, deps));
}

export async function createStsApi(env: Deps['env']): Promise<StsApi> {
  return (await import('./aws/sts.ts')).createStsApi(env);
}

export const runMfaProcess: ProcessRunner = async (command) => (await import('./aws/terminal.ts')).shellProcessRunner(command);

export async function askOnTerminal(...args: Parameters<AskCode>): ReturnType<AskCode> {
  const ask = (await import('./aws/terminal.ts')).terminalAsk();
  return ask ? ask(...args) : undefined;
}
