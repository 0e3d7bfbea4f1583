// One clock for everything the bench compares with the Engine's timestamps: epoch milliseconds
// with sub-millisecond resolution (performance.now() anchored at performance.timeOrigin).

export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Docker's RFC 3339 timestamps carry nanoseconds ("…T12:26:16.123456789Z"): keep the fraction. */
export function parseDockerTime(text: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (!m) throw new Error(`not a Docker timestamp: ${text}`);
  const whole = Date.parse(`${m[1]}${m[3]}`);
  const fraction = m[2] ? Number(`0.${m[2]}`) * 1000 : 0;
  return whole + fraction;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
