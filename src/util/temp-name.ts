// Names for temp files created with O_EXCL ('wx'): unique per process and call, which is all
// 'wx' needs (a clash fails loudly instead of sharing a file). Not random on purpose: node:crypto
// costs several milliseconds to load, and the state-file path is on every command's start-up.

let counter = 0;

/** `<prefix>.<pid>.<n><time>.tmp` */
export function tempName(prefix: string): string {
  counter += 1;
  return `${prefix}.${process.pid}.${counter.toString(36)}${Date.now().toString(36)}.tmp`;
}
