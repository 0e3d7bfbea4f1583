// `node --require bench/rss-hook.cjs …`: when the process exits, write its peak resident set size
// (KB, from getrusage) to $GDL_BENCH_RSS_FILE. Loaded by the benchmark only.
'use strict';
const fs = require('node:fs');
const file = process.env.GDL_BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    try {
      fs.writeFileSync(file, String(process.resourceUsage().maxRSS) + '\n');
    } catch {
      // the benchmark reports the figure as missing
    }
  });
}
