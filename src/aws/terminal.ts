// The effectful ends of the code sources: the terminal prompt (prompts, on
// stderr) and the mfa_process runner. Loaded only when a code is needed.
import type { AskCode, ProcessRunner } from './codes.ts';

/** A prompt when stdin is a terminal; undefined when there is none to ask on. */
export function terminalAsk(stdin: NodeJS.ReadStream = process.stdin, stderr: NodeJS.WriteStream = process.stderr): AskCode | undefined {
  if (!stdin.isTTY) return undefined;
  return async (message, validate) => {
    const { default: prompts } = await import('prompts');
    const answer = await prompts(
      {
        type: 'text',
        name: 'code',
        message,
        validate,
        stdin,
        stdout: stderr,
      },
      { onCancel: () => false },
    );
    const code: unknown = answer.code;
    return typeof code === 'string' ? code : undefined;
  };
}

/** Runs a profile's mfa_process through the shell: its stdout is the code, its stderr the terminal's. */
export const shellProcessRunner: ProcessRunner = async (command) => {
  const { execa } = await import('execa');
  const result = await execa(command, {
    shell: true,
    stdin: 'inherit',
    stdout: 'pipe',
    stderr: 'inherit',
    reject: false,
    timeout: 120_000,
  });
  return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout ?? '') };
};
