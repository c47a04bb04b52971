/**
 * Kaizen #229, replayed verbatim: every request of the article, sent as written, gets the
 * article's response (deep-equal on the JSON), and every response matches Zoho's OAS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator } from '../support/emulator.ts';
import { expectMatchesOas } from '../support/oas.ts';

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

/** The article's URL with Zoho's host replaced by the emulator's. */
const local = (articleUrl: string) => articleUrl.replace('https://www.zohoapis.com', '');

async function send(method: string, articleUrl: string, inputJson?: string) {
  const path = local(articleUrl);
  const res = await emu.api(
    method,
    path,
    inputJson === undefined ? {} : { body: inputJson, contentType: 'application/json' },
  );
  expectMatchesOas(method, path, res.status, res.body);
  return res;
}

describe('the Kaizen #229 article, replayed', () => {
  it('links a single email given in the path', async () => {
    const res = await send(
      'POST',
      'https://www.zohoapis.com/crm/v8/Contacts/5843104000005878180/Emails/b9c24f3b403f8c3b197f2b8ab967c104d597ab1b968e3b8a59437278f4f26f77/actions/link_record',
      '{ "Emails": [ { "linked_record": { "module": { "api_name": "Deals", "id": "5843104000000003735" }, "name": "Travel Insurance", "id": "5843104000004382122" }, "owner": { "name": "Patricia Boyle", "id": "5843104000000424672" } } ] }',
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      Emails: [
        {
          code: 'SUCCESS',
          details: { message_id: 'b9c24f3b403f8c3b197f2b8ab967c104d597ab1b968e3b8a59437278f4f26f77' },
          message: 'email has been linked with the deal successfully',
          status: 'success',
        },
      ],
    });
  });

  it('links a single email given in the body', async () => {
    const res = await send(
      'POST',
      'https://www.zohoapis.com/crm/v8/Contacts/5843104000005878180/Emails/actions/link_record',
      '{ "Emails": [ { "message_id": "b9c24f3b403f8c3b197f2b8ab967c104d597ab1b968e3b8a59437278f4f26f77", "linked_record": { "module": { "api_name": "Deals", "id": "5843104000000003735" }, "name": "Travel Insurance", "id": "5843104000004382122" }, "owner": { "name": "Patricia Boyle", "id": "5843104000000424672" } } ] }',
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      Emails: [
        {
          code: 'SUCCESS',
          details: { message_id: 'b9c24f3b403f8c3b197f2b8ab967c104d597ab1b968e3b8a59437278f4f26f77' },
          message: 'email has been linked with the deal successfully',
          status: 'success',
        },
      ],
    });
  });

  it('links multiple emails (the sample goes to contact 5843104000000425349)', async () => {
    const res = await send(
      'POST',
      'https://www.zohoapis.com/crm/v8/Contacts/5843104000000425349/Emails/actions/link_record',
      '{ "Emails": [ { "owner": { "name": "Patricia Boyle", "id": "5843104000000424672" }, "message_id": "8937fb892cc6f15b95bc22ecb91b6f85e9f60916ef9314d484543df546f09ad1", "linked_record": { "module": { "api_name": "Deals", "id": "5843104000000003735" }, "name": "Travel Insurance", "id": "5843104000004382122" } }, { "owner": { "name": "Patricia Boyle", "id": "5843104000000424672" }, "message_id": "6622e532084a2c329b44f4d7c58a93bb2f616d21e1e73cc1e9cc71d24ef6b5f5", "linked_record": { "module": { "api_name": "Deals", "id": "5843104000000003735" }, "name": "Travel Insurance", "id": "5843104000004382122" } } ] }',
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      Emails: [
        {
          code: 'SUCCESS',
          details: { message_id: '8937fb892cc6f15b95bc22ecb91b6f85e9f60916ef9314d484543df546f09ad1' },
          message: 'email has been linked with the deal successfully',
          status: 'success',
        },
        {
          code: 'SUCCESS',
          details: { message_id: '6622e532084a2c329b44f4d7c58a93bb2f616d21e1e73cc1e9cc71d24ef6b5f5' },
          message: 'email has been linked with the deal successfully',
          status: 'success',
        },
      ],
    });
  });

  it('unlinks multiple emails', async () => {
    const res = await send(
      'DELETE',
      'https://www.zohoapis.com/crm/v8/Contacts/5843104000000425349/Emails/actions/link_record?owner_id=5843104000000424672&message_ids=8937fb892cc6f15b95bc22ecb91b6f85e9f60916ef9314d484543df546f09ad1,6622e532084a2c329b44f4d7c58a93bb2f616d21e1e73cc1e9cc71d24ef6b5f5',
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      Emails: [
        {
          code: 'SUCCESS',
          details: { message_id: '8937fb892cc6f15b95bc22ecb91b6f85e9f60916ef9314d484543df546f09ad1' },
          message: 'email has been unlinked from the deal successfully',
          status: 'success',
        },
        {
          code: 'SUCCESS',
          details: { message_id: '6622e532084a2c329b44f4d7c58a93bb2f616d21e1e73cc1e9cc71d24ef6b5f5' },
          message: 'email has been unlinked from the deal successfully',
          status: 'success',
        },
      ],
    });
  });

  it('leaves the unlinked emails under the contact, with no deal (unlinking never deletes)', async () => {
    for (const id of [
      '8937fb892cc6f15b95bc22ecb91b6f85e9f60916ef9314d484543df546f09ad1',
      '6622e532084a2c329b44f4d7c58a93bb2f616d21e1e73cc1e9cc71d24ef6b5f5',
    ]) {
      const path = `/crm/v8/Contacts/5843104000000425349/Emails/${id}`;
      const res = await emu.api('GET', path);
      expectMatchesOas('GET', path, res.status, res.body);
      expect(res.status).toBe(200);
      expect(res.body.Emails[0]).toMatchObject({
        message_id: id,
        linked_record: null,
        owner: { id: '5843104000000424672', name: 'Patricia Boyle' },
      });
    }
  });

  it('shows the article email under Travel Insurance after the link', async () => {
    const res = await emu.api(
      'GET',
      '/crm/v8/Contacts/5843104000005878180/Emails/b9c24f3b403f8c3b197f2b8ab967c104d597ab1b968e3b8a59437278f4f26f77',
    );
    expect(res.body.Emails[0].linked_record).toEqual({
      id: '5843104000004382122',
      name: 'Travel Insurance',
      module: { api_name: 'Deals', id: '5843104000000003735' },
    });
  });
});
