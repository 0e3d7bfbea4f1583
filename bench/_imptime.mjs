const t0 = performance.now();
const order = process.argv.slice(2);
for (const m of order) { const s = performance.now(); await import(m); console.log(m.padEnd(50), (performance.now() - s).toFixed(0)); }
console.log('total', (performance.now() - t0).toFixed(0), 'since process start', (performance.now()).toFixed(0));
