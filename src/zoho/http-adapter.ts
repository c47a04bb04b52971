/**
 * A lean axios adapter: one node:http(s) request on a keep-alive agent, its answer read as text.
 *
 * axios stays the client (its config, headers, validation and errors); only the adapter, the
 * part that speaks HTTP, is replaced. axios's own Node adapter does work that this client never
 * needs on each call: it resolves proxies, wires follow-redirects, converts the body through
 * streams and Buffers, and builds its response through several transforms. Here a call is a
 * request, its body written once, and its answer's chunks joined (docs/benchmarks.md measures the
 * difference, `bench/client-cpu.ts`).
 *
 * What it supports is what the transport asks of axios (src/zoho/transport.ts): absolute URLs, a
 * string body, `signal` (or else `timeout`: an idle socket, as axios's own), `httpAgent`/`httpsAgent`, and
 * compressed answers (gzip, deflate, br; asked for as axios asks). A proxy is not: the transport
 * keeps axios's own adapter when a proxy variable is set.
 */
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { AxiosError, AxiosHeaders, type AxiosAdapter, type AxiosResponse } from 'axios';

const ACCEPT_ENCODING = 'gzip, deflate, br';

export const leanHttpAdapter: AxiosAdapter = (config) =>
  new Promise<AxiosResponse>((resolve, reject) => {
    const url = new URL(config.url ?? '', config.baseURL);
    const secure = url.protocol === 'https:';
    const body = typeof config.data === 'string' ? config.data : config.data == null ? undefined : String(config.data);
    const h = AxiosHeaders.from(config.headers);
    // AxiosHeaders compares names case-insensitively; `false`: never over a caller's own value.
    h.set('Accept-Encoding', ACCEPT_ENCODING, false);
    if (body !== undefined) h.set('Content-Length', String(Buffer.byteLength(body)));
    const headers = h.toJSON(true) as Record<string, string>;

    const options: http.RequestOptions = {
      method: (config.method ?? 'get').toUpperCase(),
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      headers,
      agent: secure ? config.httpsAgent : config.httpAgent,
    };
    let settled = false;
    const signal = config.signal as AbortSignal | undefined;
    const onAbort = () => req.destroy(canceled());
    // Once settled, nothing may hold the request: a signal can outlive it by its whole timeout.
    const done = () => {
      settled = true;
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (err: Error & { code?: string }) => {
      if (settled) return;
      done();
      reject(AxiosError.from(err, err.code, config, req));
    };
    const req = (secure ? https : http).request(options, (res) => {
      const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
      const stream = decoder(encoding, res);
      stream.setEncoding('utf8');
      let text = '';
      stream.on('data', (chunk: string) => (text += chunk));
      stream.on('error', fail);
      stream.on('end', () => {
        if (settled) return;
        done();
        resolve({
          data: text,
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: res.headers as AxiosResponse['headers'],
          config,
          request: req,
        });
      });
    });
    req.on('error', fail);
    if (signal) {
      if (signal.aborted) req.destroy(canceled());
      else signal.addEventListener('abort', onAbort, { once: true });
    } else if (config.timeout) {
      // Without a signal, axios's own meaning: the socket idle for this long.
      req.setTimeout(config.timeout, () =>
        req.destroy(Object.assign(new Error(`timeout of ${config.timeout}ms exceeded`), { code: 'ETIMEDOUT' })),
      );
    }
    req.end(body);
  });

function canceled(): Error & { code: string } {
  return Object.assign(new Error('canceled'), { code: 'ERR_CANCELED' });
}

/** The answer's bytes as sent, or through the decompressor its Content-Encoding names. */
function decoder(
  encoding: string,
  res: http.IncomingMessage,
): NodeJS.ReadableStream & { setEncoding(e: string): void } {
  const pipe = (z: zlib.Unzip | zlib.BrotliDecompress) => {
    res.on('error', (e) => z.destroy(e));
    return res.pipe(z);
  };
  // Unzip reads the header, so it takes gzip and zlib-wrapped deflate alike.
  if (encoding === 'gzip' || encoding === 'x-gzip' || encoding === 'deflate') return pipe(zlib.createUnzip());
  if (encoding === 'br') return pipe(zlib.createBrotliDecompress());
  return res;
}
