/** What `npm start` prints once it listens: where to go, and how callers get in. */
import type { GatewayConfig } from './config.ts';

export function describeAuth(config: Pick<GatewayConfig, 'auth' | 'zoho' | 'host'>): string {
  const { auth, zoho } = config;
  const ways = [
    auth.apiKeys.length
      ? `API keys (${auth.apiKeys.length}; x-api-key${zoho.kind === 'external' && zoho.config.authMode === 'passthrough' ? '' : ' or Authorization: Bearer'})`
      : null,
    auth.jwt ? `JWT (${auth.jwt.jwksUrl ? `JWKS ${auth.jwt.jwksUrl}` : 'HMAC secret'})` : null,
    zoho.kind === 'external' && zoho.config.authMode === 'passthrough'
      ? "each caller's own Zoho token (Authorization: Zoho-oauthtoken)"
      : null,
  ].filter(Boolean);
  if (ways.length) return `Caller authentication: ${ways.join(' + ')}`;
  return (
    'Caller authentication: OFF. Anyone who can reach this address may call the gateway. This is allowed only because ' +
    `it talks to the emulator and listens on ${config.host} (development). Set GATEWAY_API_KEYS to require a key.`
  );
}

const EXAMPLE_QUERY =
  '{ contact(id: "5843104000005878180") { fullName emails(first: 5) { nodes { subject sentAt linkedDeal { name stage } } } } }';

/**
 * What `npm start` prints: where to send GraphQL and, only where they are on, where a browser
 * finds Sandbox and GraphiQL (in production both are off unless enabled, so it names neither).
 */
export function bannerLines(
  config: Pick<GatewayConfig, 'sandbox' | 'corsOrigins' | 'corsLoopbackOrigins' | 'auth' | 'zoho' | 'host'>,
  url: string,
  emulator: { url: string } | null,
  zoho: unknown,
): string[] {
  const base = url.replace(/\/graphql$/, '');
  const { landingPage, graphiql } = config.sandbox;
  const graphiqlUrl = `${base}/graphiql`;
  const explorer = landingPage
    ? `  (open it in a browser for Apollo Sandbox${graphiql ? `; offline: GraphiQL at ${graphiqlUrl}` : ''})`
    : '';
  const cors = [
    ...config.corsOrigins,
    ...(config.corsLoopbackOrigins ? ['any http(s)://localhost, 127.0.0.1 or [::1] origin (development)'] : []),
  ];
  const lines = [
    `GraphQL gateway:  ${url}${explorer}`,
    ...(!landingPage && graphiql ? [`GraphiQL:         ${graphiqlUrl}`] : []),
    emulator
      ? `Zoho emulator:    ${emulator.url}  (embedded, demo org; admin API under ${emulator.url}/__emulator)`
      : `Zoho:             ${JSON.stringify(zoho)}`,
    `Health, metrics:  ${base}/health/live  ${base}/health/ready  ${base}/metrics`,
    `CORS:             ${cors.length ? cors.join(', ') : 'off (same-origin only; set GATEWAY_CORS_ORIGINS)'}`,
    describeAuth(config),
    '',
  ];
  if (landingPage || graphiql) {
    lines.push(`Try this operation in ${landingPage ? 'Sandbox' : 'GraphiQL'}:`, `  query ${EXAMPLE_QUERY}`);
  } else {
    lines.push(
      'Try this operation:',
      `  curl -s ${url} -H 'content-type: application/json' -d '${JSON.stringify({ query: EXAMPLE_QUERY })}'`,
    );
  }
  return lines;
}
