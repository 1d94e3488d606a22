// Where an MFA code comes from, in the contract's order: TFW_MFA_CODE, the
// profile's mfa_process, a prompt on the terminal. One small type per source,
// composed by `codeSources`; none of them knows about STS or the cache.
import { TfwError } from '../errors.ts';
import { printable } from '../log.ts';
import type { MfaDevice } from './types.ts';

export interface CodeRequest {
  device: MfaDevice;
  /** 1 for the first try; more after STS refused a code. */
  attempt: number;
  /** Codes already sent for this device in this run: STS refuses a reused code. */
  sent: ReadonlySet<string>;
}

export interface CodeSource {
  /** For messages: `TFW_MFA_CODE`, `mfa_process`, `terminal`. */
  readonly name: string;
  /** A code, or undefined when this source has nothing (more) to give. */
  next(request: CodeRequest): Promise<string | undefined>;
}

export const CODE_SHAPE = /^\d{6}$/;

export function deviceLabel(device: MfaDevice): string {
  // Provider names come from the module (a cloned repository): escaped, and
  // at most ten of them (130k aliases made a 2 MB prompt).
  const shown = device.targets.slice(0, 10).join(', ') + (device.targets.length > 10 ? ` and ${device.targets.length - 10} more` : '');
  const who = device.targets.length > 0 ? ` (for ${shown})` : '';
  return printable(`${device.serial}${who}`);
}

/**
 * TFW_MFA_CODE: one code, good for one GetSessionToken of one device. With
 * several devices it belongs to the first one of the plan (`forDevice`), so
 * which device gets it never depends on timing.
 */
export class EnvCodeSource implements CodeSource {
  readonly name = 'TFW_MFA_CODE';
  private used = false;
  constructor(
    private readonly value: string | undefined,
    private readonly forDevice?: string,
  ) {}

  async next({ device }: CodeRequest): Promise<string | undefined> {
    if (this.value === undefined || this.value === '' || this.used) return undefined;
    if (this.forDevice !== undefined && device.id !== this.forDevice) return undefined;
    this.used = true;
    const code = this.value.trim();
    if (!CODE_SHAPE.test(code)) throw new TfwError(`TFW_MFA_CODE is not a 6-digit code (device ${device.serial})`);
    return code;
  }
}

export type ProcessRunner = (command: string) => Promise<{ exitCode: number; stdout: string }>;

/** The profile's `mfa_process` (aws-vault convention): a command that prints the code. */
export class ProcessCodeSource implements CodeSource {
  readonly name = 'mfa_process';
  constructor(private readonly run: ProcessRunner) {}

  async next({ device, sent }: CodeRequest): Promise<string | undefined> {
    if (device.mfaProcess === undefined || device.mfaProcess === '') return undefined;
    const { exitCode, stdout } = await this.run(device.mfaProcess);
    if (exitCode !== 0) throw new TfwError(`mfa_process of profile ${device.rootProfile} failed (exit ${exitCode}) for device ${device.serial}`);
    const code = stdout.trim();
    if (!CODE_SHAPE.test(code)) throw new TfwError(`mfa_process of profile ${device.rootProfile} did not print a 6-digit code for device ${device.serial}`);
    // The same code again means the generator has not moved on: STS would refuse it.
    if (sent.has(code)) return undefined;
    return code;
  }
}

export type AskCode = (message: string, validate: (value: string) => true | string) => Promise<string | undefined>;

/** Why a code is asked although a session is cached (too short for this command), or undefined. */
export type PromptReason = (device: MfaDevice) => Promise<string | undefined> | string | undefined;

/**
 * A prompt on the terminal (stderr, so `tfw output -json > file` stays
 * clean). The message says why it asks when that is not obvious (a cached
 * session too short for this command), and marks a refused code as refused.
 */
export class PromptCodeSource implements CodeSource {
  readonly name = 'terminal';
  constructor(
    private readonly ask: AskCode | undefined,
    private readonly why?: PromptReason,
    /** Called just before the prompt is drawn (the progress line must be gone by then). */
    private readonly beforePrompt?: () => void,
  ) {}

  async next({ device, attempt, sent }: CodeRequest): Promise<string | undefined> {
    if (this.ask === undefined) return undefined;
    const lines: string[] = [];
    if (attempt > 1) lines.push(`✗ STS refused that code (wrong, expired or already used): attempt ${attempt}, type the next code`);
    else {
      const reason = await this.why?.(device);
      if (reason) lines.push(printable(reason));
    }
    lines.push(`MFA code for ${deviceLabel(device)}`);
    this.beforePrompt?.();
    const answer = await this.ask(lines.join('\n'), (value) => {
      const code = value.trim();
      if (!CODE_SHAPE.test(code)) return 'an MFA code is 6 digits';
      if (sent.has(code)) return 'that code was already used: wait for the next one';
      return true;
    });
    if (answer === undefined) throw new TfwError('MFA prompt cancelled', 130);
    return answer.trim();
  }
}

/** Asks each source in order; the first that has a code wins. */
export class FirstCodeSource implements CodeSource {
  readonly name: string;
  constructor(private readonly sources: readonly CodeSource[]) {
    this.name = sources.map((s) => s.name).join(', ');
  }

  async next(request: CodeRequest): Promise<string | undefined> {
    for (const source of this.sources) {
      const code = await source.next(request);
      if (code !== undefined) return code;
    }
    return undefined;
  }
}

/** Run prompts one at a time: two devices share one terminal, while their STS calls may overlap. */
export class SerialCodeSource implements CodeSource {
  readonly name: string;
  private queue: Promise<unknown> = Promise.resolve();
  constructor(private readonly inner: CodeSource) {
    this.name = inner.name;
  }

  next(request: CodeRequest): Promise<string | undefined> {
    const result = this.queue.then(() => this.inner.next(request));
    this.queue = result.catch(() => undefined);
    return result;
  }
}
