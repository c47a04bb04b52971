import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  DC_HOSTS,
  ZohoConfigError,
  loadZohoConfig,
  resolveAccountsUrl,
  resolveApiBaseUrl,
  resolveZohoConfig,
} from '../../src/zoho/config.ts';

describe('settings', () => {
  it('chooses service mode when the refresh-token credentials are set', () => {
    const c = loadZohoConfig({ ZOHO_CLIENT_ID: 'id', ZOHO_CLIENT_SECRET: 's3cret', ZOHO_REFRESH_TOKEN: '1000.r' });
    expect(c.authMode).toBe('service');
    expect(c.concurrency).toBe(10);
  });

  it('chooses token mode for a fixed access token, and passthrough when nothing is set', () => {
    expect(loadZohoConfig({ ZOHO_ACCESS_TOKEN: '1000.a' }).authMode).toBe('token');
    expect(loadZohoConfig({}).authMode).toBe('passthrough');
  });

  it('honours ZOHO_AUTH_MODE and ZOHO_CONCURRENCY', () => {
    const c = loadZohoConfig({ ZOHO_AUTH_MODE: 'passthrough', ZOHO_ACCESS_TOKEN: 'x', ZOHO_CONCURRENCY: '4' });
    expect(c).toMatchObject({ authMode: 'passthrough', concurrency: 4 });
  });

  it('refuses a mode whose credentials are missing, an unknown DC and a bad concurrency', () => {
    expect(() => loadZohoConfig({ ZOHO_AUTH_MODE: 'service', ZOHO_CLIENT_ID: 'id' })).toThrow(ZohoConfigError);
    expect(() => loadZohoConfig({ ZOHO_DC: 'mars' })).toThrow(ZohoConfigError);
    expect(() => loadZohoConfig({ ZOHO_CONCURRENCY: '0' })).toThrow(ZohoConfigError);
  });

  it('never prints its secrets', () => {
    const c = loadZohoConfig({
      ZOHO_CLIENT_ID: 'id',
      ZOHO_CLIENT_SECRET: 'topsecret',
      ZOHO_REFRESH_TOKEN: '1000.refresh',
    });
    const shown = `${JSON.stringify(c)} ${inspect(c, { depth: 5 })} ${String(c.clientSecret)}`;
    expect(shown).not.toContain('topsecret');
    expect(shown).not.toContain('1000.refresh');
    expect(c.clientSecret?.reveal()).toBe('topsecret');
  });

  it('re-resolving resolved settings changes nothing', () => {
    const c = loadZohoConfig({
      ZOHO_CLIENT_ID: 'id',
      ZOHO_CLIENT_SECRET: 'topsecret',
      ZOHO_REFRESH_TOKEN: '1000.refresh',
    });
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

  it('prefers the variables over everything', () => {
    const c = loadZohoConfig({
      ZOHO_DC: 'eu',
      ZOHO_API_BASE_URL: 'http://127.0.0.1:4010/',
      ZOHO_ACCOUNTS_URL: 'http://127.0.0.1:4010',
    });
    expect(resolveApiBaseUrl(c, 'https://www.zohoapis.in')).toBe('http://127.0.0.1:4010');
    expect(resolveAccountsUrl(c)).toBe('http://127.0.0.1:4010');
  });

  it("splits Canada's hosts: accounts.zohocloud.ca but www.zohoapis.ca", () => {
    const ca = loadZohoConfig({ ZOHO_DC: 'CA' });
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
    expect(() => loadZohoConfig({ ZOHO_API_BASE_URL: 'ftp://x' })).toThrow(ZohoConfigError);
  });
});
