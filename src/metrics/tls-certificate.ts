/**
 * arm_tls_certificate_expiry_timestamp_seconds: when the certificate the server serves runs out (its notAfter,
 * as Unix seconds), set at start-up and at each reload, so that an alert can fire before a renewal that never
 * reached the pod lets it expire. Registered at the first certificate only: without TLS there is no such
 * series (a 0 would read as "expired in 1970").
 */
import { Gauge, type Registry } from "prom-client";

/** Returns the setter the server calls with each certificate it starts serving. */
export function tlsCertificateExpiry(registry: Registry): (notAfter: Date) => void {
  let gauge: Gauge | undefined;
  return (notAfter) => {
    // A registry shared by two services (a test restarting one) keeps one series.
    gauge ??=
      (registry.getSingleMetric("arm_tls_certificate_expiry_timestamp_seconds") as Gauge | undefined) ??
      new Gauge({
        name: "arm_tls_certificate_expiry_timestamp_seconds",
        help: "When the served TLS certificate expires (its notAfter), in seconds since the Unix epoch",
        registers: [registry],
      });
    gauge.set(Math.floor(notAfter.getTime() / 1000));
  };
}
