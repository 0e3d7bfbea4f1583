import { describe, expect, it } from 'vitest';
import { demuxLogs, splitTtyLogs } from '../../../src/engine/logs.js';

function frame(type: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header.writeUInt8(type, 0);
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('demuxLogs', () => {
  it('splits frames into lines per stream, joining lines split across frames', () => {
    const body = Buffer.concat([frame(1, 'hello\nwor'), frame(2, 'oops\n'), frame(1, 'ld\n'), frame(1, 'tail')]);
    expect(demuxLogs(body)).toEqual([
      { stream: 'stdout', text: 'hello' },
      { stream: 'stderr', text: 'oops' },
      { stream: 'stdout', text: 'world' },
      { stream: 'stdout', text: 'tail' },
    ]);
  });

  it('raw (non-multiplexed) output passes through as stdout', () => {
    expect(demuxLogs(Buffer.from('plain text\nsecond\n'))).toEqual([
      { stream: 'stdout', text: 'plain text' },
      { stream: 'stdout', text: 'second' },
    ]);
    expect(splitTtyLogs(Buffer.from('a\r\nb\n'))).toEqual([
      { stream: 'stdout', text: 'a' },
      { stream: 'stdout', text: 'b' },
    ]);
    expect(demuxLogs(Buffer.alloc(0))).toEqual([]);
  });
});
