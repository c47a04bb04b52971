/**
 * The landing page and introspection, development and production, over HTTP; and the example
 * operations Sandbox opens with, run as they are against the demo org.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../../src/config.ts';
import { ARTICLE } from '../../src/emulator/index.ts';
import { SANDBOX_DOCUMENT, SANDBOX_VARIABLES, sandboxHeaders } from '../../src/graphql/sandbox.ts';
import { startStack, type Stack } from '../support/gateway.ts';

/** What a browser gets at /graphql. */
async function landingPage(stack: Stack): Promise<{ status: number; html: string }> {
  const res = await fetch(stack.gateway.url, { headers: { accept: 'text/html' } });
  return { status: res.status, html: await res.text() };
}

/** The configuration our page hands to Apollo's embeddable Sandbox. */
function embedConfig(html: string): any {
  const json = /var embeddedSandboxConfig = (\{.*\});/.exec(html)?.[1];
  if (!json) throw new Error('no embedded Sandbox configuration in the page');
  return JSON.parse(json);
}

/** What the gateway's configuration makes of these variables. */
const sandboxFrom = (env: Record<string, string>) => loadGatewayConfig(env).sandbox;

describe('the explorers and introspection: on in development, off in production unless configured', () => {
  it.each([
    [{}, { landingPage: true, introspection: true, graphiql: true }],
    [{ NODE_ENV: 'development' }, { landingPage: true, introspection: true, graphiql: true }],
    [{ NODE_ENV: 'production' }, { landingPage: false, introspection: false, graphiql: false }],
    [
      { NODE_ENV: 'production', GATEWAY_LANDING_PAGE: 'true', GATEWAY_INTROSPECTION: 'true' },
      { landingPage: true, introspection: true, graphiql: false },
    ],
    [
      { NODE_ENV: 'production', GATEWAY_INTROSPECTION: '1' },
      { landingPage: false, introspection: true, graphiql: false },
    ],
    [
      { NODE_ENV: 'production', GATEWAY_GRAPHIQL: 'true' },
      { landingPage: false, introspection: false, graphiql: true },
    ],
    [
      { GATEWAY_LANDING_PAGE: 'false', GATEWAY_INTROSPECTION: 'off' },
      { landingPage: false, introspection: false, graphiql: true },
    ],
  ])('%j gives %j', (env, expected) => {
    expect(sandboxFrom(env)).toEqual(expected);
  });

  it('refuses a value that is not a boolean, naming the variable', () => {
    expect(() => sandboxFrom({ GATEWAY_LANDING_PAGE: 'maybe' })).toThrow(
      'GATEWAY_LANDING_PAGE: must be true or false.',
    );
  });
});

describe('the headers Sandbox starts with: what the caller must send, as placeholders', () => {
  it.each([
    ['open development mode', undefined, 'service', {}],
    ['API keys', { apiKeys: ['k'], jwt: null }, 'service', { 'x-api-key': '<one of GATEWAY_API_KEYS>' }],
    [
      'JWTs',
      { apiKeys: [], jwt: { secret: 's', jwksUrl: null, issuer: null, audience: null } },
      'service',
      { authorization: 'Bearer <a JWT your identity provider issued>' },
    ],
    ['pass-through', undefined, 'passthrough', { authorization: 'Zoho-oauthtoken <your Zoho access token>' }],
    [
      'pass-through with API keys',
      { apiKeys: ['k'], jwt: null },
      'passthrough',
      { authorization: 'Zoho-oauthtoken <your Zoho access token>', 'x-api-key': '<one of GATEWAY_API_KEYS>' },
    ],
  ] as const)('%s', (_, auth, mode, expected) => {
    expect(sandboxHeaders(auth as never, mode)).toEqual(expected);
  });
});

describe('development (the default)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ gateway: { sandbox: { landingPage: true, introspection: true, graphiql: true } } });
  });
  afterAll(() => stack.close());

  it('serves Apollo Sandbox at /graphql with the example operations, their variables and no cookies', async () => {
    const { status, html } = await landingPage(stack);
    expect(status).toBe(200);
    expect(html).toContain(
      'https://embeddable-sandbox.cdn.apollographql.com/v2/embeddable-sandbox.umd.production.min.js',
    );
    const config = embedConfig(html);
    expect(config).toMatchObject({
      endpointIsEditable: false,
      runTelemetry: false,
      initialState: {
        document: SANDBOX_DOCUMENT,
        variables: SANDBOX_VARIABLES,
        includeCookies: false,
        sharedHeaders: {},
        pollForSchemaUpdates: true,
      },
    });
  });

  it('offers GraphiQL (./graphiql) on the landing page, for a browser that cannot load Sandbox', async () => {
    const { html } = await landingPage(stack);
    expect(html).toContain('Apollo Sandbox cannot be loaded');
    expect(html).toContain('<a id="graphiql-fallback" href="./graphiql">Open GraphiQL</a>');
    expect(html).not.toContain('Welcome to Apollo Server');
  });

  it('serves GraphiQL at /graphiql: one self-contained page, preloaded with the example operations', async () => {
    const res = await fetch(stack.gateway.url.replace(/\/graphql$/, '/graphiql'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    // The browser is told what the page itself does: nothing from, or to, another origin.
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'.*connect-src 'self'/);
    const html = await res.text();
    // No script, stylesheet, font or image from elsewhere.
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="https?:/);
    expect(html).toContain(JSON.stringify(SANDBOX_DOCUMENT).slice(1, 80));
  });

  it('answers introspection', async () => {
    const { data, errors } = await stack.gql(`{ __schema { queryType { name } } }`);
    expect(errors).toBeUndefined();
    expect(data.__schema.queryType.name).toBe('Query');
  });

  it('runs every example operation as written, with its variables, against the demo org', async () => {
    const run = (operationName: string) =>
      fetch(stack.gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: SANDBOX_DOCUMENT, operationName, variables: SANDBOX_VARIABLES }),
      }).then(async (r) => ({ status: r.status, ...((await r.json()) as { data?: any; errors?: unknown[] }) }));

    const emails = await run('ContactEmailsWithDeals');
    expect(emails.errors).toBeUndefined();
    expect(emails.data.contact.fullName).toBe('Rebecca Lindqvist');
    expect(emails.data.contact.emails.nodes).toHaveLength(10);

    const unlinked = await run('UnlinkedEmails');
    expect(unlinked.errors).toBeUndefined();
    expect(unlinked.data.contact.emails.pagesScanned).toBeGreaterThan(0);

    const link = await run('LinkEmails');
    expect(link.errors).toBeUndefined();
    expect(link.data.linkEmailsToDeal.results).toEqual([
      expect.objectContaining({
        messageId: ARTICLE.emailOfFirstContact,
        status: 'SUCCEEDED',
        email: { linkedDeal: { id: SANDBOX_VARIABLES.dealId, name: 'Travel Insurance' } },
      }),
    ]);

    const unlink = await run('UnlinkEmails');
    expect(unlink.errors).toBeUndefined();
    expect(unlink.data.unlinkEmailsFromDeal.results[0]).toMatchObject({
      status: 'SUCCEEDED',
      email: { linkedDeal: null },
    });

    const move = await run('MoveEmails');
    expect(move.errors).toBeUndefined();
    expect(move.data.moveEmailsToDeal.results[0]).toMatchObject({
      status: 'SUCCEEDED',
      previousDealId: null,
      restoreAttempted: false,
      email: { linkedDeal: { id: SANDBOX_VARIABLES.moveToDealId } },
    });
  });
});

describe('production (NODE_ENV=production)', () => {
  let closed: Stack;
  let opened: Stack;
  beforeAll(async () => {
    [closed, opened] = await Promise.all([
      startStack({ gateway: { sandbox: sandboxFrom({ NODE_ENV: 'production' }) } }),
      startStack({
        gateway: {
          sandbox: sandboxFrom({
            NODE_ENV: 'production',
            GATEWAY_LANDING_PAGE: 'true',
            GATEWAY_INTROSPECTION: 'true',
          }),
        },
      }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([closed?.close(), opened?.close()]);
  });

  it('serves no landing page, no GraphiQL, and refuses introspection', async () => {
    const { html } = await landingPage(closed);
    expect(html).not.toContain('EmbeddedSandbox');
    expect((await fetch(closed.gateway.url.replace(/\/graphql$/, '/graphiql'))).status).toBe(404);
    const { errors } = await closed.gql(`{ __schema { queryType { name } } }`);
    expect(errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(errors?.[0]?.message).toMatch(/introspection/i);
  });

  it('still answers _service { sdl }, so a router can compose it', async () => {
    const { data, errors } = await closed.gql(`{ _service { sdl } }`);
    expect(errors).toBeUndefined();
    expect(data._service.sdl).toContain('type Contact');
  });

  it('serves both when GATEWAY_LANDING_PAGE=true and GATEWAY_INTROSPECTION=true', async () => {
    const { status, html } = await landingPage(opened);
    expect(status).toBe(200);
    expect(embedConfig(html).initialState.document).toBe(SANDBOX_DOCUMENT);
    const { errors } = await opened.gql(`{ __schema { queryType { name } } }`);
    expect(errors).toBeUndefined();
  });

  it('says how to turn GraphiQL on where the landing page is on and GraphiQL is not', async () => {
    const { html } = await landingPage(opened);
    expect(html).toContain('GraphiQL, which this gateway can serve offline, is off here: set GATEWAY_GRAPHIQL=true');
    expect((await fetch(opened.gateway.url.replace(/\/graphql$/, '/graphiql'))).status).toBe(404);
  });
});

describe('behind caller authentication', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      gateway: {
        auth: { apiKeys: ['sandbox-test-key-0123456789'], jwt: null },
        sandbox: { landingPage: true, introspection: true, graphiql: true },
      },
    });
  });
  afterAll(() => stack.close());

  it('still serves the page, with the API-key header for the person to fill in, and never the key itself', async () => {
    const { status, html } = await landingPage(stack);
    expect(status).toBe(200);
    expect(embedConfig(html).initialState.sharedHeaders).toEqual({ 'x-api-key': '<one of GATEWAY_API_KEYS>' });
    expect(html).not.toContain('sandbox-test-key-0123456789');
  });
});
