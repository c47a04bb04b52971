/**
 * GraphQL Mesh composition of the peer baseline: Zoho's own OAS files, as a team would feed them
 * to Mesh, against the bench's emulator. The bench writes the OAS copies (remote $refs mapped to
 * local files) into .work/oas and sets PEER_ZOHO_URL and PEER_ZOHO_TOKEN before composing.
 */
import { defineConfig } from '@graphql-mesh/compose-cli';
import { loadOpenAPISubgraph } from '@omnigraph/openapi';

const url = process.env.PEER_ZOHO_URL ?? 'http://127.0.0.1:4010';
const operationHeaders = { Authorization: `Zoho-oauthtoken ${process.env.PEER_ZOHO_TOKEN ?? ''}` };

export const composeConfig = defineConfig({
  subgraphs: [
    // The .json files' paths already start with /crm/v8; the .yaml's start after it.
    {
      sourceHandler: loadOpenAPISubgraph('ZohoEmails', {
        source: './.work/oas/email_related_records.json',
        endpoint: url,
        operationHeaders,
      }),
    },
    {
      sourceHandler: loadOpenAPISubgraph('ZohoRecords', {
        source: './.work/oas/record.json',
        endpoint: url,
        operationHeaders,
      }),
    },
    {
      sourceHandler: loadOpenAPISubgraph('ZohoDealLinks', {
        source: './.work/oas/deal_link_emails.yaml',
        endpoint: `${url}/crm/v8`,
        operationHeaders,
      }),
    },
  ],
});
