// tfw's STS client: GetSessionToken (with the MFA code), AssumeRole and
// GetCallerIdentity, each failure mapped to one StsCallError kind.
//
// The AWS SDK is loaded only when a call is made (a pass-through terraform
// command never pays for it): this module imports nothing but types from it.
// Only the env object it is given is honoured: credentials, region and endpoint
// are passed explicitly, and the SDK is told not to look for endpoints, retry
// settings or regions in process.env or ~/.aws/config.
import { Readable, Transform } from 'node:stream';
import type { STSClient, STSClientConfig } from '@aws-sdk/client-sts';
/** The part of the SDK's HTTP handler (@smithy/node-http-handler) tfw relies on. */
interface HttpHandler {
  metadata?: unknown;
  handle(request: unknown, options?: { abortSignal?: AbortSignal }): Promise<{ response: { body: unknown } }>;
  updateHttpClientConfig(key: never, value: never): void;
  httpHandlerConfigs(): unknown;
  destroy(): void;
}
import { redactForms } from '../redact.ts';
import type { Env } from '../model.ts';
import { stsTimeouts } from '../settings.ts';
import type { LongTermKeys, SessionCredentials } from './types.ts';

export type StsFailureKind =
  | 'invalid-code'
  | 'access-denied'
  | 'invalid-key'
  | 'expired-token'
  | 'unreachable'
  | 'throttled'
  | 'clock-skew'
  | 'server-error'
  | 'validation'
  | 'other';

/** An STS call that failed. The message is AWS's (or says which endpoint could not be reached); it never holds a secret. */
export class StsCallError extends Error {
  readonly kind: StsFailureKind;
  readonly endpoint: string;
  readonly awsCode?: string;
  constructor(kind: StsFailureKind, message: string, endpoint: string, awsCode?: string) {
    super(bounded(redactForms(message)));
    this.name = 'StsCallError';
    this.kind = kind;
    this.endpoint = endpoint;
    if (awsCode !== undefined) this.awsCode = awsCode;
  }
}

export interface StsApi {
  getSessionToken(input: { keys: LongTermKeys; serial: string; code: string; durationSeconds: number; region: string }): Promise<SessionCredentials>;
  assumeRole(input: {
    credentials: LongTermKeys | SessionCredentials;
    roleArn: string;
    sessionName: string;
    externalId?: string;
    durationSeconds?: number;
    region: string;
    serial?: string;
    code?: string;
  }): Promise<SessionCredentials>;
  getCallerIdentity(input: { credentials: LongTermKeys | SessionCredentials; region: string }): Promise<{ account: string; arn: string; userId: string }>;
}

export interface StsApiOptions {
  /** ms to establish a connection (default: from TFW_STS_TIMEOUT, at most 3000). */
  connectionTimeoutMs?: number;
  /** ms a request may sit without a response (default: TFW_STS_TIMEOUT, 10000). */
  requestTimeoutMs?: number;
}

const MAX_ATTEMPTS = 3;
/** The most of an STS answer tfw reads: a real one is a few kilobytes; a 300 MB error body must not fill the heap. */
export const MAX_BODY_BYTES = 256 * 1024;
/** The most of an STS error message tfw prints. */
const MAX_MESSAGE_CHARS = 500;

/** A message cut to a printable length, saying how much was left out. */
function bounded(message: string): string {
  if (message.length <= MAX_MESSAGE_CHARS) return message;
  return `${message.slice(0, MAX_MESSAGE_CHARS)}… (${message.length - MAX_MESSAGE_CHARS} more characters)`;
}

/** A response body that errors once it passes `limit` bytes or `signal` aborts, instead of being read whole or forever. */
function limitBody(body: unknown, limit: number, signal: AbortSignal, done: () => void): unknown {
  if (!(body instanceof Readable)) {
    done();
    return body;
  }
  let seen = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding, next) {
      seen += chunk.length;
      if (seen > limit) {
        next(Object.assign(new Error(`the answer was larger than ${limit / 1024} KiB`), { name: 'ResponseTooLarge' }));
        body.destroy();
        return;
      }
      next(null, chunk);
    },
  });
  const stop = (): void => {
    limited.destroy(Object.assign(new Error('the answer took too long'), { name: 'TimeoutError' }));
    body.destroy();
  };
  signal.addEventListener('abort', stop, { once: true });
  limited.on('close', () => {
    signal.removeEventListener('abort', stop);
    done();
  });
  body.on('error', (e) => limited.destroy(e));
  return body.pipe(limited);
}
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);
const THROTTLING_CODES = new Set(['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException', 'RequestThrottled']);
const INVALID_KEY_CODES = new Set(['InvalidClientTokenId', 'SignatureDoesNotMatch', 'UnrecognizedClientException', 'InvalidAccessKeyId', 'MissingAuthenticationToken']);
const EXPIRED_CODES = new Set(['ExpiredToken', 'ExpiredTokenException']);

/** One call: whose credentials, and whether it spends an MFA code. Its client is made for it alone. */
interface CallContext {
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  spendsCode: boolean;
  /** Set when an HTTP exchange ran past TFW_STS_TIMEOUT (see the handler wrapper). */
  timedOut?: boolean;
}

type RetryStrategy = Extract<NonNullable<STSClientConfig['retryStrategy']>, { acquireInitialRetryToken: unknown }>;
type RetryToken = Awaited<ReturnType<RetryStrategy['acquireInitialRetryToken']>>;
type RetryErrorType = Parameters<RetryStrategy['refreshRetryTokenForRetry']>[1]['errorType'];

const retryToken = (count: number, delay: number): RetryToken => ({ getRetryCount: () => count, getRetryDelay: () => delay });

/**
 * The SDK classifies each failure (throttling, transient, server error); this
 * decides: up to 3 attempts with exponential backoff and full jitter, like the
 * SDK's standard mode, except that a call spending an MFA code is retried only
 * when STS throttled it. A timed-out or reset call may have reached STS and
 * used the code; sending it again would fail as a "reused code" and hide the
 * real error.
 */
function codeAwareRetry(call: CallContext): RetryStrategy {
  const retryable = (type: RetryErrorType, spendsCode: boolean): boolean =>
    type === 'THROTTLING' || (!spendsCode && (type === 'TRANSIENT' || type === 'SERVER_ERROR'));
  return {
    acquireInitialRetryToken: async () => retryToken(0, 0),
    async refreshRetryTokenForRetry(token, info) {
      const attempt = token.getRetryCount() + 1;
      // STS checks the request's time before the code: a request it refused
      // for clock skew spent nothing, and the SDK has just corrected its clock.
      const skewCorrected = (info.error as { $metadata?: { clockSkewCorrected?: boolean } } | undefined)?.$metadata?.clockSkewCorrected === true;
      if (attempt >= MAX_ATTEMPTS || !(skewCorrected || retryable(info.errorType, call.spendsCode))) {
        throw new Error('no retry');
      }
      if (skewCorrected) return retryToken(attempt, 0);
      const base = info.errorType === 'THROTTLING' ? 500 : 100;
      const delay = Math.floor(Math.random() * Math.min(20_000, base * 2 ** attempt));
      return retryToken(attempt, delay);
    },
    recordSuccess: () => {},
  };
}

const SDK_NODE_WARNING = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/**
 * Builds a client without the SDK's one-time "NodeVersionSupportWarning" on
 * Node < 22, which would land in the middle of terraform's output. The SDK
 * reads the opt-out from process.env, synchronously, in the constructor; it is
 * set for that moment only, so it never reaches terraform's environment.
 */
export function quietly<T>(build: () => T): T {
  const before = process.env[SDK_NODE_WARNING];
  process.env[SDK_NODE_WARNING] = 'true';
  try {
    return build();
  } finally {
    if (before === undefined) delete process.env[SDK_NODE_WARNING];
    else process.env[SDK_NODE_WARNING] = before;
  }
}

function endpointFrom(env: Env): { url?: string; source?: string } {
  for (const name of ['AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL'] as const) {
    const v = env[name]?.trim();
    if (v) return { url: v, source: name };
  }
  return {};
}

interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
}

const SKEW_MESSAGE = /Signature expired|Signature not yet current|RequestTimeTooSkewed|request time.*(too|difference)/i;

function toStsCallError(e: unknown, endpoint: string, timeouts: Required<StsApiOptions>): StsCallError {
  if (e instanceof StsCallError) return e;
  const err = (typeof e === 'object' && e !== null ? e : { message: String(e) }) as SdkErrorShape;
  const message = err.message || err.name || 'unknown error';
  if (err.$fault !== undefined && err.name) {
    const code = err.name;
    if (code === 'RequestTimeTooSkewed' || SKEW_MESSAGE.test(message)) {
      return new StsCallError('clock-skew', `STS at ${endpoint} refused the request's time even after correcting for this machine's clock: ${message}`, endpoint, code);
    }
    const kind: StsFailureKind =
      code === 'AccessDenied' && /MultiFactorAuthentication failed/i.test(message)
        ? 'invalid-code'
        : code === 'AccessDenied'
          ? 'access-denied'
          : INVALID_KEY_CODES.has(code)
            ? 'invalid-key'
            : EXPIRED_CODES.has(code)
              ? 'expired-token'
              : THROTTLING_CODES.has(code)
                ? 'throttled'
                : code === 'ValidationError'
                  ? /'tokenCode'/.test(message)
                    ? 'invalid-code'
                    : 'validation'
                  : err.$fault === 'server' || (err.$metadata?.httpStatusCode ?? 0) >= 500
                    ? 'server-error'
                    : 'other';
    // A reply that is not STS's (an HTML page from a proxy, say) has no AWS code worth showing.
    if ((kind === 'other' || kind === 'server-error') && (code === 'Unknown' || code === 'UnknownError' || message === 'Unknown' || /^\d{3}$/.test(code))) {
      return new StsCallError(kind, `unexpected answer from STS at ${endpoint} (HTTP ${err.$metadata?.httpStatusCode ?? '?'}): ${message}`, endpoint);
    }
    return new StsCallError(kind, message, endpoint, code);
  }
  if (/requestTimeout|socket timed out after/.test(message)) {
    return new StsCallError('unreachable', `STS at ${endpoint} did not answer within ${timeouts.requestTimeoutMs / 1000} s (TFW_STS_TIMEOUT sets how long to wait)`, endpoint);
  }
  if (/did not establish a connection/.test(message)) {
    return new StsCallError('unreachable', `cannot reach STS at ${endpoint}: no connection within ${timeouts.connectionTimeoutMs / 1000} s`, endpoint);
  }
  if ((err.code && NETWORK_CODES.has(err.code)) || err.name === 'TimeoutError' || err.name === 'RequestTimeout') {
    // The SDK's timeout message names its own package; what the user needs is the endpoint and the reason.
    const reason = message.replace(/^@smithy\/[\w-]+ - \[ERROR\] /, '');
    return new StsCallError('unreachable', `cannot reach STS at ${endpoint}: ${reason}`, endpoint);
  }
  return new StsCallError('other', `STS call to ${endpoint} failed: ${message}`, endpoint);
}

function toSession(c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string; Expiration?: Date } | undefined, endpoint: string): SessionCredentials {
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !(c.Expiration instanceof Date)) {
    throw new StsCallError('other', `STS at ${endpoint} answered without complete credentials`, endpoint);
  }
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
}

function plainCredentials(c: LongTermKeys | SessionCredentials): CallContext['credentials'] {
  return 'sessionToken' in c && c.sessionToken
    ? { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken }
    : { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
}

export function createStsApi(env: Env, options: StsApiOptions = {}): StsApi {
  const configured = endpointFrom(env);
  const timeouts: Required<StsApiOptions> = { ...stsTimeouts(env), ...options };
  let sdk: Promise<typeof import('@aws-sdk/client-sts')> | undefined;
  // This machine's clock against STS's, as the SDK corrected it on a refused request: each new client starts from it.
  let clockOffsetMs = 0;

  const endpointFor = (region: string): string => configured.url ?? `https://sts.${region}.amazonaws.com`;

  // The connections (keep-alive) every call's client shares: a pool, holding nothing of any call.
  let pool: HttpHandler | undefined;

  /**
   * What one call's client sends through: the shared pool, with this call's
   * TFW_STS_TIMEOUT and size limit. The timeout bounds each HTTP exchange from
   * request to the answer's last byte, not only the time without a byte: a
   * server that answers one byte a second must not hold the run.
   */
  function callHandler(shared: HttpHandler, ctx: CallContext): HttpHandler {
    return {
      metadata: shared.metadata,
      updateHttpClientConfig: (key, value) => shared.updateHttpClientConfig(key, value),
      httpHandlerConfigs: () => shared.httpHandlerConfigs(),
      // The pool outlives the call.
      destroy: () => {},
      async handle(request, given) {
        const controller = new AbortController();
        const timer = setTimeout(() => {
          ctx.timedOut = true;
          controller.abort();
        }, timeouts.requestTimeoutMs);
        timer.unref();
        given?.abortSignal?.addEventListener('abort', () => controller.abort(), { once: true });
        try {
          const out = await shared.handle(request, { ...given, abortSignal: controller.signal });
          // Every answer is read through a size limit (only the body is wrapped).
          out.response.body = limitBody(out.response.body, MAX_BODY_BYTES, controller.signal, () => clearTimeout(timer));
          return out;
        } catch (error) {
          clearTimeout(timer);
          throw error;
        }
      },
    };
  }

  /**
   * A client for one call, holding that call's credentials and retry rule:
   * no call's state is shared with another (the clock correction and the
   * connection pool are the API's own). Its cost is in docs/startup.md.
   */
  async function client(region: string, ctx: CallContext): Promise<{ sdk: typeof import('@aws-sdk/client-sts'); client: STSClient }> {
    const loaded = await (sdk ??= import('@aws-sdk/client-sts'));
    const c = quietly(() => new loaded.STSClient({
      region,
      credentials: ctx.credentials,
      systemClockOffset: clockOffsetMs,
      ...(configured.url ? { endpoint: configured.url } : {}),
      ignoreConfiguredEndpointUrls: true,
      useFipsEndpoint: false,
      useDualstackEndpoint: false,
      useGlobalEndpoint: false,
      defaultsMode: 'standard',
      maxAttempts: MAX_ATTEMPTS,
      retryMode: 'standard',
      retryStrategy: codeAwareRetry(ctx),
      authSchemePreference: ['sigv4'],
      userAgentAppId: 'tfw',
      requestHandler: pool
        ? (callHandler(pool, ctx) as unknown as STSClientConfig['requestHandler'])
        : {
            connectionTimeout: timeouts.connectionTimeoutMs,
            requestTimeout: timeouts.requestTimeoutMs,
            // without it, recent @smithy/node-http-handler only logs a warning and keeps waiting
            throwOnRequestTimeout: true,
          },
    }));
    if (!pool) {
      // The first client made the SDK's own handler: it becomes the pool, and this call goes through it like the others.
      pool = c.config.requestHandler as unknown as HttpHandler;
      (c.config as unknown as { requestHandler: HttpHandler }).requestHandler = callHandler(pool, ctx);
    }
    return { sdk: loaded, client: c };
  }

  async function call<T>(
    region: string,
    ctx: CallContext,
    run: (sdk: typeof import('@aws-sdk/client-sts'), client: STSClient) => Promise<T>,
  ): Promise<T> {
    const endpoint = endpointFor(region);
    if (configured.url) {
      let ok = false;
      try {
        ok = /^https?:$/.test(new URL(configured.url).protocol);
      } catch {
        ok = false;
      }
      if (!ok) throw new StsCallError('other', `${configured.source} is not an http(s) URL: ${configured.url}`, configured.url);
    }
    let made: STSClient | undefined;
    try {
      const { sdk: loaded, client: c } = await client(region, ctx);
      made = c;
      return await run(loaded, c);
    } catch (e) {
      if (ctx.timedOut) {
        throw new StsCallError('unreachable', `STS at ${endpoint} did not answer within ${timeouts.requestTimeoutMs / 1000} s (TFW_STS_TIMEOUT sets how long to wait)`, endpoint);
      }
      throw toStsCallError(e, endpoint, timeouts);
    } finally {
      // Only the clock correction outlives the call (the client is dropped; its connection goes back to the pool).
      if (made) clockOffsetMs = made.config.systemClockOffset;
    }
  }

  return {
    getSessionToken({ keys, serial, code, durationSeconds, region }) {
      return call(region, { credentials: plainCredentials(keys), spendsCode: true }, async (s, c) => {
        const out = await c.send(new s.GetSessionTokenCommand({ DurationSeconds: durationSeconds, SerialNumber: serial, TokenCode: code }));
        return toSession(out.Credentials, endpointFor(region));
      });
    },

    assumeRole({ credentials, roleArn, sessionName, externalId, durationSeconds, region, serial, code }) {
      return call(region, { credentials: plainCredentials(credentials), spendsCode: code !== undefined }, async (s, c) => {
        const out = await c.send(
          new s.AssumeRoleCommand({
            RoleArn: roleArn,
            RoleSessionName: sessionName,
            ...(externalId !== undefined ? { ExternalId: externalId } : {}),
            ...(durationSeconds !== undefined ? { DurationSeconds: durationSeconds } : {}),
            ...(serial !== undefined ? { SerialNumber: serial } : {}),
            ...(code !== undefined ? { TokenCode: code } : {}),
          }),
        );
        return toSession(out.Credentials, endpointFor(region));
      });
    },

    getCallerIdentity({ credentials, region }) {
      return call(region, { credentials: plainCredentials(credentials), spendsCode: false }, async (s, c) => {
        const out = await c.send(new s.GetCallerIdentityCommand({}));
        if (!out.Account || !out.Arn || !out.UserId) {
          throw new StsCallError('other', `STS at ${endpointFor(region)} answered GetCallerIdentity without an identity`, endpointFor(region));
        }
        return { account: out.Account, arn: out.Arn, userId: out.UserId };
      });
    },
  };
}
