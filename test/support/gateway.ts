/**
 * Test helper: the whole stack over real HTTP — an emulator with the demo org (in-memory SQLite),
 * a Zoho client in service mode with the demo credentials (the same refresh-token flow as at
 * Zoho), and the gateway on an ephemeral port.
 *
 *   const stack = await startStack();
 *   afterAll(() => stack.close());
 *   const { data, errors } = await stack.gql(`{ contact(id: "…") { fullName } }`);
 *   stack.calls('POST /crm/v8/Contacts/{id}/Emails/actions/link_record')
 */
import { DEMO_CREDENTIALS, type EmulatorConfig } from '../../src/emulator/index.ts';
import {
  createZohoClient,
  type ZohoClient,
  type ZohoClientOptions,
  type ZohoConfigInput,
} from '../../src/zoho/index.ts';
import { startGateway, type StartedGateway, type GatewayOptions } from '../../src/graphql/server.ts';
import { startTestEmulator, type TestEmulator } from './emulator.ts';

export interface GqlResult<T = any> {
  status: number;
  data: T;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  extensions?: { zohoCalls?: { estimated: number | null; actual: number; limit: number } } & Record<string, unknown>;
}

export interface Stack {
  emulator: TestEmulator;
  zoho: ZohoClient;
  gateway: StartedGateway;
  gql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GqlResult<T>>;
  /** How many times the emulator received `"METHOD /crm/v8/templated/path"` since the last reset. */
  calls(route: string): number;
  /** Every /crm call since the last reset, by route. */
  allCalls(): Record<string, number>;
  resetStats(): void;
  setConfig(config: Partial<EmulatorConfig>): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(
  opts: {
    emulator?: Partial<EmulatorConfig>;
    zoho?: ZohoConfigInput;
    /** Client options, such as hooks that watch each Zoho call as it completes. */
    client?: ZohoClientOptions;
    gateway?: Partial<GatewayOptions>;
  } = {},
): Promise<Stack> {
  const emulator = await startTestEmulator(opts.emulator ? { config: opts.emulator } : {});
  const zoho = createZohoClient(
    {
      authMode: 'service',
      apiBaseUrl: emulator.url,
      accountsUrl: emulator.url,
      clientId: DEMO_CREDENTIALS.clientId,
      clientSecret: DEMO_CREDENTIALS.clientSecret,
      refreshToken: DEMO_CREDENTIALS.refreshToken,
      retry: { initialDelayMs: 5, maxDelayMs: 50, maxTotalMs: 2_000 },
      ...opts.zoho,
    },
    opts.client,
  );
  const gateway = await startGateway({ zoho, ...opts.gateway, port: 0, host: '127.0.0.1' });

  const gql = async <T>(query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const res = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const json = (await res.json()) as GqlResult<T>;
    return { ...json, status: res.status };
  };
  const allCalls = () => ({ ...(emulator.stats.snapshot().requests as Record<string, number>) });
  return {
    emulator,
    zoho,
    gateway,
    gql,
    calls: (route) => allCalls()[route] ?? 0,
    allCalls,
    resetStats: () => emulator.stats.reset(),
    setConfig: async (config) => {
      const res = await emulator.admin('PUT', '/__emulator/config', config);
      if (res.status !== 200) throw new Error(`config refused: ${res.status} ${res.text}`);
    },
    close: async () => {
      await gateway.close();
      zoho.close();
      await emulator.close();
    },
  };
}
