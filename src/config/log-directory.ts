/**
 * logging.logDirectory, made ready at start-up: created when missing and proved writable, so that a
 * directory the server cannot use stops it before it serves anything, with a message naming the key, the
 * directory, the reason in plain words and the way out (logging.ephemeral: true), never a bare
 * "EACCES: permission denied, mkdir …". create-logger.ts words a failure of its own the same way.
 */
import { accessSync, constants, mkdirSync, statSync } from "node:fs";

/** Why a directory cannot be used, by the error code Node gives; the code itself for any other. */
function reason(error: unknown, directory: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  const at = (error as { path?: unknown } | null)?.path;
  const where = typeof at === "string" && at.replace(/\/+$/, "") !== directory.replace(/\/+$/, "") ? ` (at ${at})` : "";
  const uid = process.getuid?.();
  const user = uid === undefined ? "this user" : `this user (uid ${uid})`;
  switch (code) {
    case "EACCES":
    case "EPERM":
      return `permission denied: ${user} may not create or write files there${where}`;
    case "EROFS":
      return `it is on a read-only file system${where}`;
    case "ENOTDIR":
      return `part of the path is a file, not a directory${where}`;
    case "EEXIST":
      return "it exists and is not a directory";
    case "ENOENT":
      return `part of the path does not exist and cannot be created${where}`;
    case "ENOSPC":
      return "the disk is full";
    case "EDQUOT":
      return "this user's disk quota is used up";
    case "ENAMETOOLONG":
      return "the path is too long";
    case "ELOOP":
      return "the path has a loop of symbolic links";
    default:
      return typeof code === "string" ? `the system refused it (${code})` : error instanceof Error ? error.message : String(error);
  }
}

/** The one sentence an operator reads when `directory` cannot be used; `error` is the file system's refusal. */
export function logDirectoryProblem(directory: string, error: unknown): string {
  return (
    `cannot create or write ${directory}: ${reason(error, directory)}. ` +
    "Set logging.ephemeral: true to log to stdout only (the usual choice in a container), " +
    "or choose a directory this user may write"
  );
}

/**
 * Creates `directory` (and its parents) when missing and checks that this process may create files in it.
 * Returns the problem in plain words (see logDirectoryProblem), or undefined when the directory is ready.
 */
export function prepareLogDirectory(directory: string): string | undefined {
  try {
    mkdirSync(directory, { recursive: true });
    // mkdir -p succeeds on an existing directory whatever its permissions, and the access check is
    // the kernel's own answer for this process (a read-only mount refuses root too).
    if (!statSync(directory).isDirectory()) throw Object.assign(new Error("not a directory"), { code: "EEXIST" });
    accessSync(directory, constants.W_OK | constants.X_OK);
    return undefined;
  } catch (error) {
    return logDirectoryProblem(directory, error);
  }
}
