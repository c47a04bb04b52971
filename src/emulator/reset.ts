/**
 * `npm run emulator:reset`: reseeds the demo org. Through the admin API when an emulator is
 * listening on EMULATOR_PORT (so that a running emulator's state and database agree), otherwise
 * directly in the database file (EMULATOR_DB or the default).
 */
import { loadEmulatorSettings, type EmulatorSettings } from './config.ts';
import { seedAll } from './seed/index.ts';
import { Store } from './store/index.ts';

/** `port` 0: no emulator is asked, the file is reseeded. */
export async function resetEmulator({
  port,
  db,
}: Pick<EmulatorSettings, 'port' | 'db'>): Promise<'admin-api' | 'database'> {
  if (port > 0) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/__emulator/reset`, {
        method: 'POST',
        signal: AbortSignal.timeout(3000),
      });
      if (res.ok) return 'admin-api';
    } catch {
      // Nothing listening there: reseed the file instead.
    }
  }
  if (db === ':memory:') throw new Error('EMULATOR_DB is :memory: and no emulator is listening: nothing to reset');
  const store = new Store(db);
  try {
    seedAll(store);
  } finally {
    store.close();
  }
  return 'database';
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  Promise.resolve()
    .then(() => resetEmulator(loadEmulatorSettings()))
    .then((how) =>
      process.stdout.write(
        how === 'admin-api' ? 'Reseeded the running emulator.\n' : 'Reseeded the emulator database.\n',
      ),
    )
    .catch((err: unknown) => {
      process.stderr.write(`emulator:reset failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
