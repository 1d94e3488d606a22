// A stand-in for AWS STS on loopback, for tests, benchmarks, the demo and
// end-to-end runs with real terraform (point AWS_ENDPOINT_URL_STS at `url`).
//
// It speaks the AWS Query protocol the way real STS does: a form-encoded POST
// (or a GET with a query string) carrying `Action=…&Version=2011-06-15`, XML
// answers in the shape of real STS, `<ErrorResponse>` with the HTTP status of
// real STS for errors. The caller is named by the SigV4 credential scope
// (`Credential=AKID/date/region/sts/aws4_request`) and `X-Amz-Security-Token`;
// signatures are not verified.
//
// What it models is what matters for MFA: one-time codes that cannot be used
// twice, sessions that carry "MFA present" through role chaining, roles that
// only MFA-authenticated callers may assume, credentials that expire.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createHash, randomBytes, randomUUID } from 'node:crypto';

export interface StandInUser {
  userName: string;
  account: string;
  accessKeyId: string;
  secretAccessKey: string;
  mfaSerial?: string;
}

export interface StandInRole {
  arn: string;
  requireMfa?: boolean;
  /** Seconds the issued role credentials live; default DurationSeconds or 3600. */
  credentialSeconds?: number;
  /** The role's MaxSessionDuration (seconds); default 3600 as in IAM. DurationSeconds above it → ValidationError. */
  maxSessionSeconds?: number;
}

/** An error the stand-in answers instead of handling the call (throttling, outages). */
export interface StandInFault {
  status: number;
  code: string;
  message: string;
  /** `Sender` (default for 4xx) or `Receiver` (default for 5xx). */
  type?: 'Sender' | 'Receiver';
}

export interface StandInRequest {
  action: string;
  /** The caller's access key id ('' when the request was unsigned). Never a secret or token. */
  accessKeyId: string;
  /** The request's parameters without Action, Version and any X-Amz-* signing parameter. */
  params: Record<string, string>;
}

export interface StandInOptions {
  users: StandInUser[];
  roles: StandInRole[];
  /** Which codes are valid; default: any 6 digits. Called only for well-formed codes on the caller's own device. */
  acceptCode?: (serial: string, code: string) => boolean;
  /** Delay before every response, in ms (benchmarks). */
  latencyMs?: number;
  /** Clock (ms since epoch) for issuing and expiring credentials; default Date.now. */
  now?: () => number;
  /** Consulted for every counted call before it is handled: a fault to answer instead, or undefined. */
  fault?: (request: StandInRequest) => StandInFault | undefined;
  /**
   * Refuse a request whose signing time (X-Amz-Date) is further than this
   * from the stand-in's clock, as STS does (15 min), with SignatureDoesNotMatch
   * and its clock in the Date header. Default: no check.
   */
  maxSkewMs?: number;
}

// ListMFADevices is IAM's, not STS's: one stand-in serves both (point AWS_ENDPOINT_URL_IAM at it too).
export type StandInAction = 'GetSessionToken' | 'AssumeRole' | 'GetCallerIdentity' | 'ListMFADevices';

export interface StsStandIn {
  url: string;
  calls: Record<StandInAction, number>;
  requests: StandInRequest[];
  stop(): Promise<void>;
}

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';
const ACTIONS: readonly StandInAction[] = ['GetSessionToken', 'AssumeRole', 'GetCallerIdentity', 'ListMFADevices'];
const MFA_INVALID_CODE = 'MultiFactorAuthentication failed with invalid MFA one time pass code. ';
const MFA_UNKNOWN_DEVICE =
  'MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user.';

/** Temporary credentials the stand-in has issued. */
interface Issued {
  secretAccessKey: string;
  sessionToken: string;
  /** ms since epoch, whole seconds (as STS reports it). */
  expiration: number;
  user: StandInUser;
  mfaAuthenticated: boolean;
  /** Set for role credentials. */
  role?: { arn: string; account: string; name: string; sessionName: string };
}

type Caller =
  | { kind: 'user'; accessKeyId: string; user: StandInUser }
  | { kind: 'temporary'; accessKeyId: string; issued: Issued };

/** An answer that ends the call with an STS error. */
class StsFault extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender') {
    super(message);
  }
}

const accessDenied = (message: string): StsFault => new StsFault(403, 'AccessDenied', message);
const validation = (message: string): StsFault => new StsFault(400, 'ValidationError', message);

const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const amzDate = (ms: number): string => isoSeconds(ms).replace(/[-:]/g, '');
const parseAmzDate = (s: string): number => Date.parse(s.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
function randomId(prefix: string, length = 20): string {
  const bytes = randomBytes(length - prefix.length);
  let out = prefix;
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}

/** A stable principal id (AIDA… for users, AROA… for roles), as IAM shows them. */
function principalId(prefix: 'AIDA' | 'AROA', arn: string): string {
  const digest = createHash('sha256').update(arn).digest();
  let out = prefix;
  for (let i = 0; i < 17; i++) out += ALNUM[digest[i]! % ALNUM.length];
  return out;
}

const userArn = (u: StandInUser): string => `arn:aws:iam::${u.account}:user/${u.userName}`;

function parseRoleArn(arn: string): { account: string; name: string } | undefined {
  const m = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[^/]+\/)*([\w+=,.@-]+)$/.exec(arn);
  return m ? { account: m[1]!, name: m[2]! } : undefined;
}

function callerArn(c: Caller): string {
  if (c.kind === 'user') return userArn(c.user);
  const { issued } = c;
  return issued.role
    ? `arn:aws:sts::${issued.role.account}:assumed-role/${issued.role.name}/${issued.role.sessionName}`
    : userArn(issued.user);
}

function parseIntParam(params: Record<string, string>, name: string, field: string, min: number, max: number): number | undefined {
  const raw = params[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(n)) {
    throw validation(`1 validation error detected: Value '${raw}' at '${field}' failed to satisfy constraint: Member must be an integer`);
  }
  if (n < min) throw validation(`1 validation error detected: Value '${n}' at '${field}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`);
  if (n > max) throw validation(`1 validation error detected: Value '${n}' at '${field}' failed to satisfy constraint: Member must have value less than or equal to ${max}`);
  return n;
}

function requireParam(params: Record<string, string>, name: string, field: string): string {
  const v = params[name];
  if (v === undefined || v === '') {
    throw validation(`1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`);
  }
  return v;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export async function startStsStandIn(opts: StandInOptions): Promise<StsStandIn> {
  const now = opts.now ?? Date.now;
  const acceptCode = opts.acceptCode ?? (() => true);
  const usersByKey = new Map(opts.users.map((u) => [u.accessKeyId, u]));
  const roles = new Map(opts.roles.map((r) => [r.arn, r]));
  const issued = new Map<string, Issued>();
  const usedCodes = new Map<string, Set<string>>();
  const calls: Record<StandInAction, number> = { GetSessionToken: 0, AssumeRole: 0, GetCallerIdentity: 0, ListMFADevices: 0 };
  const requests: StandInRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  function identify(accessKeyId: string, securityToken: string | undefined): Caller {
    if (accessKeyId === '') throw new StsFault(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    const user = usersByKey.get(accessKeyId);
    if (user && securityToken === undefined) return { kind: 'user', accessKeyId, user };
    const temp = issued.get(accessKeyId);
    if (!temp || securityToken !== temp.sessionToken) {
      throw new StsFault(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    }
    if (now() >= temp.expiration) throw new StsFault(403, 'ExpiredToken', 'The security token included in the request is expired');
    return { kind: 'temporary', accessKeyId, issued: temp };
  }

  /** Checks and spends a one-time code of `user`'s device. */
  function spendCode(user: StandInUser, params: Record<string, string>): void {
    const serial = params.SerialNumber;
    const code = params.TokenCode;
    if (serial === undefined && code === undefined) return;
    if (code === undefined) throw accessDenied(MFA_UNKNOWN_DEVICE);
    if (code.length !== 6) {
      throw validation(`1 validation error detected: Value at 'tokenCode' failed to satisfy constraint: Member must have length ${code.length < 6 ? 'greater' : 'less'} than or equal to 6`);
    }
    if (!/^\d+$/.test(code)) {
      throw validation(`1 validation error detected: Value at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*`);
    }
    if (serial === undefined || user.mfaSerial === undefined || serial !== user.mfaSerial) throw accessDenied(MFA_UNKNOWN_DEVICE);
    const used = usedCodes.get(serial) ?? new Set<string>();
    if (used.has(code) || !acceptCode(serial, code)) throw accessDenied(MFA_INVALID_CODE);
    used.add(code);
    usedCodes.set(serial, used);
  }

  function issue(seconds: number, fields: Omit<Issued, 'secretAccessKey' | 'sessionToken' | 'expiration'>): { accessKeyId: string; creds: Issued } {
    const accessKeyId = randomId('ASIA');
    const creds: Issued = {
      ...fields,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(300).toString('base64')}`,
      expiration: Math.floor((now() + seconds * 1000) / 1000) * 1000,
    };
    issued.set(accessKeyId, creds);
    return { accessKeyId, creds };
  }

  const credentialsXml = (accessKeyId: string, c: Issued): string =>
    `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${xmlEscape(c.secretAccessKey)}</SecretAccessKey>` +
    `<SessionToken>${xmlEscape(c.sessionToken)}</SessionToken><Expiration>${isoSeconds(c.expiration)}</Expiration></Credentials>`;

  function getSessionToken(caller: Caller, params: Record<string, string>): string {
    if (caller.kind !== 'user') throw accessDenied('Cannot call GetSessionToken with session credentials');
    const seconds = parseIntParam(params, 'DurationSeconds', 'durationSeconds', 900, 129600) ?? 43200;
    const mfa = params.SerialNumber !== undefined || params.TokenCode !== undefined;
    spendCode(caller.user, params);
    const { accessKeyId, creds } = issue(seconds, { user: caller.user, mfaAuthenticated: mfa });
    return `<GetSessionTokenResult>${credentialsXml(accessKeyId, creds)}</GetSessionTokenResult>`;
  }

  function assumeRole(caller: Caller, params: Record<string, string>): string {
    const roleArn = requireParam(params, 'RoleArn', 'roleArn');
    const sessionName = requireParam(params, 'RoleSessionName', 'roleSessionName');
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) {
      throw validation(`1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
    }
    const duration = parseIntParam(params, 'DurationSeconds', 'durationSeconds', 900, 43200);
    const user = caller.kind === 'user' ? caller.user : caller.issued.user;
    const chained = caller.kind === 'temporary' && caller.issued.role !== undefined;
    // A code on the request is checked (and spent) whether or not the role asks for MFA, as STS does.
    const codeGiven = params.SerialNumber !== undefined || params.TokenCode !== undefined;
    if (codeGiven && chained) throw accessDenied(MFA_UNKNOWN_DEVICE);
    spendCode(user, params);
    const mfa = codeGiven || (caller.kind === 'temporary' && caller.issued.mfaAuthenticated);
    const role = roles.get(roleArn);
    const parsed = parseRoleArn(roleArn);
    if (!role || !parsed || (role.requireMfa && !mfa)) {
      throw accessDenied(`User: ${callerArn(caller)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    }
    if (duration !== undefined && chained && duration > 3600) {
      throw validation('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    }
    if (duration !== undefined && duration > (role.maxSessionSeconds ?? 3600)) {
      throw validation('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }
    const seconds = role.credentialSeconds ?? duration ?? 3600;
    const { accessKeyId, creds } = issue(seconds, {
      user,
      mfaAuthenticated: mfa,
      role: { arn: roleArn, account: parsed.account, name: parsed.name, sessionName },
    });
    const assumedArn = `arn:aws:sts::${parsed.account}:assumed-role/${parsed.name}/${sessionName}`;
    return (
      `<AssumeRoleResult><AssumedRoleUser><AssumedRoleId>${principalId('AROA', roleArn)}:${xmlEscape(sessionName)}</AssumedRoleId>` +
      `<Arn>${xmlEscape(assumedArn)}</Arn></AssumedRoleUser>${credentialsXml(accessKeyId, creds)}</AssumeRoleResult>`
    );
  }

  function getCallerIdentity(caller: Caller): string {
    const role = caller.kind === 'temporary' ? caller.issued.role : undefined;
    const user = caller.kind === 'user' ? caller.user : caller.issued.user;
    const account = role ? role.account : user.account;
    const userId = role ? `${principalId('AROA', role.arn)}:${role.sessionName}` : principalId('AIDA', userArn(user));
    return (
      `<GetCallerIdentityResult><Arn>${xmlEscape(callerArn(caller))}</Arn><UserId>${xmlEscape(userId)}</UserId>` +
      `<Account>${account}</Account></GetCallerIdentityResult>`
    );
  }

  /** The caller's own devices (IAM users only; real IAM refuses session keys without MFA and roles have none). */
  function listMfaDevices(caller: Caller): string {
    if (caller.kind !== 'user') throw new StsFault(403, 'AccessDenied', 'User is not authorized to perform: iam:ListMFADevices');
    const u = caller.user;
    const members = u.mfaSerial
      ? `<member><UserName>${xmlEscape(u.userName)}</UserName><SerialNumber>${xmlEscape(u.mfaSerial)}</SerialNumber><EnableDate>2026-01-01T00:00:00Z</EnableDate></member>`
      : '';
    return `<ListMFADevicesResult><MFADevices>${members}</MFADevices><IsTruncated>false</IsTruncated></ListMFADevicesResult>`;
  }

  async function handle(req: IncomingMessage): Promise<{ status: number; body: string; requestId: string }> {
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const all: Record<string, string> = Object.fromEntries(url.searchParams);
    if (req.method === 'POST') Object.assign(all, Object.fromEntries(new URLSearchParams(await readBody(req))));
    else if (req.method !== 'GET') {
      return errorAnswer(new StsFault(405, 'MethodNotAllowed', `The requested method ${req.method ?? ''} is not allowed`), requestId);
    }

    const credential = /Credential=([^/,\s]+)\//.exec(header(req, 'authorization') ?? '')?.[1] ?? all['X-Amz-Credential']?.split('/')[0] ?? '';
    const securityToken = header(req, 'x-amz-security-token') ?? all['X-Amz-Security-Token'];
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(all)) if (k !== 'Action' && k !== 'Version' && !k.startsWith('X-Amz-')) params[k] = v;

    const action = all.Action ?? '';
    try {
      if (!(ACTIONS as readonly string[]).includes(action)) {
        throw new StsFault(400, 'InvalidAction', `Could not find operation ${action} for version ${all.Version ?? 'NO_VERSION_SPECIFIED'}`);
      }
      const known = action as StandInAction;
      calls[known]++;
      const request: StandInRequest = { action: known, accessKeyId: credential, params };
      requests.push(request);
      const injected = opts.fault?.(request);
      if (injected) throw new StsFault(injected.status, injected.code, injected.message, injected.type);
      if (opts.maxSkewMs !== undefined) {
        const signed = header(req, 'x-amz-date') ?? all['X-Amz-Date'] ?? '';
        const at = parseAmzDate(signed);
        const clock = now();
        if (!Number.isNaN(at) && at < clock - opts.maxSkewMs) {
          throw new StsFault(403, 'SignatureDoesNotMatch', `Signature expired: ${signed} is now earlier than ${amzDate(clock - opts.maxSkewMs)} (${amzDate(clock)} - 15 min.)`);
        }
        if (!Number.isNaN(at) && at > clock + opts.maxSkewMs) {
          throw new StsFault(403, 'SignatureDoesNotMatch', `Signature not yet current: ${signed} is still later than ${amzDate(clock + opts.maxSkewMs)} (${amzDate(clock)} + 15 min.)`);
        }
      }
      const caller = identify(credential, securityToken);
      const result =
        known === 'GetSessionToken'
          ? getSessionToken(caller, params)
          : known === 'AssumeRole'
            ? assumeRole(caller, params)
            : known === 'ListMFADevices'
              ? listMfaDevices(caller)
              : getCallerIdentity(caller);
      const body =
        `<?xml version="1.0" encoding="UTF-8"?>\n<${known}Response xmlns="${known === 'ListMFADevices' ? IAM_NS : NS}">${result}` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${known}Response>\n`;
      return { status: 200, body, requestId };
    } catch (e) {
      if (e instanceof StsFault) return errorAnswer(e, requestId);
      return errorAnswer(new StsFault(500, 'InternalFailure', 'An internal error has occurred'), requestId);
    }
  }

  function errorAnswer(f: StsFault, requestId: string): { status: number; body: string; requestId: string } {
    const body =
      `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${NS}"><Error><Type>${f.type}</Type><Code>${xmlEscape(f.code)}</Code>` +
      `<Message>${xmlEscape(f.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>\n`;
    return { status: f.status, body, requestId };
  }

  function respond(res: ServerResponse, answer: { status: number; body: string; requestId: string }): void {
    if (res.destroyed) return;
    res.writeHead(answer.status, {
      'Content-Type': 'text/xml',
      'Content-Length': Buffer.byteLength(answer.body),
      'x-amzn-RequestId': answer.requestId,
      // The stand-in's own clock, as STS's: the SDKs correct their skew from it.
      Date: new Date(now()).toUTCString(),
    });
    res.end(answer.body);
  }

  const server = createServer((req, res) => {
    handle(req).then(
      (answer) => {
        const latency = opts.latencyMs ?? 0;
        if (latency <= 0) return respond(res, answer);
        const timer = setTimeout(() => {
          timers.delete(timer);
          respond(res, answer);
        }, latency);
        timers.add(timer);
      },
      () => res.destroy(),
    );
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  let stopped: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    requests,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      });
      return stopped;
    },
  };
}
