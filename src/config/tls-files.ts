/**
 * server.tls's files, checked at start-up: readable, a certificate and an unencrypted private key that
 * belong together, and a readable CA file for client certificates. server.ts reads them again when they
 * change; a mistake found here stops the server before it listens instead.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from "node:crypto";
import { readErrorText, valueAt, type Finding } from "./problems.js";
import { tlsSchema } from "./schema.js";
import type { ReadFile } from "./secrets.js";

interface TlsFields {
  enabled: boolean;
  certFile?: string;
  keyFile?: string;
  clientCAFile?: string;
}

/** server.tls's fields that are valid on their own, so the files are checked even when another key is wrong. */
function tlsFields(raw: unknown): TlsFields {
  const tls = valueAt(raw, ["server", "tls"]);
  const { enabled, certFile, keyFile, clientCAFile } = tlsSchema.shape;
  return {
    enabled: enabled.safeParse(valueAt(tls, ["enabled"])).data ?? false,
    certFile: certFile.safeParse(valueAt(tls, ["certFile"])).data,
    keyFile: keyFile.safeParse(valueAt(tls, ["keyFile"])).data,
    clientCAFile: clientCAFile.safeParse(valueAt(tls, ["clientCAFile"])).data,
  };
}

/** Problems with the TLS files named in `raw` (the file as parsed, before validation); none when TLS is off. */
export function tlsFileFindings(raw: unknown, readFile: ReadFile): Finding[] {
  const tls = tlsFields(raw);
  if (!tls.enabled) return [];
  const findings: Finding[] = [];
  const read = (key: "certFile" | "keyFile" | "clientCAFile", path: string): string | undefined => {
    try {
      return readFile(path);
    } catch (error) {
      findings.push({ path: ["server", "tls", key], message: `cannot read ${path} (${readErrorText(error)})` });
      return undefined;
    }
  };
  const certText = tls.certFile === undefined ? undefined : read("certFile", tls.certFile);
  const keyText = tls.keyFile === undefined ? undefined : read("keyFile", tls.keyFile);
  let cert: X509Certificate | undefined;
  let key: KeyObject | undefined;
  if (certText !== undefined) {
    try {
      cert = new X509Certificate(certText);
    } catch {
      const swapped = certText.includes("PRIVATE KEY-----") ? " (it holds a private key: are certFile and keyFile swapped?)" : "";
      findings.push({ path: ["server", "tls", "certFile"], message: `${tls.certFile ?? ""} is not a PEM certificate${swapped}` });
    }
  }
  if (keyText !== undefined) {
    try {
      key = createPrivateKey(keyText);
    } catch {
      const swapped = keyText.includes("BEGIN CERTIFICATE") ? " (it holds a certificate: are certFile and keyFile swapped?)" : "";
      const message = `${tls.keyFile ?? ""} is not an unencrypted PEM private key${swapped}`;
      findings.push({ path: ["server", "tls", "keyFile"], message });
    }
  }
  if (cert && key && !cert.checkPrivateKey(key)) {
    const message = `${tls.keyFile ?? ""} is not the private key of the certificate in ${tls.certFile ?? ""}`;
    findings.push({ path: ["server", "tls", "keyFile"], message });
  }
  const caText = tls.clientCAFile === undefined ? undefined : read("clientCAFile", tls.clientCAFile);
  if (caText !== undefined) {
    try {
      new X509Certificate(caText);
    } catch {
      findings.push({ path: ["server", "tls", "clientCAFile"], message: `${tls.clientCAFile ?? ""} is not a PEM certificate` });
    }
  }
  return findings;
}
