// Summaries of repeated measurements: the median decides, min and max show the spread.

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export function summarize(samples: readonly number[]): Summary {
  const xs = [...samples].sort((a, b) => a - b);
  const n = xs.length;
  if (n === 0) return { n: 0, median: Number.NaN, min: Number.NaN, max: Number.NaN, samples: [] };
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? (xs[mid] as number) : ((xs[mid - 1] as number) + (xs[mid] as number)) / 2;
  return { n, median, min: xs[0] as number, max: xs[n - 1] as number, samples: [...samples] };
}

/** Each sample minus a constant (e.g. a run with recovery minus the clean median). */
export function shift(s: Summary, by: number): Summary {
  return summarize(s.samples.map((x) => x - by));
}
