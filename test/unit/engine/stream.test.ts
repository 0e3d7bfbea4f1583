import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readJsonLines, streamError, type JsonMessage } from '../../../src/engine/stream.js';

describe('readJsonLines', () => {
  it('parses JSON lines split across chunks; other lines arrive as { stream }', async () => {
    const chunks = ['{"status":"Pulling fs layer","id":"a1"}\n{"stat', 'us":"Downloading","id":"a1","progressDetail":{"current":5,"total":10}}\r\n', '\nplain text\n{"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"}'];
    const got: JsonMessage[] = [];
    await readJsonLines(Readable.from(chunks.map((c) => Buffer.from(c))), (m) => got.push(m));
    expect(got).toEqual([
      { status: 'Pulling fs layer', id: 'a1' },
      { status: 'Downloading', id: 'a1', progressDetail: { current: 5, total: 10 } },
      { stream: 'plain text' },
      { errorDetail: { message: 'manifest unknown' }, error: 'manifest unknown' },
    ]);
    expect(got.map(streamError)).toEqual([undefined, undefined, undefined, 'manifest unknown']);
    expect(streamError({ error: 'only error' })).toBe('only error');
  });

  it('rejects with the abort reason and destroys the stream', async () => {
    const ac = new AbortController();
    const never = new Readable({ read() {} });
    const p = readJsonLines(never, () => undefined, ac.signal);
    ac.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(never.destroyed).toBe(true);
  });
});
