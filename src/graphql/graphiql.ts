/**
 * GraphiQL, served by the gateway itself at /graphiql, for browsers that cannot load Apollo
 * Sandbox (it comes from Apollo's CDN; a machine with no internet gets only a notice).
 *
 * The page comes from @graphql-yoga/render-graphiql: The Guild's build of GraphiQL as one
 * self-contained HTML page, its JavaScript, CSS, editor workers and favicon inlined, with no CDN
 * request of any kind. test/system/graphiql-offline.test.ts cuts the network and checks that the
 * page makes no request beyond this gateway. The Content-Security-Policy below says the same to
 * the browser: nothing may be loaded from, or sent to, another origin.
 *
 * The package is large (9 MB of inlined JavaScript), so it is imported only when GraphiQL is on.
 */
import { GRAPHIQL_PATH, SANDBOX_DOCUMENT, SANDBOX_VARIABLES } from './sandbox.ts';

export { GRAPHIQL_PATH };

/** Everything from this origin; inline scripts and blob: workers are how the page is built. */
export const GRAPHIQL_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'self'",
].join('; ');

export interface GraphiqlPageOptions {
  /** Placeholders for the headers callers must send (sandboxHeaders): nothing secret. */
  headers: Record<string, string>;
}

/** The HTML of the GraphiQL page, preloaded with the example operations and their variables. */
export async function renderGraphiqlPage(opts: GraphiqlPageOptions): Promise<string> {
  const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
  const headers = JSON.stringify(opts.headers, null, 2);
  return renderGraphiQL({
    title: 'GraphiQL · Zoho CRM email-to-deal gateway',
    // Relative, so that the page works behind a proxy that mounts the gateway under a prefix.
    endpoint: 'graphql',
    defaultQuery: SANDBOX_DOCUMENT,
    // Yoga's page hands `variables` to GraphiQL as its initial variables; its type omits it.
    ...{ variables: JSON.stringify(SANDBOX_VARIABLES, null, 2) },
    headers,
    defaultEditorToolsVisibility: 'variables',
    // A caller's key typed into the headers editor stays in that tab, not in localStorage.
    shouldPersistHeaders: false,
    inputValueDeprecation: true,
    schemaDescription: true,
  });
}
