/**
 * --out FILE: a minted token or JIT configuration, written so that no other user can read it at any moment
 * and no reader sees half of it: a temporary file created 0600 beside FILE, filled, flushed, renamed over FILE.
 * The file holds exactly the secret, without a newline (NixOS' tokenFile wants "exactly one line … without
 * any newline").
 */
import { randomBytes } from "node:crypto";
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

export function writeSecretFile(path: string, secret: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  // "wx": never follow or reuse a file someone else prepared under that name
  const fd = openSync(temporary, "wx", 0o600);
  try {
    // the umask can only narrow the mode; this makes sure it is exactly 0600 whatever the umask
    fchmodSync(fd, 0o600);
    writeSync(fd, secret);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
