/**
 * Sending a large selection as several mutations, one after the other, so that a screen can show
 * progress and a failure of one call does not lose the results of the others.
 */
export const DEFAULT_CHUNK_SIZE = 50;

export function chunk<T>(items: readonly T[], size = DEFAULT_CHUNK_SIZE): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError('chunk size must be a whole number from 1');
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface ChunkProgress {
  /** Items sent so far (including the chunk that just finished). */
  done: number;
  total: number;
  /** Chunks finished, of `chunks`. */
  chunk: number;
  chunks: number;
}

/**
 * Runs `send` on each chunk in turn and collects its per-item results in input order. A chunk
 * whose call fails as a whole (network, a top-level error) gives each of its items
 * `onChunkError(item, error)`, and the next chunks still run.
 */
export async function sendInChunks<T, R>(
  items: readonly T[],
  send: (chunk: T[]) => Promise<R[]>,
  opts: {
    size?: number;
    onProgress?: (p: ChunkProgress) => void;
    onChunkError: (item: T, error: unknown) => R;
  },
): Promise<R[]> {
  const chunks = chunk(items, opts.size ?? DEFAULT_CHUNK_SIZE);
  const results: R[] = [];
  let done = 0;
  for (const [i, c] of chunks.entries()) {
    try {
      results.push(...(await send(c)));
    } catch (e) {
      results.push(...c.map((item) => opts.onChunkError(item, e)));
    }
    done += c.length;
    opts.onProgress?.({ done, total: items.length, chunk: i + 1, chunks: chunks.length });
  }
  return results;
}
