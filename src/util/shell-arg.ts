// A word as the user would type it back into a shell: quoted only when it needs to be. For advice
// that names a command to run.

export function shellArg(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'"'"'`)}'`;
}
