/**
 * `npm start`: the gateway. With no Zoho settings it first starts the embedded emulator with its
 * demo org, and talks to it exactly as to Zoho: the demo client id, secret and refresh token,
 * through the same refresh-token flow, so token expiry and refresh behave as in production.
 */
import { loadZohoConfig, createZohoClient, describeConfig } from './zoho/index.ts';
import { startGateway } from './graphql/server.ts';

const ZOHO_SETTINGS = [
  'ZOHO_API_BASE_URL',
  'ZOHO_CLIENT_ID',
  'ZOHO_CLIENT_SECRET',
  'ZOHO_REFRESH_TOKEN',
  'ZOHO_ACCESS_TOKEN',
  'ZOHO_AUTH_MODE',
] as const;

function portFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`${name} must be a port number (0-65535); got "${raw}".`);
    process.exit(1);
  }
  return n;
}

async function main(): Promise<void> {
  const embedded = ZOHO_SETTINGS.every((k) => !process.env[k]);
  let emulator: { url: string; close(): Promise<void> } | null = null;
  let zohoConfig;
  if (embedded) {
    // Imported only here: a gateway talking to real Zoho never loads the emulator.
    const { startEmulator, DEMO_CREDENTIALS } = await import('./emulator/index.ts');
    emulator = await startEmulator({ port: portFrom('EMULATOR_PORT', 4010) });
    zohoConfig = loadZohoConfig(process.env, {
      authMode: 'service',
      apiBaseUrl: emulator.url,
      accountsUrl: emulator.url,
      clientId: DEMO_CREDENTIALS.clientId,
      clientSecret: DEMO_CREDENTIALS.clientSecret,
      refreshToken: DEMO_CREDENTIALS.refreshToken,
    });
  } else {
    zohoConfig = loadZohoConfig(process.env);
  }

  const zoho = createZohoClient(zohoConfig);
  const gateway = await startGateway({
    zoho,
    port: portFrom('PORT', 4000),
    host: process.env.HOST || '127.0.0.1',
  });

  const lines = [
    `GraphQL gateway:  ${gateway.url}  (open it in a browser for Apollo Sandbox)`,
    emulator
      ? `Zoho emulator:    ${emulator.url}  (embedded, demo org; admin API under ${emulator.url}/__emulator)`
      : `Zoho:             ${JSON.stringify(describeConfig(zohoConfig))}`,
    '',
    'Try this operation in Sandbox:',
    '  query { contact(id: "5843104000005878180") { fullName emails(first: 5) { nodes { subject sentAt linkedDeal { name stage } } } } }',
  ];
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    await gateway.close();
    zoho.close();
    await emulator?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error(`The gateway could not start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
