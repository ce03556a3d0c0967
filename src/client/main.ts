/** The client's entry: filled in by the client commit. */
export interface ClientIo {
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export function runClient(argv: readonly string[], io: ClientIo): Promise<number> {
  io.stderr.write(`actions-runner-manager: unknown command ${argv[0] ?? "(none)"}; try --help\n`);
  return Promise.resolve(2);
}
