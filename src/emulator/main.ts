/**
 * `npm run emulator`: the emulator alone, as a stand-in for Zoho's API and accounts servers.
 * Prints its URL and the demo OAuth credentials to use through the ZOHO_* variables.
 */
import { DEMO_CREDENTIALS, startEmulator } from './index.ts';

// EMULATOR_HOST: 0.0.0.0 in a container, where the gateway replicas reach it by service name. The
// admin API has no authentication: keep such an emulator on a private network.
const host = process.env.EMULATOR_HOST?.trim() || undefined;
const emu = await startEmulator({ logger: process.env.EMULATOR_LOG === '1', ...(host ? { host } : {}) });
const lines = [
  `Zoho CRM v8 emulator listening on ${emu.url}  (database: ${emu.store.path})`,
  '',
  'Use it like Zoho:',
  `  ZOHO_API_BASE_URL=${emu.url}`,
  `  ZOHO_ACCOUNTS_URL=${emu.url}`,
  `  ZOHO_CLIENT_ID=${DEMO_CREDENTIALS.clientId}`,
  `  ZOHO_CLIENT_SECRET=${DEMO_CREDENTIALS.clientSecret}`,
  `  ZOHO_REFRESH_TOKEN=${DEMO_CREDENTIALS.refreshToken}`,
  '',
  `Demo user ${DEMO_CREDENTIALS.userName} (${DEMO_CREDENTIALS.userId}), org ${DEMO_CREDENTIALS.orgId}.`,
  `A ready token: curl -X POST ${emu.url}/__emulator/tokens`,
  `Admin API: ${emu.url}/__emulator/stats, /__emulator/config, /__emulator/reset`,
];
process.stdout.write(lines.join('\n') + '\n');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void emu.close().then(() => process.exit(0));
  });
}
