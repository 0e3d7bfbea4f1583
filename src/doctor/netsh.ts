// Windows excluded port ranges (Hyper-V / WinNAT reservations): nothing may bind a port inside one.
// `netsh int ipv4 show excludedportrange protocol=tcp` lists them; it is the one child process
// doctor starts, on win32 only, with an argv array and a deadline. The parser is pure.

import { execFile } from 'node:child_process';

export interface ExcludedRange {
  start: number;
  end: number;
  /** Marked `*`: an administered exclusion (added with `netsh … add excludedportrange`), not a dynamic one. */
  administered: boolean;
}

export const NETSH_ARGS = ['int', 'ipv4', 'show', 'excludedportrange', 'protocol=tcp'] as const;

/**
 * Parse netsh's table. Only the data rows count ("  start  end  [*]"); headings, the dashes and the
 * footnote are skipped, so localized Windows output parses the same. Ranges come back sorted.
 */
export function parseExcludedPortRanges(text: string): ExcludedRange[] {
  const out: ExcludedRange[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(\d{1,5})\s+(\d{1,5})\s*(\*)?\s*$/.exec(line);
    if (!m) continue;
    const start = Number(m[1]);
    const end = Number(m[2]);
    if (start < 1 || end > 65_535 || end < start) continue;
    out.push({ start, end, administered: m[3] === '*' });
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}

/** The range that covers `port`, if any. */
export function rangeCovering(ranges: readonly ExcludedRange[], port: number): ExcludedRange | undefined {
  return ranges.find((r) => r.start <= port && port <= r.end);
}

export function rangeText(r: ExcludedRange): string {
  return r.start === r.end ? String(r.start) : `${r.start}-${r.end}`;
}

export type RunNetsh = () => Promise<string>;

/** Run netsh (win32 only; elsewhere it is never called), killed after 10 s. */
export const runNetsh: RunNetsh = () =>
  new Promise((resolve, reject) => {
    execFile('netsh', [...NETSH_ARGS], { timeout: 10_000, windowsHide: true, maxBuffer: 1024 * 1024 }, (err, stdout) => {
      if (err) reject(new Error(err.message, { cause: err }));
      else resolve(stdout);
    });
  });

/**
 * The excluded ranges on this machine: `undefined` off Windows, `{ error }` when netsh could not tell.
 */
export async function excludedRanges(
  platform: NodeJS.Platform,
  run: RunNetsh = runNetsh,
): Promise<{ ranges: ExcludedRange[] } | { error: string } | undefined> {
  if (platform !== 'win32') return undefined;
  try {
    return { ranges: parseExcludedPortRanges(await run()) };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}
