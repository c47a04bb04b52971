/**
 * The landing page at /graphql (Apollo Sandbox, embedded), GraphiQL at /graphiql and schema
 * introspection: on in development, off in production unless configuration turns them on.
 *
 * Sandbox's bundle loads from Apollo's CDN; the page itself is ours. When the bundle cannot load
 * (no internet), the page offers GraphiQL instead, which the gateway serves itself
 * (src/graphql/graphiql.ts). Embedded Sandbox sends its
 * operations from this page's origin as `POST` with `content-type: application/json`, which
 * Apollo Server's CSRF prevention (left on) accepts: a JSON request always needs a CORS
 * preflight, which a cross-site form or <img> cannot get.
 */
import type { ApolloServerPlugin, GraphQLServerListener } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { CallerAuthSettings } from '../settings.ts';
import type { ZohoAuthMode } from '../zoho/index.ts';

/** GraphiQL's route (src/graphql/graphiql.ts serves it). */
export const GRAPHIQL_PATH = '/graphiql';

export interface SandboxSettings {
  /** Apollo Sandbox for browsers that open /graphql. */
  landingPage: boolean;
  /**
   * `__schema` / `__type` queries, which Sandbox needs to show the schema. Federation's
   * `_service { sdl }` is an ordinary field and stays available either way, so routers and
   * `IntrospectAndCompose` work in production with introspection off.
   */
  introspection: boolean;
  /**
   * GraphiQL at /graphiql, served from an npm package with no CDN request: the explorer that
   * works offline, and the landing page's fallback when Sandbox cannot load.
   */
  graphiql: boolean;
}

/** Variables that turn the landing page, introspection and GraphiQL on or off, whatever NODE_ENV says. */
export const SANDBOX_ENV = {
  landingPage: 'GATEWAY_LANDING_PAGE',
  introspection: 'GATEWAY_INTROSPECTION',
  graphiql: 'GATEWAY_GRAPHIQL',
} as const;

/**
 * Development (any NODE_ENV but `production`): all on. Production: all off, unless a setting
 * turns one on (GATEWAY_LANDING_PAGE / GATEWAY_INTROSPECTION / GATEWAY_GRAPHIQL, which
 * src/config.ts reads). Each setting, when given, wins.
 */
export function resolveSandboxSettings(
  opts: { production: boolean } & { [K in keyof SandboxSettings]?: boolean | undefined },
): SandboxSettings {
  return {
    landingPage: opts.landingPage ?? !opts.production,
    introspection: opts.introspection ?? !opts.production,
    graphiql: opts.graphiql ?? !opts.production,
  };
}

/**
 * Example operations, ready to run in Sandbox against the demo org (the embedded emulator):
 * `SANDBOX_VARIABLES` holds the Kaizen #229 article's contact, deals and email, which the demo
 * org reproduces. Against a real org, replace the ids.
 */
export const SANDBOX_DOCUMENT = `# Example operations: pick one and press Run. The variables (below) are the demo org's
# records from Zoho's Kaizen #229 article; replace them with ids from your org.

# A contact's emails, newest first, with the deal each one is linked to.
query ContactEmailsWithDeals($contactId: ID!) {
  contact(id: $contactId) {
    fullName
    emails(first: 10) {
      pageInfo { hasNextPage endCursor }
      nodes {
        messageId
        subject
        direction
        sentAt
        owner { id name }
        linkedDeal { id name stage stageCategory }
      }
    }
  }
}

# The contact's emails that sit on no deal (one Zoho call per 10 emails scanned), and the deal
# Zoho's prediction would pick for the next one.
query UnlinkedEmails($contactId: ID!) {
  contact(id: $contactId) {
    fullName
    emails(first: 10, filter: { linked: false }) {
      pagesScanned
      stoppedEarly
      pageInfo { hasNextPage endCursor }
      nodes { messageId subject sentAt owner { id } }
    }
    dealPrediction { reason deal { id name } }
  }
}

# Links emails to a deal: one result per email, in input order.
mutation LinkEmails($dealId: ID!, $emails: [EmailRefInput!]!) {
  linkEmailsToDeal(input: { dealId: $dealId, emails: $emails }) {
    succeededCount
    failedCount
    results {
      messageId
      status
      error { code message vendorCode field }
      email { linkedDeal { id name } }
    }
  }
}

# Unlinks emails, but only those still on $dealId (others fail with CONFLICT).
mutation UnlinkEmails($dealId: ID!, $emails: [EmailRefInput!]!) {
  unlinkEmailsFromDeal(input: { expectedDealId: $dealId, emails: $emails }) {
    succeededCount
    failedCount
    results {
      messageId
      status
      error { code message vendorCode field }
      email { linkedDeal { id name } }
    }
  }
}

# Moves emails to another deal in one safe call (unlink + link, restored on failure).
mutation MoveEmails($moveToDealId: ID!, $emails: [EmailRefInput!]!) {
  moveEmailsToDeal(input: { dealId: $moveToDealId, emails: $emails }) {
    succeededCount
    failedCount
    results {
      messageId
      status
      previousDealId
      restoreAttempted
      restored
      error { code message vendorCode field }
      email { linkedDeal { id name } }
    }
  }
}
`;

/** The article's records (the demo org reproduces them): Rebecca Lindqvist, her email, two of her deals. */
export const SANDBOX_VARIABLES = {
  contactId: '5843104000005878180',
  dealId: '5843104000004382122',
  moveToDealId: '5843104000004382290',
  emails: [
    {
      contactId: '5843104000005878180',
      messageId: 'b9c24f3b403f8c3b197f2b8ab967c104d597ab1b968e3b8a59437278f4f26f77',
    },
  ],
} as const;

/**
 * The headers a caller must send, as placeholders for the person in Sandbox to fill in. They go
 * in Sandbox's shared (connection) headers, so its own introspection is authenticated too. None
 * when the gateway is open (the embedded-emulator development mode).
 */
export function sandboxHeaders(auth: CallerAuthSettings | undefined, zohoMode: ZohoAuthMode): Record<string, string> {
  const headers: Record<string, string> = {};
  if (zohoMode === 'passthrough') headers.authorization = 'Zoho-oauthtoken <your Zoho access token>';
  if (auth && auth.apiKeys.length > 0) headers['x-api-key'] = '<one of GATEWAY_API_KEYS>';
  else if (auth?.jwt && zohoMode !== 'passthrough')
    headers.authorization = 'Bearer <a JWT your identity provider issued>';
  return headers;
}

/**
 * What the landing page shows where Sandbox's bundle did not load. Apollo's page keeps this block
 * under the Sandbox iframe, so it shows only when the iframe never came. The link is relative, so
 * it survives a proxy that mounts the gateway under a prefix.
 */
export function sandboxFallbackHtml(graphiql: boolean): string {
  const offer = graphiql
    ? `<p><a id="graphiql-fallback" href=".${GRAPHIQL_PATH}">Open GraphiQL</a>, served by this gateway: it works offline, with the same example operations.</p>`
    : `<p>GraphiQL, which this gateway can serve offline, is off here: set ${SANDBOX_ENV.graphiql}=true to turn it on.</p>`;
  return `<div class="fallback">
  <h1>Zoho CRM email-to-deal gateway</h1>
  <p>Apollo Sandbox cannot be loaded: it comes from Apollo's CDN, and this browser seems to be offline.</p>
  ${offer}
</div>`;
}

const APOLLO_FALLBACK = /<div class="fallback">[\s\S]*?<\/div>/;

/** Apollo's landing page, with our fallback in place of its "you might be offline" notice. */
export function withOfflineFallback(plugin: ApolloServerPlugin, graphiql: boolean): ApolloServerPlugin {
  return {
    async serverWillStart(service) {
      const listener: GraphQLServerListener | void = await plugin.serverWillStart?.(service);
      const render = listener?.renderLandingPage;
      if (!listener || !render) return listener;
      return {
        ...listener,
        async renderLandingPage() {
          const page = await render.call(listener);
          const html = page.html;
          return {
            html: async () => {
              const text = typeof html === 'string' ? html : await html();
              // Until Sandbox puts its iframe in it, the empty full-page container would swallow
              // clicks on our link. The page's CSP admits only styles with its nonce.
              const nonce = /'nonce-([^']+)'/.exec(text)?.[1] ?? '';
              const style = `<style nonce="${nonce}">#embeddableSandbox:empty { pointer-events: none; }</style>`;
              return text.replace(APOLLO_FALLBACK, `${style}\n${sandboxFallbackHtml(graphiql)}`);
            },
          };
        },
      };
    },
  };
}

export interface SandboxApolloConfig {
  introspection: boolean;
  plugins: ApolloServerPlugin[];
}

/** What ApolloServer's options need for the landing page and introspection. */
export function sandboxApolloConfig(opts: {
  settings: SandboxSettings;
  auth?: CallerAuthSettings | undefined;
  zohoMode: ZohoAuthMode;
}): SandboxApolloConfig {
  const { settings } = opts;
  if (!settings.landingPage) {
    // Without this plugin Apollo Server would install its own default page.
    return { introspection: settings.introspection, plugins: [ApolloServerPluginLandingPageDisabled()] };
  }
  return {
    introspection: settings.introspection,
    plugins: [
      withOfflineFallback(
        ApolloServerPluginLandingPageLocalDefault({
          document: SANDBOX_DOCUMENT,
          variables: SANDBOX_VARIABLES,
          // The Zoho data behind this gateway is the caller's business, not Apollo's.
          includeCookies: false,
          embed: {
            runTelemetry: false,
            // The endpoint is the page's own URL (/graphql on this server).
            endpointIsEditable: false,
            initialState: {
              pollForSchemaUpdates: true,
              sharedHeaders: sandboxHeaders(opts.auth, opts.zohoMode),
            },
          },
        }),
        settings.graphiql,
      ),
    ],
  };
}
