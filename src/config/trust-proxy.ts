/** server.trustProxy's list entries: IPv4 or IPv6 addresses and CIDRs, as Express's `trust proxy` (proxy-addr) reads them. */
import { isIP } from "node:net";

/** Why an entry of server.trustProxy's list is not an address or CIDR, or undefined when it is one. */
export function cidrProblem(entry: string): string | undefined {
  const parts = entry.split("/");
  const [address = "", prefix] = parts;
  const family = isIP(address);
  if (parts.length > 2 || family === 0)
    return `${JSON.stringify(entry)} is not an IPv4 or IPv6 address or CIDR (e.g. 10.0.0.0/8, fd00::/8)`;
  if (prefix === undefined) return undefined;
  const bits = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > bits) return `${JSON.stringify(entry)}: the prefix length must be 1 to ${bits}`;
  if (Number(prefix) === 0)
    return `${JSON.stringify(entry)} trusts every address, so any client could choose its own: list the proxies' networks`;
  return undefined;
}
