import { describe, expect, it } from 'vitest';
import { decodeEmailId, encodeEmailId, isZohoMessageId, isZohoRecordId } from '../../src/domain/ids.ts';

describe('ids', () => {
  it('accepts Zoho record ids (digits) and message ids (alphanumeric), nothing else', () => {
    expect(isZohoRecordId('5843104000005878180')).toBe(true);
    expect(isZohoRecordId('58431O4')).toBe(false);
    expect(isZohoRecordId('')).toBe(false);
    expect(isZohoMessageId('b9c24f3b403f8c3b197f2b8ab967c104d597ab1b968e3b8a59437278f4f26f77')).toBe(true);
    expect(isZohoMessageId('abc-123')).toBe(false);
    expect(isZohoMessageId('a'.repeat(501))).toBe(false);
  });

  it('an Email id is opaque and round-trips to its contact and message', () => {
    const id = encodeEmailId({ module: 'Contacts', recordId: '5843104000005878180' }, 'b9c24f3b');
    expect(id).not.toContain('5843104000005878180');
    expect(decodeEmailId(id)).toEqual({ module: 'Contacts', recordId: '5843104000005878180', messageId: 'b9c24f3b' });
    const viaDeal = encodeEmailId({ module: 'Deals', recordId: '5843104000004382122' }, 'b9c24f3b');
    expect(viaDeal).not.toEqual(id);
    expect(decodeEmailId(viaDeal)).toEqual({ module: 'Deals', recordId: '5843104000004382122', messageId: 'b9c24f3b' });
    expect(decodeEmailId('not-an-id')).toBeNull();
    expect(decodeEmailId(Buffer.from('Email:12:ab:cd').toString('base64url'))).toBeNull();
  });
});
