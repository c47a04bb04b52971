/**
 * The emulator's own variables (EMULATOR_PORT, EMULATOR_DB, EMULATOR_HOST, EMULATOR_LOG), read
 * once by src/emulator/config.ts for `npm run emulator` and `npm run emulator:reset`; a bad value
 * stops either at start, naming the variable.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EmulatorSettingsError, loadEmulatorSettings } from '../../src/emulator/config.ts';
import { Store } from '../../src/emulator/store/index.ts';
import { spawnGateway, type GatewayProcess } from '../ops/support.ts';

const running: GatewayProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'emulator-settings-'));
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('loadEmulatorSettings', () => {
  it('with nothing set: 127.0.0.1:4010, the database file in data/, no request log', () => {
    expect(loadEmulatorSettings({})).toEqual({
      port: 4010,
      host: '127.0.0.1',
      db: 'data/emulator.sqlite',
      logger: false,
    });
  });

  it('reads each variable it is given; blank ones count as unset', () => {
    expect(
      loadEmulatorSettings({
        EMULATOR_PORT: '4011',
        EMULATOR_HOST: ' 0.0.0.0 ',
        EMULATOR_DB: ':memory:',
        EMULATOR_LOG: '1',
      }),
    ).toEqual({ port: 4011, host: '0.0.0.0', db: ':memory:', logger: true });
    expect(loadEmulatorSettings({ EMULATOR_PORT: '0' }).port).toBe(0);
    expect(loadEmulatorSettings({ EMULATOR_PORT: '', EMULATOR_HOST: '  ', EMULATOR_DB: '' })).toMatchObject({
      port: 4010,
      host: '127.0.0.1',
      db: 'data/emulator.sqlite',
    });
  });

  it.each(['eighty', '70000', '-1', '40.5'])('refuses EMULATOR_PORT=%j, naming it', (value) => {
    expect(() => loadEmulatorSettings({ EMULATOR_PORT: value })).toThrow(EmulatorSettingsError);
    expect(() => loadEmulatorSettings({ EMULATOR_PORT: value })).toThrow(
      `EMULATOR_PORT must be a port number, got "${value}"`,
    );
  });
});

describe('the commands read them', () => {
  it('`npm run emulator` with a bad EMULATOR_PORT: exit 1, one line naming it, no stack trace', async () => {
    const p = spawnGateway({ EMULATOR_PORT: 'eighty', EMULATOR_DB: ':memory:' }, 'node', {
      script: 'src/emulator/main.ts',
    });
    running.push(p);
    expect((await p.exited).code).toBe(1);
    expect(p.output().trim()).toBe('The emulator did not start: EMULATOR_PORT must be a port number, got "eighty".');
  }, 60_000);

  it('`npm run emulator:reset` reseeds the EMULATOR_DB file when nothing listens on EMULATOR_PORT', async () => {
    const db = join(dir, 'reset.sqlite');
    const p = spawnGateway({ EMULATOR_PORT: '0', EMULATOR_DB: db }, 'node', { script: 'src/emulator/reset.ts' });
    running.push(p);
    expect((await p.exited).code).toBe(0);
    expect(p.output()).toContain('Reseeded the emulator database.');
    const store = new Store(db);
    try {
      expect(store.isEmpty()).toBe(false);
    } finally {
      store.close();
    }
  }, 60_000);
});
