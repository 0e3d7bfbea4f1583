// The process's streams and environment as every command receives them (tests pass their own).
export interface GlobalIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}
