/**
 * Where the gateway is and which contacts the picker offers. Both can be set at build time
 * (VITE_GATEWAY_URL, VITE_CONTACT_IDS) and overridden in the page's URL
 * (`?gateway=http://127.0.0.1:4000/graphql&contacts=id1,id2`), so one build serves any gateway.
 */
const params = new URLSearchParams(window.location.search);

export const GATEWAY_URL = params.get('gateway') ?? import.meta.env.VITE_GATEWAY_URL ?? 'http://127.0.0.1:4000/graphql';

/** The demo org's contacts (the embedded emulator); against a real org, pass your own ids. */
const DEMO_CONTACTS = [
  '5843104000005878180', // Rebecca Lindqvist, the article's contact, with 65 emails
  '5843104000000425349',
  '5843104000001289718',
  '5843104000001287692',
  '5843104000001227925',
];

export const CONTACT_IDS: string[] = (params.get('contacts') ?? import.meta.env.VITE_CONTACT_IDS ?? '')
  .split(',')
  .map((s: string) => s.trim())
  .filter(Boolean);
if (CONTACT_IDS.length === 0) CONTACT_IDS.push(...DEMO_CONTACTS);

/** Emails per mutation: a large selection is sent as several, with a progress bar across them. */
export const CHUNK_SIZE = Number(params.get('chunk') ?? 50);
