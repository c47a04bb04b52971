/**
 * The gateway under test, as a real child process pointed at the emulator through the ZOHO_*
 * variables with the demo credentials, exactly as an operator would point it at Zoho. Its
 * stdout and stderr are kept (and written to a file) so that the logs can be searched for
 * secrets and stack traces.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, statSync, readdirSync, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEMO_CREDENTIALS } from '../../src/emulator/index.ts';

export const ROOT = resolve(import.meta.dirname, '../..');

export type Launch = 'tsx' | 'dist';

export interface GatewayChild {
  url: string;
  /** The command line, for the report. */
  command: string;
  /** The variables set (secrets masked), for the report. */
  env: Record<string, string>;
  output(): string;
  /** Whether the process ended before stop() was called. */
  exitedEarly(): string | null;
  stop(): Promise<void>;
}

/** The newest modification time under `dir` (recursive), in ms. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * `dist` only when asked for and when dist/main.js is newer than every file of src/: a stale
 * build would prove old code. Otherwise the source itself, through tsx.
 */
export function chooseLaunch(wanted: 'auto' | Launch): { launch: Launch; why: string } {
  const dist = join(ROOT, 'dist/main.js');
  const fresh = existsSync(dist) && statSync(dist).mtimeMs >= newestMtime(join(ROOT, 'src'));
  if (wanted === 'dist') {
    if (!fresh) throw new Error('--gateway dist: dist/main.js is missing or older than src/; run `npm run build`');
    return { launch: 'dist', why: 'asked for; dist/main.js is newer than src/' };
  }
  if (wanted === 'auto' && fresh) return { launch: 'dist', why: 'dist/main.js is newer than every file of src/' };
  return { launch: 'tsx', why: 'the source as checked out (no build to go stale)' };
}

export async function startGatewayChild(opts: {
  emulatorUrl: string;
  launch: Launch;
  zohoTimeoutMs: number;
  extraEnv: Record<string, string>;
  logFile: string;
}): Promise<GatewayChild> {
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    GATEWAY_INTROSPECTION: 'true',
    ZOHO_AUTH_MODE: 'service',
    ZOHO_API_BASE_URL: opts.emulatorUrl,
    ZOHO_ACCOUNTS_URL: opts.emulatorUrl,
    ZOHO_CLIENT_ID: DEMO_CREDENTIALS.clientId,
    ZOHO_CLIENT_SECRET: DEMO_CREDENTIALS.clientSecret,
    ZOHO_REFRESH_TOKEN: DEMO_CREDENTIALS.refreshToken,
    ZOHO_TIMEOUT_MS: String(opts.zohoTimeoutMs),
    // Each run's gateway keeps its journal to itself: another run's unfinished moves belong to another emulator.
    GATEWAY_STATE_DB: ':memory:',
    ...opts.extraEnv,
  };
  const args = opts.launch === 'dist' ? ['dist/main.js'] : ['--import', 'tsx', 'src/main.ts'];
  // One process (node itself, not npx), in its own process group, so that stop() ends exactly it.
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const log: WriteStream = createWriteStream(opts.logFile);
  let out = '';
  let stopping = false;
  let early: string | null = null;
  const onData = (d: Buffer) => {
    out += d.toString();
    log.write(d);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((res) =>
    child.on('close', (code, signal) => {
      if (!stopping) early = `exited with ${code ?? signal}`;
      res();
    }),
  );

  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`the gateway did not start in 60 s; output:\n${out}`)), 60_000);
    const check = () => {
      const m = /GraphQL gateway:\s+(http:\/\/\S+\/graphql)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(m[1]!);
      } else if (early) {
        clearTimeout(timer);
        rej(new Error(`the gateway ${early} before it listened; output:\n${out}`));
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.on('close', check);
  });

  const masked = Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, /SECRET|TOKEN/.test(k) ? '(demo credential)' : v]),
  );
  return {
    url,
    command: `node ${args.join(' ')}`,
    env: masked,
    output: () => out,
    exitedEarly: () => early,
    async stop() {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid!, 'SIGTERM');
        } catch {
          child.kill('SIGTERM');
        }
        const killer = setTimeout(() => {
          try {
            process.kill(-child.pid!, 'SIGKILL');
          } catch {
            child.kill('SIGKILL');
          }
        }, 5_000);
        await exited;
        clearTimeout(killer);
      }
      await new Promise<void>((res) => log.end(res));
    },
  };
}

// ---------------------------------------------------------------------------------------------

export interface GraphQLAnswer {
  /** HTTP status; 0 when no answer came. */
  status: number;
  text: string;
  json: { data?: any; errors?: Array<{ message?: string; extensions?: { code?: string } }> } | null;
  ms: number;
  /** Why no answer came (timeout, reset), when none did. */
  failure: string | null;
}

export async function postGraphQL(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  timeoutMs: number,
): Promise<GraphQLAnswer> {
  const started = Date.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let json: GraphQLAnswer['json'] = null;
    try {
      json = JSON.parse(text) as GraphQLAnswer['json'];
    } catch {
      json = null;
    }
    return { status: res.status, text, json, ms: Date.now() - started, failure: null };
  } catch (e) {
    const failure = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return { status: 0, text: '', json: null, ms: Date.now() - started, failure };
  }
}

/** What the schema offers (UNKNOWN and unknownCount are being added while this harness exists). */
export interface SchemaFeatures {
  unknownStatus: boolean;
  /** Whether each payload has `unknownCount`. */
  unknownCount: { link: boolean; move: boolean };
}

export async function schemaFeatures(url: string): Promise<SchemaFeatures> {
  const q = `{
    status: __type(name: "ItemStatus") { enumValues { name } }
    payload: __type(name: "EmailLinkPayload") { fields { name } }
    move: __type(name: "MoveEmailsToDealPayload") { fields { name } }
  }`;
  const res = await postGraphQL(url, q, {}, 10_000);
  type Fields = { fields?: Array<{ name: string }> } | null;
  const data = res.json?.data as
    { status?: { enumValues?: Array<{ name: string }> }; payload?: Fields; move?: Fields } | undefined;
  if (!data?.status?.enumValues || !data.payload?.fields || !data.move?.fields) {
    throw new Error(`could not read the gateway's schema (introspection): ${res.text.slice(0, 300)}`);
  }
  const has = (t: Fields) => (t?.fields ?? []).some((f) => f.name === 'unknownCount');
  return {
    unknownStatus: data.status.enumValues.some((v) => v.name === 'UNKNOWN'),
    unknownCount: { link: has(data.payload), move: has(data.move) },
  };
}

export function mutations(f: SchemaFeatures): Record<'link' | 'unlink' | 'move', string> {
  const counts = (unknown: boolean) => `totalCount succeededCount failedCount${unknown ? ' unknownCount' : ''}`;
  const item = 'contactId messageId status error { code message vendorCode } email { id linkedDeal { id } }';
  return {
    link: `mutation Link($input: LinkEmailsToDealInput!) { linkEmailsToDeal(input: $input) { ${counts(f.unknownCount.link)} results { ${item} } } }`,
    unlink: `mutation Unlink($input: UnlinkEmailsFromDealInput!) { unlinkEmailsFromDeal(input: $input) { ${counts(f.unknownCount.link)} results { ${item} } } }`,
    move: `mutation Move($input: MoveEmailsToDealInput!) { moveEmailsToDeal(input: $input) { ${counts(f.unknownCount.move)} results { ${item} previousDealId restoreAttempted restored } } }`,
  };
}
