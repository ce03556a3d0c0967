/**
 * The App's private key as operators hand it over: a PEM, or base64 of one (the Go original's form), possibly
 * pasted with literal "\n"s. GitHub issues PKCS#1 ("RSA PRIVATE KEY"); PKCS#8 ("PRIVATE KEY") works too.
 */
import { createPrivateKey, type KeyObject } from "node:crypto";

/**
 * A PEM, or base64 of a PEM, to the PEM of one unencrypted RSA private key; or the reason it is not one.
 * The reason never contains any part of the input except a PEM label such as "PUBLIC KEY".
 */
export function decodePrivateKey(input: string): { pem: string } | { problem: string } {
  let text = input.trim();
  if (text === "") return { problem: "is empty" };
  if (!text.includes("-----BEGIN")) {
    if (!/^[A-Za-z0-9+/=_\s-]+$/.test(text)) {
      return { problem: "is neither a PEM (-----BEGIN … PRIVATE KEY-----) nor base64 of one" };
    }
    text = Buffer.from(text.replace(/\s+/g, ""), "base64").toString("utf8").trim();
    if (!text.includes("-----BEGIN")) {
      return { problem: "is base64, but of something other than a PEM (expected the output of `base64 < key.pem`)" };
    }
  }
  // A PEM pasted into an environment variable or a JSON string often arrives with literal "\n"s.
  if (!text.includes("\n") && text.includes("\\n")) text = text.replace(/\\n/g, "\n");
  text = text.replace(/\r\n/g, "\n");

  const labels = [...text.matchAll(/-----BEGIN ([A-Z0-9 ]{1,40})-----/g)].map((m) => m[1] ?? "");
  if (labels.includes("ENCRYPTED PRIVATE KEY") || text.includes("Proc-Type: 4,ENCRYPTED")) {
    return { problem: "is an encrypted private key; the App's key must be unencrypted, as GitHub issues it" };
  }
  const block = /-----BEGIN (RSA PRIVATE KEY|PRIVATE KEY)-----[\s\S]*?-----END \1-----/.exec(text);
  if (!block) {
    const cut = labels.find((l) => l === "RSA PRIVATE KEY" || l === "PRIVATE KEY");
    if (cut) return { problem: `holds a "${cut}" block without its -----END line (cut short?)` };
    const found = labels.length > 0 ? `a PEM labelled ${labels.map((l) => `"${l}"`).join(", ")}` : "a PEM without a complete key block";
    return { problem: `is ${found}; expected a private key ("RSA PRIVATE KEY", PKCS#1, or "PRIVATE KEY", PKCS#8)` };
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(block[0]);
  } catch {
    return { problem: `holds a "${block[1]}" block that does not parse as a private key (damaged or cut short?)` };
  }
  if (key.asymmetricKeyType !== "rsa") {
    return { problem: `is a key of type ${key.asymmetricKeyType ?? "unknown"}; GitHub Apps sign with RS256 and need an RSA key` };
  }
  return { pem: `${block[0]}\n` };
}
