import { describe, expect, it } from 'vitest';
import { NETSH_ARGS, excludedRanges, parseExcludedPortRanges, rangeCovering, rangeText } from '../../../src/doctor/netsh.js';

/** `netsh int ipv4 show excludedportrange protocol=tcp` on Windows 11 with Hyper-V/WSL (CRLF, as netsh prints). */
const ENGLISH = [
  '',
  'Protocol tcp Port Exclusion Ranges',
  '',
  'Start Port    End Port',
  '----------    --------',
  '      1080        1179',
  '      2869        2869',
  '      3949        4048',
  '      5357        5357',
  '      8005        8104',
  '     50000       50059     *',
  '',
  '* - Administered port exclusions.',
  '',
].join('\r\n');

/** The same table on a German Windows: the headings change, the rows do not. */
const GERMAN = [
  '',
  'Protokoll tcp Portausschlussbereiche',
  '',
  'Startport    Endport',
  '----------    --------',
  '      2869        2869',
  '      4000        4000     *',
  '',
  '* - Verwaltete Portausschlüsse.',
  '',
].join('\r\n');

describe('parseExcludedPortRanges', () => {
  it('reads every data row of the English table, administered ones marked', () => {
    expect(parseExcludedPortRanges(ENGLISH)).toEqual([
      { start: 1080, end: 1179, administered: false },
      { start: 2869, end: 2869, administered: false },
      { start: 3949, end: 4048, administered: false },
      { start: 5357, end: 5357, administered: false },
      { start: 8005, end: 8104, administered: false },
      { start: 50000, end: 50059, administered: true },
    ]);
  });

  it('reads a localized table the same way', () => {
    expect(parseExcludedPortRanges(GERMAN)).toEqual([
      { start: 2869, end: 2869, administered: false },
      { start: 4000, end: 4000, administered: true },
    ]);
  });

  it('empty output, an error text, bad rows: no ranges', () => {
    expect(parseExcludedPortRanges('')).toEqual([]);
    expect(parseExcludedPortRanges('The requested operation requires elevation (Run as administrator).\r\n')).toEqual([]);
    expect(parseExcludedPortRanges('  0   10\n  70000  70001\n  500  400\n  12 abc\n')).toEqual([]);
  });

  it('LF-only output and unsorted rows are fine', () => {
    expect(parseExcludedPortRanges('  9000  9010\n  100  200\n')).toEqual([
      { start: 100, end: 200, administered: false },
      { start: 9000, end: 9010, administered: false },
    ]);
  });
});

describe('rangeCovering', () => {
  const ranges = parseExcludedPortRanges(ENGLISH);
  it('finds the range that covers a bundle port, bounds included', () => {
    expect(rangeCovering(ranges, 4000)).toEqual({ start: 3949, end: 4048, administered: false });
    expect(rangeCovering(ranges, 8085)).toMatchObject({ start: 8005, end: 8104 });
    expect(rangeCovering(ranges, 1080)).toMatchObject({ start: 1080 });
    expect(rangeCovering(ranges, 1179)).toMatchObject({ end: 1179 });
    expect(rangeCovering(ranges, 8080)).toMatchObject({ start: 8005, end: 8104 });
    expect(rangeCovering(ranges, 3002)).toBeUndefined();
    expect(rangeCovering(ranges, 3306)).toBeUndefined();
  });
  it('prints a range as start-end, a single port as itself', () => {
    expect(rangeText({ start: 3949, end: 4048, administered: false })).toBe('3949-4048');
    expect(rangeText({ start: 2869, end: 2869, administered: false })).toBe('2869');
  });
});

describe('excludedRanges', () => {
  it('off Windows: netsh is never run', async () => {
    let ran = false;
    const run = () => {
      ran = true;
      return Promise.resolve(ENGLISH);
    };
    expect(await excludedRanges('linux', run)).toBeUndefined();
    expect(await excludedRanges('darwin', run)).toBeUndefined();
    expect(ran).toBe(false);
  });
  it('on Windows: the parsed table, or the error', async () => {
    expect(await excludedRanges('win32', () => Promise.resolve(GERMAN))).toEqual({ ranges: parseExcludedPortRanges(GERMAN) });
    expect(await excludedRanges('win32', () => Promise.reject(new Error('spawn netsh ENOENT')))).toEqual({ error: 'spawn netsh ENOENT' });
  });
  it('the argv is the documented command, no shell', () => {
    expect(['netsh', ...NETSH_ARGS].join(' ')).toBe('netsh int ipv4 show excludedportrange protocol=tcp');
  });
});
