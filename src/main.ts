/**
 * `node dist/main.js [--config PATH]`, kept for images and scripts that started the server this way before
 * the `actions-runner-manager serve` command (src/cli.ts) existed.
 */
import { runServeCommand } from "./serve-command.js";

await runServeCommand(process.argv.slice(2));
