/**
 * A fetch that reaches GitHub through the outbound proxy (config/outbound-proxy.ts). Node's built-in fetch
 * ignores HTTPS_PROXY and NO_PROXY (Node 24's NODE_USE_ENV_PROXY aside; Node 20 has nothing of the kind), so
 * this is undici's own fetch with undici's EnvHttpProxyAgent as its dispatcher: both from the same undici
 * release, since a dispatcher is not guaranteed to fit the fetch bundled with another release. https:// URLs
 * go through an HTTP CONNECT tunnel (TLS stays end to end, checked against Node's CAs and NODE_EXTRA_CA_CERTS);
 * http:// URLs are forwarded in absolute form.
 */
import { EnvHttpProxyAgent, fetch as undiciFetch } from "undici";
import type { OutboundProxy } from "../config/outbound-proxy.js";

export interface ProxiedFetch {
  fetch: typeof globalThis.fetch;
  /** closes the proxy's connections */
  close(): Promise<void>;
}

export function proxiedFetch(proxy: OutboundProxy): ProxiedFetch {
  // Every setting given, "" for none: left undefined, the agent would read process.env itself.
  const dispatcher = new EnvHttpProxyAgent({
    httpProxy: proxy.httpProxy ?? "",
    httpsProxy: proxy.httpsProxy ?? proxy.httpProxy ?? "",
    noProxy: proxy.noProxy ?? "",
  });
  const fetch = ((input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) =>
    undiciFetch(input, { ...init, dispatcher })) as unknown as typeof globalThis.fetch;
  return { fetch, close: () => dispatcher.close() };
}
