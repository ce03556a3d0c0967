/**
 * The two secrets, each from the file or from the environment (which wins, with a warning naming the key it
 * overrides): the App's private key, given as a value or as the path of a file holding it, and the Redis URL.
 * Kubernetes hands secrets over as environment variables or mounted files, so both are accepted. A problem
 * names the variable or key and the file, never the secret.
 */
import { decodePrivateKey } from "./private-key.js";
import { readErrorText, valueAt, type Finding } from "./problems.js";
import { redisUrlProblem } from "./redis-url.js";

export type Env = Record<string, string | undefined>;
export type ReadFile = (path: string) => string;

/** Environment variables that override the file's privateKey / privateKeyFile. */
export const PRIVATE_KEY_ENV = "ARM_PRIVATE_KEY";
export const PRIVATE_KEY_FILE_ENV = "ARM_PRIVATE_KEY_FILE";
/** Environment variables that override the file's redis.url (the Helm chart passes a Secret's URL this way). */
export const REDIS_URL_ENV = "ARM_REDIS_URL";
export const REDIS_URL_FILE_ENV = "ARM_REDIS_URL_FILE";
/** Environment variables that override the file's metrics.token (the Helm chart passes a Secret's file this way). */
export const METRICS_TOKEN_ENV = "ARM_METRICS_TOKEN";
export const METRICS_TOKEN_FILE_ENV = "ARM_METRICS_TOKEN_FILE";

/**
 * The environment variables that hold a secret's value (not a file's path), which main.ts deletes from
 * process.env once the configuration is read: nothing later in the process (a dependency dumping the
 * environment into a report, a child process) finds them there. /proc/<pid>/environ keeps the value the
 * process started with; the *_FILE forms keep the secret out of the environment altogether.
 */
export const SECRET_VALUE_ENV = [PRIVATE_KEY_ENV, REDIS_URL_ENV, METRICS_TOKEN_ENV] as const;

export function forgetSecretEnv(env: Env): void {
  for (const name of SECRET_VALUE_ENV) delete env[name];
}

export interface PrivateKeyOutcome {
  pem?: string;
  /** problems with the environment variables, which have no place in the file */
  problems: string[];
  warnings: Finding[];
  /** problems with the file's privateKey / privateKeyFile */
  fileProblems: Finding[];
}

/** The App's private key from ARM_PRIVATE_KEY, ARM_PRIVATE_KEY_FILE, or the file's privateKey or privateKeyFile. */
export function resolvePrivateKey(file: Record<string, unknown>, env: Env, readFile: ReadFile): PrivateKeyOutcome {
  const out: PrivateKeyOutcome = { problems: [], warnings: [], fileProblems: [] };
  const envKey = env[PRIVATE_KEY_ENV]?.trim() ? env[PRIVATE_KEY_ENV] : undefined;
  const envKeyFile = env[PRIVATE_KEY_FILE_ENV]?.trim() ? env[PRIVATE_KEY_FILE_ENV]?.trim() : undefined;
  // Wrongly typed values are reported by the schema; here they simply do not count as a source.
  const fileKey = typeof file.privateKey === "string" && file.privateKey.trim() !== "" ? file.privateKey : undefined;
  const fileKeyFile = typeof file.privateKeyFile === "string" && file.privateKeyFile.trim() !== "" ? file.privateKeyFile.trim() : undefined;
  const wronglyTyped = [file.privateKey, file.privateKeyFile].some((v) => v !== undefined && typeof v !== "string");

  type Source = { kind: "value" | "file"; text: string; env: boolean; name: string };
  let source: Source | undefined;
  if (envKey !== undefined || envKeyFile !== undefined) {
    if (envKey !== undefined && envKeyFile !== undefined) {
      out.problems.push(`${PRIVATE_KEY_ENV} and ${PRIVATE_KEY_FILE_ENV} (environment): both are set; set only one`);
      return out;
    }
    const envName = envKey !== undefined ? PRIVATE_KEY_ENV : PRIVATE_KEY_FILE_ENV;
    for (const key of ["privateKey", "privateKeyFile"] as const) {
      if ((key === "privateKey" ? fileKey : fileKeyFile) !== undefined) {
        out.warnings.push({ path: [key], message: `is ignored: the environment variable ${envName} overrides it` });
      }
    }
    source =
      envKey !== undefined
        ? { kind: "value", text: envKey, env: true, name: `${PRIVATE_KEY_ENV} (environment)` }
        : { kind: "file", text: envKeyFile ?? "", env: true, name: `${PRIVATE_KEY_FILE_ENV}=${envKeyFile} (environment)` };
  } else if (fileKey !== undefined && fileKeyFile !== undefined) {
    out.fileProblems.push({ path: ["privateKeyFile"], message: "conflicts with privateKey: set only one of them" });
    return out;
  } else if (fileKey !== undefined) {
    source = { kind: "value", text: fileKey, env: false, name: "privateKey" };
  } else if (fileKeyFile !== undefined) {
    source = { kind: "file", text: fileKeyFile, env: false, name: "privateKeyFile" };
  } else if (!wronglyTyped) {
    out.fileProblems.push({
      path: ["privateKey"],
      message:
        `required: the App's private key PEM, or base64 of it (or privateKeyFile: the PEM's path; ` +
        `or the environment variable ${PRIVATE_KEY_ENV} or ${PRIVATE_KEY_FILE_ENV})`,
    });
    return out;
  } else {
    return out; // the schema reports the wrongly typed key
  }

  const report = (message: string) => {
    if (source.env) out.problems.push(`${source.name}: ${message}`);
    else out.fileProblems.push({ path: [source.name], message });
  };
  let text = source.text;
  if (source.kind === "file") {
    try {
      text = readFile(source.text);
    } catch (error) {
      report(`cannot read ${source.text} (${readErrorText(error)})`);
      return out;
    }
  }
  const decoded = decodePrivateKey(text);
  if ("problem" in decoded) {
    const hint = source.kind === "value" && !source.env && /^[./~]/.test(text.trim()) ? " (a path? use privateKeyFile for a path)" : "";
    report(`${source.kind === "file" ? `${source.text} ` : ""}${decoded.problem}${hint}`);
  } else {
    out.pem = decoded.pem;
  }
  return out;
}

export interface RedisUrlOutcome {
  /** the URL from ARM_REDIS_URL / ARM_REDIS_URL_FILE, when one of them is set and valid */
  url?: string;
  problems: string[];
  warnings: Finding[];
}

/** ARM_REDIS_URL or ARM_REDIS_URL_FILE, which override redis.url (the schema checks the file's own). */
export function resolveRedisUrlEnv(raw: Record<string, unknown>, env: Env, readFile: ReadFile): RedisUrlOutcome {
  const out: RedisUrlOutcome = { problems: [], warnings: [] };
  const value = env[REDIS_URL_ENV]?.trim() || undefined;
  const file = env[REDIS_URL_FILE_ENV]?.trim() || undefined;
  if (value === undefined && file === undefined) return out;
  if (value !== undefined && file !== undefined) {
    out.problems.push(`${REDIS_URL_ENV} and ${REDIS_URL_FILE_ENV} (environment): both are set; set only one`);
    return out;
  }
  let url = value;
  const name = value !== undefined ? `${REDIS_URL_ENV} (environment)` : `${REDIS_URL_FILE_ENV}=${file ?? ""} (environment)`;
  if (file !== undefined) {
    try {
      url = readFile(file).trim();
    } catch (error) {
      out.problems.push(`${name}: cannot read ${file} (${readErrorText(error)})`);
      return out;
    }
  }
  const problem = url === undefined || url === "" ? "is empty" : redisUrlProblem(url);
  if (problem !== undefined) {
    out.problems.push(`${name}: ${problem}`);
    return out;
  }
  if (valueAt(raw, ["redis", "url"]) !== undefined) {
    out.warnings.push({
      path: ["redis", "url"],
      message: `is ignored: the environment variable ${value !== undefined ? REDIS_URL_ENV : REDIS_URL_FILE_ENV} overrides it`,
    });
  }
  out.url = url;
  return out;
}

/** ARM_METRICS_TOKEN or ARM_METRICS_TOKEN_FILE, which override metrics.token; a problem never shows the token. */
export function resolveMetricsTokenEnv(
  raw: Record<string, unknown>,
  env: Env,
  readFile: ReadFile,
): { token?: string; problems: string[]; warnings: Finding[] } {
  const out: { token?: string; problems: string[]; warnings: Finding[] } = { problems: [], warnings: [] };
  const value = env[METRICS_TOKEN_ENV]?.trim() || undefined;
  const file = env[METRICS_TOKEN_FILE_ENV]?.trim() || undefined;
  if (value === undefined && file === undefined) return out;
  if (value !== undefined && file !== undefined) {
    out.problems.push(`${METRICS_TOKEN_ENV} and ${METRICS_TOKEN_FILE_ENV} (environment): both are set; set only one`);
    return out;
  }
  let token = value;
  const name = value !== undefined ? `${METRICS_TOKEN_ENV} (environment)` : `${METRICS_TOKEN_FILE_ENV}=${file ?? ""} (environment)`;
  if (file !== undefined) {
    try {
      token = readFile(file).trim();
    } catch (error) {
      out.problems.push(`${name}: cannot read ${file} (${readErrorText(error)})`);
      return out;
    }
  }
  if (token === undefined || !/^[!-~]{16,256}$/.test(token)) {
    out.problems.push(`${name}: expected a bearer token of 16 to 256 printable characters, without spaces`);
    return out;
  }
  if (valueAt(raw, ["metrics", "token"]) !== undefined) {
    out.warnings.push({
      path: ["metrics", "token"],
      message: `is ignored: the environment variable ${value !== undefined ? METRICS_TOKEN_ENV : METRICS_TOKEN_FILE_ENV} overrides it`,
    });
  }
  out.token = token;
  return out;
}
