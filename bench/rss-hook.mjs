// `node --import ./bench/rss-hook.mjs …`: when the process exits, write its peak resident set size
// (KB, from getrusage) to $GDL_BENCH_RSS_FILE. Loaded by the benchmark only.
import { writeFileSync } from 'node:fs';

const file = process.env.GDL_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      writeFileSync(file, `${process.resourceUsage().maxRSS}\n`);
    } catch {
      // the benchmark reports the figure as missing
    }
  });
}
