// The effectful ends of the code sources: the terminal prompt (prompts, on
// stderr, or the terminal when stderr is redirected) and the mfa_process
// runner. Loaded only when a code is needed.
import type { AskCode, ProcessRunner } from './codes.ts';

/**
 * Where the prompt is written: stderr, so `tfw output -json > file` stays
 * clean. When stderr is redirected (`tfw plan 2>log`) a prompt there would be
 * invisible and look like a hang: then the terminal itself, /dev/tty.
 */
async function promptOutput(stderr: NodeJS.WriteStream): Promise<{ stream: NodeJS.WriteStream; close(): void }> {
  if (stderr.isTTY) return { stream: stderr, close: () => {} };
  const [{ openSync, closeSync }, { WriteStream }] = await Promise.all([import('node:fs'), import('node:tty')]);
  try {
    const fd = openSync('/dev/tty', 'w');
    const stream = new WriteStream(fd);
    return { stream, close: () => { stream.destroy(); try { closeSync(fd); } catch { /* already closed */ } } };
  } catch {
    return { stream: stderr, close: () => {} };
  }
}

/** A prompt when stdin is a terminal; undefined when there is none to ask on. */
export function terminalAsk(stdin: NodeJS.ReadStream = process.stdin, stderr: NodeJS.WriteStream = process.stderr): AskCode | undefined {
  if (!stdin.isTTY) return undefined;
  return async (message, validate) => {
    const [{ default: prompts }, output] = await Promise.all([import('prompts'), promptOutput(stderr)]);
    try {
      const answer = await prompts(
        {
          type: 'text',
          name: 'code',
          message,
          validate,
          stdin,
          stdout: output.stream,
        },
        { onCancel: () => false },
      );
      const code: unknown = answer.code;
      return typeof code === 'string' ? code : undefined;
    } finally {
      output.close();
    }
  };
}

// An authenticator command has no use for AWS keys or the code itself.
const NOT_FOR_MFA_PROCESS = new Set(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'TFW_MFA_CODE']);

/** Runs a profile's mfa_process through the shell: its stdout is the code, its stderr the terminal's. */
export const shellProcessRunner: ProcessRunner = async (command) => {
  const { execa } = await import('execa');
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !NOT_FOR_MFA_PROCESS.has(name)));
  const result = await execa(command, {
    env,
    extendEnv: false,
    shell: true,
    stdin: 'inherit',
    stdout: 'pipe',
    stderr: 'inherit',
    reject: false,
    timeout: 120_000,
  });
  return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout ?? '') };
};
