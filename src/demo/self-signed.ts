/**
 * A throwaway certificate for localhost, for the demo and the tests: EC P-256, SHA-256, valid for
 * localhost, 127.0.0.1 and ::1. Never for production (use cert-manager or your own CA there).
 */
import { generate } from "selfsigned";

export interface SelfSignedCertificate {
  cert: string;
  key: string;
}

export async function selfSignedCertificate(commonName = "localhost", days = 7): Promise<SelfSignedCertificate> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + days * 86_400_000);
  const pems = await generate([{ name: "commonName", value: commonName }], {
    keyType: "ec",
    curve: "P-256",
    // selfsigned defaults to SHA-1, which OpenSSL 3 refuses
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
