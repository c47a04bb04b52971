/**
 * The templated route key under which a /crm request is counted (CONTRACT.md, stats): method,
 * path without its query string, module names literal, record ids as `{id}` and message ids as
 * `{message_id}`. It is computed from the raw URL before routing, so that rejected and unknown
 * requests are counted too.
 */
export function routeKeyOf(method: string, rawUrl: string): string {
  const q = rawUrl.indexOf('?');
  const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const segments = path.split('/');
  const templated = segments.map((seg, i) => {
    if (seg === '') return seg;
    // A message id is whatever follows /Emails/ unless it is the literal `actions` segment.
    if (segments[i - 1] === 'Emails' && seg !== 'actions') return '{message_id}';
    if (/^\d+$/.test(seg)) return '{id}';
    return seg;
  });
  return `${method.toUpperCase()} ${templated.join('/')}`;
}

/** True for the API routes that are authenticated, limited and counted. */
export function isCrmUrl(rawUrl: string): boolean {
  return rawUrl === '/crm' || rawUrl.startsWith('/crm/') || rawUrl.startsWith('/crm?');
}
