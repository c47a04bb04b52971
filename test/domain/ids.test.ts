import { describe, expect, it } from 'vitest';
import { decodeEmailId, encodeEmailId, isZohoMessageId, isZohoRecordId } from '../../src/domain/ids.ts';
import * as emulatorIds from '../../src/emulator/domain/ids.ts';

describe('ids', () => {
  it('accepts Zoho record ids (digits) and message ids (alphanumeric), nothing else', () => {
    expect(isZohoRecordId('5843104000005878180')).toBe(true);
    expect(isZohoRecordId('58431O4')).toBe(false);
    expect(isZohoRecordId('')).toBe(false);
    expect(isZohoMessageId('b9c24f3b403f8c3b197f2b8ab967c104d597ab1b968e3b8a59437278f4f26f77')).toBe(true);
    expect(isZohoMessageId('abc-123')).toBe(false);
    expect(isZohoMessageId('a'.repeat(501))).toBe(false);
  });

  it('a record id is a Zoho long: 1 to 19 digits, at most 9223372036854775807', () => {
    expect(isZohoRecordId('1')).toBe(true);
    expect(isZohoRecordId('9223372036854775807')).toBe(true);
    expect(isZohoRecordId('0999999999999999999')).toBe(true);
    expect(isZohoRecordId('9223372036854775808')).toBe(false);
    expect(isZohoRecordId('9999999999999999999')).toBe(false);
    expect(isZohoRecordId('58431040000058781800')).toBe(false);
    expect(isZohoRecordId(' 5843104000005878180')).toBe(false);
    expect(isZohoRecordId(584310400)).toBe(false);
    expect(isZohoRecordId(undefined)).toBe(false);
  });

  it('a message id is 1 to 500 letters and digits', () => {
    expect(isZohoMessageId('a'.repeat(500))).toBe(true);
    expect(isZohoMessageId('Z9')).toBe(true);
    expect(isZohoMessageId('')).toBe(false);
    expect(isZohoMessageId('ab,cd')).toBe(false);
    expect(isZohoMessageId('<abc@example.com>')).toBe(false);
  });

  it("the emulator's own copy of the rules agrees with the gateway's", () => {
    const ids = ['1', '5843104000005878180', '9223372036854775807', '9223372036854775808', '1'.repeat(20), '', '1a'];
    expect(ids.map(emulatorIds.isZohoId)).toEqual(ids.map(isZohoRecordId));
    const messages = ['a', 'a'.repeat(500), 'a'.repeat(501), 'ab-cd', 'ab,cd', ''];
    expect(messages.map(emulatorIds.isMessageId)).toEqual(messages.map(isZohoMessageId));
  });

  it('an Email id naming an id beyond the rules is not one of ours', () => {
    expect(decodeEmailId(Buffer.from('Email:58431040000058781800:b9c24f3b').toString('base64url'))).toBeNull();
    expect(decodeEmailId(Buffer.from(`Email:5843104000005878180:${'a'.repeat(501)}`).toString('base64url'))).toBeNull();
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
