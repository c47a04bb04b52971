import { describe, expect, it } from 'vitest';
import {
  UNLINK_MAX_CHARS,
  assertLinkItems,
  assertRecordIds,
  assertUnlinkIds,
  chunkIds,
  chunkLinkItems,
  chunkUnlinkIds,
  assertZohoId,
} from '../../src/zoho/limits.ts';
import { isZohoRecordId } from '../../src/domain/ids.ts';
import type { ZohoLinkItem } from '../../src/wire/index.ts';

const item = (i: number, owner = '5843104000000424672'): ZohoLinkItem => ({
  message_id: `m${i}`,
  owner: { id: owner, name: 'Patricia Boyle' },
  linked_record: {
    id: '5843104000004382122',
    name: 'Travel Insurance',
    module: { api_name: 'Deals', id: '5843104000000003735' },
  },
});
const hex = (i: number, len = 96) => i.toString(16).padStart(len, 'a');

describe('request limits', () => {
  it('splits 45 link items into calls of 20, 20 and 5, keeping order', () => {
    const items = Array.from({ length: 45 }, (_, i) => item(i));
    const chunks = chunkLinkItems(items);
    expect(chunks.map((c) => c.length)).toEqual([20, 20, 5]);
    expect(chunks.flat()).toEqual(items);
  });

  it('accepts 20 link items each with its own owner, and refuses 21', () => {
    expect(() => assertLinkItems(Array.from({ length: 20 }, (_, i) => item(i, String(1000 + i))))).not.toThrow();
    expect(() => assertLinkItems(Array.from({ length: 21 }, (_, i) => item(i)))).toThrow(RangeError);
  });

  it('refuses a link item without an owner id', () => {
    const bad = { ...item(1), owner: { id: '' } };
    expect(() => assertLinkItems([bad])).toThrow(/owner/);
  });

  it('splits unlink ids at 20 per call', () => {
    const ids = Array.from({ length: 41 }, (_, i) => `m${i}`);
    expect(chunkUnlinkIds(ids).map((c) => c.length)).toEqual([20, 20, 1]);
  });

  it('splits unlink ids so that each comma list fits in 2000 characters', () => {
    const ids = Array.from({ length: 30 }, (_, i) => hex(i, 150));
    const chunks = chunkUnlinkIds(ids);
    for (const c of chunks) expect(c.join(',').length).toBeLessThanOrEqual(UNLINK_MAX_CHARS);
    // 13 ids of 150 characters plus 12 commas = 1962; a 14th would overflow.
    expect(chunks.map((c) => c.length)).toEqual([13, 13, 4]);
    expect(chunks.flat()).toEqual(ids);
  });

  it('keeps 20 ids of 96 characters in one call (20×96+19 = 1939)', () => {
    const ids = Array.from({ length: 20 }, (_, i) => hex(i));
    expect(chunkUnlinkIds(ids)).toHaveLength(1);
    expect(() => assertUnlinkIds('5843104000000424672', ids)).not.toThrow();
  });

  it('refuses unlink calls over the limits, and ids that would break the comma list', () => {
    const owner = '5843104000000424672';
    expect(() =>
      assertUnlinkIds(
        owner,
        Array.from({ length: 21 }, (_, i) => `m${i}`),
      ),
    ).toThrow(RangeError);
    expect(() =>
      assertUnlinkIds(
        owner,
        Array.from({ length: 14 }, (_, i) => hex(i, 150)),
      ),
    ).toThrow(/2000/);
    expect(() => assertUnlinkIds(owner, ['a,b'])).toThrow(RangeError);
    expect(() => assertUnlinkIds('not-an-id', ['abc'])).toThrow(RangeError);
  });

  it('splits record ids at 100 per call and refuses 101', () => {
    const ids = Array.from({ length: 250 }, (_, i) => String(5843104000000000000n + BigInt(i)));
    expect(chunkIds(ids).map((c) => c.length)).toEqual([100, 100, 50]);
    expect(chunkIds(ids, 40).map((c) => c.length)).toEqual([40, 40, 40, 40, 40, 40, 10]);
    expect(() => assertRecordIds(ids.slice(0, 100))).not.toThrow();
    expect(() => assertRecordIds(ids.slice(0, 101))).toThrow(RangeError);
  });

  it('checks ids by the same rule as the GraphQL inputs: a Zoho long, 1 to 19 digits', () => {
    const samples = [
      '1',
      '5843104000005878180',
      '9223372036854775807',
      '9223372036854775808',
      '1'.repeat(20),
      '',
      '12a',
    ];
    const accepted = (id: string) => {
      try {
        assertZohoId('id', id);
        return true;
      } catch {
        return false;
      }
    };
    expect(samples.map(accepted)).toEqual(samples.map(isZohoRecordId));
    expect(samples.map(accepted)).toEqual([true, true, true, false, false, false, false]);
    expect(() => assertRecordIds(['9223372036854775808'])).toThrow(/at most 19/);
    expect(() => assertLinkItems([{ ...item(1), owner: { id: '1'.repeat(20) } }])).toThrow(/owner/);
    expect(() => assertLinkItems([{ ...item(1), message_id: 'a'.repeat(501) }])).toThrow(/message_id/);
    expect(() => assertLinkItems([{ ...item(1), message_id: 'a'.repeat(500) }])).not.toThrow();
  });

  it('returns no chunks for no input', () => {
    expect(chunkLinkItems([])).toEqual([]);
    expect(chunkUnlinkIds([])).toEqual([]);
    expect(chunkIds([])).toEqual([]);
  });
});
