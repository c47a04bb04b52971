/**
 * `npm run emulator`: the emulator alone, as a stand-in for Zoho's API and accounts servers.
 * Prints its URL and the demo OAuth credentials to use through the ZOHO_* variables.
 */
import { EmulatorSettingsError, loadEmulatorSettings, type EmulatorSettings } from './config.ts';
import { DEMO_CREDENTIALS, startEmulator } from './index.ts';

let settings: EmulatorSettings;
try {
  settings = loadEmulatorSettings();
} catch (e) {
  if (!(e instanceof EmulatorSettingsError)) throw e;
  process.stderr.write(`The emulator did not start: ${e.message}.\n`);
  process.exit(1);
}
const emu = await startEmulator(settings);
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
