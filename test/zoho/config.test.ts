import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  DC_HOSTS,
  ZohoConfigError,
  resolveAccountsUrl,
  resolveApiBaseUrl,
  resolveZohoConfig,
} from '../../src/zoho/config.ts';

// The client takes values; src/config.ts reads the ZOHO_* variables into them (test/ops/config.test.ts).
describe('settings', () => {
  it('chooses service mode when the refresh-token credentials are set', () => {
    const c = resolveZohoConfig({ clientId: 'id', clientSecret: 's3cret', refreshToken: '1000.r' });
    expect(c.authMode).toBe('service');
    expect(c.concurrency).toBe(10);
  });

  it('chooses token mode for a fixed access token, and passthrough when nothing is set', () => {
    expect(resolveZohoConfig({ accessToken: '1000.a' }).authMode).toBe('token');
    expect(resolveZohoConfig({}).authMode).toBe('passthrough');
  });

  it('honours the mode and concurrency it is given', () => {
    const c = resolveZohoConfig({ authMode: 'passthrough', accessToken: 'x', concurrency: 4 });
    expect(c).toMatchObject({ authMode: 'passthrough', concurrency: 4 });
  });

  it('refuses a mode whose credentials are missing, an unknown DC and a bad concurrency', () => {
    expect(() => resolveZohoConfig({ authMode: 'service', clientId: 'id' })).toThrow(
      'service mode needs ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET and ZOHO_REFRESH_TOKEN',
    );
    expect(() => resolveZohoConfig({ dc: 'mars' })).toThrow('ZOHO_DC must be one of us, eu, in, au, jp, ca, sa, cn');
    expect(() => resolveZohoConfig({ concurrency: 0 })).toThrow(ZohoConfigError);
  });

  it('never prints its secrets', () => {
    const c = resolveZohoConfig({ clientId: 'id', clientSecret: 'topsecret', refreshToken: '1000.refresh' });
    const shown = `${JSON.stringify(c)} ${inspect(c, { depth: 5 })} ${String(c.clientSecret)}`;
    expect(shown).not.toContain('topsecret');
    expect(shown).not.toContain('1000.refresh');
    expect(c.clientSecret?.reveal()).toBe('topsecret');
  });

  it('re-resolving resolved settings changes nothing', () => {
    const c = resolveZohoConfig({ clientId: 'id', clientSecret: 'topsecret', refreshToken: '1000.refresh' });
    const again = resolveZohoConfig({ ...c, concurrency: 3 });
    expect(again.clientSecret?.reveal()).toBe('topsecret');
    expect(again).toMatchObject({ authMode: 'service', concurrency: 3, retry: c.retry });
  });
});

describe('host precedence', () => {
  const base = resolveZohoConfig({ dc: 'eu' });

  it('uses the DC table when nothing else is known', () => {
    expect(resolveApiBaseUrl(base)).toBe('https://www.zohoapis.eu');
    expect(resolveAccountsUrl(base)).toBe('https://accounts.zoho.eu');
  });

  it("prefers the token's api_domain over the DC table", () => {
    expect(resolveApiBaseUrl(base, 'https://www.zohoapis.in/')).toBe('https://www.zohoapis.in');
  });

  it('prefers the hosts it is given over everything', () => {
    const c = resolveZohoConfig({
      dc: 'eu',
      apiBaseUrl: 'http://127.0.0.1:4010/',
      accountsUrl: 'http://127.0.0.1:4010',
    });
    expect(resolveApiBaseUrl(c, 'https://www.zohoapis.in')).toBe('http://127.0.0.1:4010');
    expect(resolveAccountsUrl(c)).toBe('http://127.0.0.1:4010');
  });

  it("splits Canada's hosts: accounts.zohocloud.ca but www.zohoapis.ca", () => {
    const ca = resolveZohoConfig({ dc: 'CA' });
    expect(resolveAccountsUrl(ca)).toBe('https://accounts.zohocloud.ca');
    expect(resolveApiBaseUrl(ca)).toBe('https://www.zohoapis.ca');
  });

  it('knows all eight data centres', () => {
    expect(Object.keys(DC_HOSTS).sort()).toEqual(['au', 'ca', 'cn', 'eu', 'in', 'jp', 'sa', 'us']);
    for (const { accountsUrl, apiBaseUrl } of Object.values(DC_HOSTS)) {
      expect(accountsUrl).toMatch(/^https:\/\/accounts\.zoho/);
      expect(apiBaseUrl).toMatch(/^https:\/\/www\.zohoapis\./);
    }
  });

  it('ignores a malformed api_domain', () => {
    expect(resolveApiBaseUrl(base, 'not a url')).toBe('https://www.zohoapis.eu');
  });

  it('refuses a base URL that is not http(s)', () => {
    expect(() => resolveZohoConfig({ apiBaseUrl: 'ftp://x' })).toThrow('ZOHO_API_BASE_URL must be http(s)');
  });
});
