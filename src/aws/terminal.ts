// The effectful ends of the code sources: the terminal prompt (on stderr, or
// the terminal when stderr is redirected; a small line reader in raw mode, so
// no control character reaches the answer and nothing is redrawn but the
// input line) and the mfa_process runner. Loaded only when a code is needed.
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

/** Colours on the prompt: only on a terminal, and never with NO_COLOR or -no-color (as terraform's own output). */
export function promptColors(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv): boolean {
  return stream.isTTY === true && env.NO_COLOR === undefined && !argv.includes('-no-color') && !argv.includes('--no-color') && env.TERM !== 'dumb';
}

/** What one key (or pasted run of keys) does to the answer being typed. Pure. */
export type KeyAction = { kind: 'edit'; text: string } | { kind: 'submit'; text: string; rest: string } | { kind: 'cancel' };

/**
 * Applies terminal input to the answer: printable characters are added;
 * backspace, Ctrl-U and Ctrl-W edit; Enter submits; Ctrl-C and Ctrl-D (on an
 * empty answer) cancel. Every other control character (Ctrl-Z, Ctrl-\ …)
 * and escape sequence (arrows, function keys) is dropped, so nothing
 * invisible ever reaches the answer.
 */
export function applyInput(text: string, input: string): KeyAction {
  let out = text;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i]!;
    const c = ch.codePointAt(0)!;
    if (ch === '\r' || ch === '\n') return { kind: 'submit', text: out, rest: input.slice(i + 1) };
    if (ch === '\x03') return { kind: 'cancel' };
    if (ch === '\x04') {
      if (out === '') return { kind: 'cancel' };
      continue;
    }
    if (ch === '\x7f' || ch === '\b') {
      out = [...out].slice(0, -1).join('');
      continue;
    }
    if (ch === '\x15') {
      out = '';
      continue;
    }
    if (ch === '\x17') {
      out = out.replace(/\S*\s*$/, '');
      continue;
    }
    if (ch === '\x1b') {
      // CSI (ESC [ … final byte) or SS3 (ESC O x): skip the whole sequence.
      if (input[i + 1] === '[') {
        i += 2;
        while (i < input.length && !/[@-~]/.test(input[i]!)) i++;
      } else if (input[i + 1] === 'O') i += 2;
      else i += 1;
      continue;
    }
    if (c < 0x20 || (c >= 0x7f && c < 0xa0)) continue;
    out += ch;
  }
  return { kind: 'edit', text: out };
}

/** The answer and the hint cut to fit one row after a label of `labelWidth` columns (the end of the answer kept). Pure. */
export function fitInput(labelWidth: number, text: string, hint: string, columns: number): { shown: string; said: string } {
  const room = Math.max(2, columns - 1 - labelWidth);
  const chars = [...text];
  const shown = chars.length > room ? `…${chars.slice(-(room - 1)).join('')}` : text;
  const left = room - [...shown].length - 2;
  const said = hint && left >= 8 ? (hint.length > left ? `${hint.slice(0, left - 1)}…` : hint) : '';
  return { shown, said };
}

const visible = (s: string): number => [...s.replace(/\x1b\[[0-9;]*m/g, '')].length;

/**
 * A prompt when stdin is a terminal; undefined when there is none to ask on.
 * `message` may hold several lines: all but the last are said first (why a
 * code is asked, that the last one was refused); the last is the question.
 * Only the short input line is ever redrawn, so a long device name that
 * wraps never leaves copies in the scrollback.
 */
export function terminalAsk(stdin: NodeJS.ReadStream = process.stdin, stderr: NodeJS.WriteStream = process.stderr): AskCode | undefined {
  if (!stdin.isTTY) return undefined;
  return async (message, validate) => {
    const output = await promptOutput(stderr);
    const out = output.stream;
    // Raw mode before anything is drawn: a key typed as soon as the prompt shows is the prompt's, never the line discipline's.
    const wasRaw = stdin.isRaw;
    stdin.setRawMode(true);
    try {
      const color = promptColors(out);
      const paint = (code: string, s: string): string => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
      const lines = message.split('\n');
      const question = lines.pop()!;
      const columns = out.columns > 0 ? out.columns : 80;
      for (const line of lines) out.write(`${line.startsWith('✗') ? paint('31', line) : paint('2', line)}\n`);
      // The question and the answer on one line when they fit with room to type; else the question on its own.
      let label = `${paint('1;36', '?')} ${paint('1', question)}: `;
      if (visible(label) + 40 > columns) {
        out.write(`${paint('1', question)}\n`);
        label = `${paint('1;36', '?')} ${paint('1', 'code')}: `;
      }
      let text = '';
      let hint = '';
      // The input line never wraps (a wrapped row would be left behind by the next redraw): text and hint are cut to fit.
      const draw = (): void => {
        const { shown, said } = fitInput(visible(label), text, hint, columns);
        out.write(`\r\x1b[K${label}${shown}${said ? `  ${paint('31', said)}` : ''}`);
      };
      draw();
      return await new Promise<string | undefined>((resolve) => {
        const onData = (chunk: Buffer | string): void => {
          const action = applyInput(text, chunk.toString());
          if (action.kind === 'cancel') {
            stdin.off('data', onData);
            out.write('\n');
            resolve(undefined);
            return;
          }
          text = action.text;
          if (action.kind === 'edit') {
            hint = '';
            draw();
            return;
          }
          const verdict = validate(text);
          if (verdict !== true) {
            hint = verdict;
            draw();
            return;
          }
          hint = '';
          draw();
          out.write('\n');
          stdin.off('data', onData);
          resolve(text);
        };
        stdin.on('data', onData);
        stdin.resume();
      });
    } finally {
      stdin.setRawMode(wasRaw);
      stdin.pause();
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
