/**
 * server.trustProxy: which proxies' X-Forwarded-For is believed, in the two places that need it. Express
 * decides `req.ip` (per-address rate limit, access log, audit) from it; startServer exempts a trusted proxy's
 * own connections from the per-address connection cap, since every client behind it shares its address.
 */
import { BlockList, isIP } from "node:net";

/** A hop count (0 = none), or the proxies' addresses and CIDRs. Never `true`: see config.example.yml. */
export type TrustProxy = number | readonly string[];

/** The value of Express's `trust proxy` setting: a hop count, a list for proxy-addr, or false. */
export function expressTrustProxy(trust: TrustProxy | undefined): number | string[] | false {
  if (trust === undefined || trust === 0) return false;
  return typeof trust === "number" ? trust : [...trust];
}

/**
 * Whether a connection's peer is a trusted proxy. With a hop count every peer is one (that is what the count
 * says: the nearest hops are proxies); with a list, the peers in it. IPv4-mapped IPv6 peers (`::ffff:a.b.c.d`,
 * on a dual-stack listener) match IPv4 entries, as BlockList documents.
 */
export function trustedPeer(trust: TrustProxy | undefined): (address: string | undefined) => boolean {
  if (trust === undefined || trust === 0) return () => false;
  if (typeof trust === "number") return () => true;
  const list = new BlockList();
  for (const entry of trust) {
    const [address = "", prefix] = entry.split("/");
    const type = isIP(address) === 6 ? "ipv6" : "ipv4";
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return (address) => {
    if (address === undefined) return false;
    const type = isIP(address) === 6 ? "ipv6" : isIP(address) === 4 ? "ipv4" : undefined;
    return type !== undefined && list.check(address, type);
  };
}
