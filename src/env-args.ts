// TF_CLI_ARGS and TF_CLI_ARGS_<command>: arguments terraform adds to its own
// command line. tfw reads them to know what the module means (a -var-file or
// -backend-config may arrive there) and never hands them on: terraform adds
// them itself. Off the pass-through path (argv.ts says why that is safe), so
// the shell-word parser loads only for credentialed runs.
import { parse as parseShellWords } from 'shell-quote';
import { analyzeArgs, type TerraformArgs } from './argv.ts';
import type { Env } from './model.ts';

/** Words of a TF_CLI_ARGS value, as terraform splits it (go-shellwords: quotes, escapes, no $ expansion; stops at an operator or comment). */
export function shellWords(value: string): string[] {
  // `$` is plain text to go-shellwords; shell-quote expands it and throws on
  // `${` ("Bad substitution"), which stopped even `tfw version`. A NUL (never in
  // an environment value) stands in for it while parsing.
  const restore = (s: string): string => s.replace(/\0/g, '$');
  const words: string[] = [];
  for (const entry of parseShellWords(value.replace(/\$/g, '\0'))) {
    if (typeof entry === 'string') words.push(restore(entry));
    else if ('op' in entry && entry.op === 'glob') words.push(restore(entry.pattern));
    else break;
  }
  return words;
}

/**
 * The argv terraform acts on: TF_CLI_ARGS and TF_CLI_ARGS_<command> inserted
 * right after the command word, the specific one first (terraform's
 * mergeEnvArgs); with no command, TF_CLI_ARGS goes first (after -chdir,
 * which terraform has already taken out).
 */
export function withEnvironmentArgs(argv: readonly string[], env: Env): readonly string[] {
  const first = analyzeArgs(argv);
  if (first.command === undefined) {
    const words = env.TF_CLI_ARGS ? shellWords(env.TF_CLI_ARGS) : [];
    if (words.length === 0) return argv;
    const chdir = first.chdir !== undefined ? argv.lastIndexOf(`-chdir=${first.chdir}`) : -1;
    return chdir >= 0 ? [argv[chdir]!, ...words, ...argv.slice(0, chdir), ...argv.slice(chdir + 1)] : [...words, ...argv];
  }
  const nested = first.subcommand !== undefined;
  const name = (nested ? `${first.command}_${first.subcommand}` : first.command).replace(/-/g, '_');
  const search = nested ? first.subcommand! : first.command;
  let out = [...argv];
  for (const variable of ['TF_CLI_ARGS', `TF_CLI_ARGS_${name}`]) {
    const value = env[variable];
    if (!value) continue;
    const at = out.indexOf(search) + 1;
    out = [...out.slice(0, at), ...shellWords(value), ...out.slice(at)];
  }
  return out;
}

/** terraform's argv read with what TF_CLI_ARGS* add to it (`argv` stays the user's own). */
export function analyzeWithEnvironment(argv: readonly string[], env: Env): TerraformArgs {
  // Only the two variables this command reads, by name: the plan memo (inputs.ts) notes exactly these.
  return analyzeArgs(argv, withEnvironmentArgs(argv, env));
}
