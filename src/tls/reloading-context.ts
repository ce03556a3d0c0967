/**
 * The server's TLS settings, and certificate rotation without a restart.
 *
 * `watchTlsFiles` watches the *directory* of each configured file, because Kubernetes updates a Secret
 * volume by writing a new timestamped directory and renaming the `..data` symlink over the old one: a
 * watch on the file itself follows the old inode, which is then deleted, and never fires again. After a
 * quiet period (the debounce), the files are read again; if they differ from what is being served and
 * make a valid pair, `apply` receives the new options (the server calls `setSecureContext` with them).
 * A pair that does not match, or a file that cannot be read, leaves the old certificate in service.
 */
import { watch, readFileSync, type FSWatcher } from "node:fs";
import { createHash, X509Certificate } from "node:crypto";
import { dirname, resolve } from "node:path";
import { createSecureContext, type SecureContextOptions } from "node:tls";

/**
 * TLS 1.2 with forward secrecy and authenticated encryption only (ECDHE with AES-GCM or ChaCha20-Poly1305,
 * Mozilla's "intermediate" list without the DHE suites); TLS 1.3 keeps OpenSSL's default suites, which are
 * all of that kind. No TLS_* name is listed, so Node leaves the TLS 1.3 suites alone.
 */
export const TLS12_CIPHERS = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
].join(":");

/** Passed again with every new context: setSecureContext builds it from these options alone. */
export const TLS_PROTOCOL_OPTIONS = {
  minVersion: "TLSv1.2",
  ciphers: TLS12_CIPHERS,
  honorCipherOrder: true,
} as const satisfies SecureContextOptions;

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  /** PEM bundle of the CAs whose client certificates are accepted (mutual TLS); none: no client certificate asked */
  clientCAFile?: string | undefined;
}

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
}

/** What to log about a certificate: enough to tell which one is served and when it runs out, nothing secret. */
export interface CertificateSummary {
  fingerprint256: string;
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
}

export function readTlsMaterial(files: TlsFiles): TlsMaterial {
  const read = (path: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new Error(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  };
  const material: TlsMaterial = { cert: read(files.certFile), key: read(files.keyFile) };
  if (files.clientCAFile !== undefined) material.ca = read(files.clientCAFile);
  return material;
}

export function secureContextOptions(material: TlsMaterial): SecureContextOptions {
  return { ...TLS_PROTOCOL_OPTIONS, cert: material.cert, key: material.key, ...(material.ca ? { ca: material.ca } : {}) };
}

/**
 * Builds a secure context from the material once, so that a key that does not belong to the certificate, or a
 * file that is not PEM, is found before the server is touched (setSecureContext changes some of the server's
 * fields before it throws). Returns the served certificate's summary.
 */
export function checkTlsMaterial(material: TlsMaterial): CertificateSummary {
  createSecureContext(secureContextOptions(material));
  const leaf = new X509Certificate(material.cert);
  return {
    fingerprint256: leaf.fingerprint256,
    subject: leaf.subject.replaceAll("\n", ", "),
    issuer: leaf.issuer.replaceAll("\n", ", "),
    validFrom: new Date(leaf.validFrom).toISOString(),
    validTo: new Date(leaf.validTo).toISOString(),
  };
}

export interface TlsLog {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}

export interface WatchTlsFilesOptions {
  files: TlsFiles;
  /** what is being served now; the files are compared with it, so that unrelated changes in a directory do nothing */
  current: TlsMaterial;
  /** installs new options; a throw counts as a failed reload */
  apply(options: SecureContextOptions): void;
  log: TlsLog;
  /** quiet time after the last change before the files are read (a rotation writes several files) */
  debounceMs?: number;
  /** also look every so often, for file systems without change notification; 0 = only on notification */
  pollIntervalMs?: number;
  /** for the clock in log lines about expiry */
  now?: () => Date;
  /** each certificate put in service by a reload (metrics: its expiry) */
  onReloaded?: (summary: CertificateSummary) => void;
}

export interface TlsFileWatcher {
  /** reads the files now (what a change notification does after the debounce); true when a new context was installed */
  reload(): boolean;
  close(): void;
}

const digest = (m: TlsMaterial) =>
  createHash("sha256")
    .update(m.cert)
    .update("\0")
    .update(m.key)
    .update("\0")
    .update(m.ca ?? "")
    .digest("hex");

export function watchTlsFiles(options: WatchTlsFilesOptions): TlsFileWatcher {
  const { files, log } = options;
  const debounceMs = options.debounceMs ?? 200;
  const now = options.now ?? (() => new Date());
  let served = digest(options.current);
  // What failed last, so that a bad pair left in place is reported once, not at every change or poll.
  let lastProblem: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const refuse = (problem: string, error: unknown) => {
    if (problem === lastProblem) return;
    lastProblem = problem;
    log.warn("TLS files changed but cannot be used; still serving the previous certificate", {
      certFile: files.certFile,
      keyFile: files.keyFile,
      ...(files.clientCAFile === undefined ? {} : { clientCAFile: files.clientCAFile }),
      reason: error instanceof Error ? error.message : String(error),
    });
  };

  const reload = (): boolean => {
    let next: TlsMaterial;
    try {
      next = readTlsMaterial(files);
    } catch (error) {
      // A file missing for a moment during a rotation lands here too; the next change retries.
      refuse(`unreadable: ${error instanceof Error ? error.message : String(error)}`, error);
      return false;
    }
    const nextDigest = digest(next);
    if (nextDigest === served) {
      lastProblem = undefined;
      return false;
    }
    let summary: CertificateSummary;
    try {
      summary = checkTlsMaterial(next);
      options.apply(secureContextOptions(next));
    } catch (error) {
      // A half-finished rotation (the new certificate, the old key) lands here; the next change retries.
      refuse(nextDigest, error);
      return false;
    }
    served = nextDigest;
    lastProblem = undefined;
    const fields = { ...summary, ...(next.ca ? { clientCA: true } : {}) };
    if (new Date(summary.validTo) <= now()) log.warn("TLS certificate reloaded, but it has expired", fields);
    else log.info("TLS certificate reloaded", fields);
    options.onReloaded?.(summary);
    return true;
  };

  const schedule = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (!closed) reload();
    }, debounceMs);
    timer.unref();
  };

  const directories = new Set(
    [files.certFile, files.keyFile, files.clientCAFile].flatMap((f) => (f === undefined ? [] : [dirname(resolve(f))])),
  );
  const watchers: FSWatcher[] = [];
  for (const directory of directories) {
    try {
      const watcher = watch(directory, { persistent: false }, schedule);
      // The directory can go away (an unmounted volume): say so, and let the poll (if any) carry on.
      watcher.on("error", (error) => log.warn("cannot watch a TLS file directory any more", { directory, reason: error.message }));
      watchers.push(watcher);
    } catch (error) {
      log.warn("cannot watch a TLS file directory; certificates will not be reloaded on change", {
        directory,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  const poll = options.pollIntervalMs ? setInterval(schedule, options.pollIntervalMs) : undefined;
  poll?.unref();

  return {
    reload,
    close() {
      closed = true;
      clearTimeout(timer);
      clearInterval(poll);
      for (const watcher of watchers) watcher.close();
    },
  };
}
