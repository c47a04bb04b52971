/** Storage: links survive a restart on a database file; `npm run emulator:reset` reseeds it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ARTICLE } from '../../src/emulator/index.ts';
import { resetEmulator } from '../../src/emulator/reset.ts';
import { startTestEmulator } from '../support/emulator.ts';

const dir = mkdtempSync(join(tmpdir(), 'zoho-emulator-'));
const db = join(dir, 'emulator.sqlite');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EMAIL_PATH = `/crm/v8/Contacts/${ARTICLE.contactOfMultiLink}/Emails/${ARTICLE.emailsOfSecondContact[1]}`;
const LINK_BODY = {
  Emails: [
    {
      owner: { id: ARTICLE.userPatriciaBoyle },
      linked_record: { id: ARTICLE.dealTravelInsurance, module: { api_name: 'Deals', id: ARTICLE.dealsModuleId } },
    },
  ],
};

describe('a database file', () => {
  it('keeps links and tokens across a restart, and is not reseeded when it has data', async () => {
    const first = await startTestEmulator({ db });
    const token = first.token;
    expect((await first.api('POST', `${EMAIL_PATH}/actions/link_record`, { body: LINK_BODY })).status).toBe(200);
    await first.close();

    const second = await startTestEmulator({ db });
    try {
      const res = await second.api('GET', EMAIL_PATH, { token });
      expect(res.status).toBe(200);
      expect(res.body.Emails[0].linked_record.id).toBe(ARTICLE.dealTravelInsurance);
    } finally {
      await second.close();
    }
  });

  it('is reseeded by emulator:reset when no emulator is listening', async () => {
    expect(await resetEmulator({ port: 0, db })).toBe('database');
    const emu = await startTestEmulator({ db });
    try {
      expect((await emu.api('GET', EMAIL_PATH)).body.Emails[0].linked_record).toBeNull();
    } finally {
      await emu.close();
    }
  });

  it('is reseeded through the admin API when an emulator is listening', async () => {
    const emu = await startTestEmulator({ db });
    try {
      await emu.api('POST', `${EMAIL_PATH}/actions/link_record`, { body: LINK_BODY });
      expect(await resetEmulator({ port: emu.port, db })).toBe('admin-api');
      expect((await emu.api('GET', EMAIL_PATH)).body.Emails[0].linked_record).toBeNull();
    } finally {
      await emu.close();
    }
  });
});
