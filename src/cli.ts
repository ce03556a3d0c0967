#!/usr/bin/env node
/**
 * `actions-runner-manager <command>`: the package's one command. `serve` runs the server; every other
 * command is the client (src/client/), which runners hosts and CI jobs call. The server's modules are
 * imported only for `serve`, so that the client starts in the time Node itself takes.
 */
import { runClient } from "./client/main.js";

const [command, ...rest] = process.argv.slice(2);

if (command === "serve") {
  const { runServeCommand } = await import("./serve-command.js");
  await runServeCommand(rest);
} else {
  process.exitCode = await runClient(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr });
}
