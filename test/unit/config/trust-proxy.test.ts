import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { expressTrustProxy, trustedPeer } from "../../../src/http/trust-proxy.js";
import { configError, merge, MINIMAL, parse } from "./helpers.js";

const withServer = (server: Record<string, unknown>) => merge(MINIMAL, { server });

describe("server.trustProxy", () => {
  test("when it is left out, then no proxy is believed", () => {
    const { config } = parse(MINIMAL);
    assert.equal(config.server.trustProxy, undefined);
    assert.equal(expressTrustProxy(config.server.trustProxy), false);
    assert.equal(trustedPeer(config.server.trustProxy)("10.0.0.1"), false);
  });

  test("when it is a hop count, then it is kept as a number (quoted too), and 0 believes no proxy", () => {
    assert.equal(parse(withServer({ trustProxy: 2 })).config.server.trustProxy, 2);
    assert.equal(parse(withServer({ trustProxy: "1" })).config.server.trustProxy, 1);
    assert.equal(expressTrustProxy(parse(withServer({ trustProxy: 0 })).config.server.trustProxy), false);
    assert.equal(trustedPeer(1)("203.0.113.9"), true);
  });

  test("when it is a list of addresses and CIDRs, then only peers in it are trusted proxies, IPv4-mapped ones too", () => {
    const list = ["10.0.0.0/8", "192.0.2.7", "fd00::/8"];
    const { config } = parse(withServer({ trustProxy: list }));
    assert.deepEqual(config.server.trustProxy, list);
    assert.deepEqual(expressTrustProxy(config.server.trustProxy), list);
    const trusted = trustedPeer(config.server.trustProxy);
    assert.equal(trusted("10.42.0.7"), true);
    assert.equal(trusted("::ffff:10.42.0.7"), true);
    assert.equal(trusted("192.0.2.7"), true);
    assert.equal(trusted("192.0.2.8"), false);
    assert.equal(trusted("fd12::1"), true);
    assert.equal(trusted("2001:db8::1"), false);
    assert.equal(trusted(undefined), false);
  });

  const refused: [string, unknown, RegExp][] = [
    ["true", true, /server\.trustProxy: expected a hop count from 0 to 10, or a list .*true \(every hop\) is not offered/],
    ["11 hops", 11, /server\.trustProxy: expected a hop count from 0 to 10/],
    ["a negative count", -1, /server\.trustProxy: expected a hop count from 0 to 10/],
    ["a fractional count", 1.5, /server\.trustProxy: expected a hop count from 0 to 10/],
    ["a host name", ["ingress.local"], /server\.trustProxy\.0: "ingress\.local" is not an IPv4 or IPv6 address or CIDR/],
    ["a v4 prefix over 32", ["10.0.0.0/33"], /server\.trustProxy\.0: "10\.0\.0\.0\/33": the prefix length must be 1 to 32/],
    ["a v6 prefix over 128", ["fd00::/129"], /server\.trustProxy\.0: "fd00::\/129": the prefix length must be 1 to 128/],
    ["every address", ["0.0.0.0/0"], /server\.trustProxy\.0: "0\.0\.0\.0\/0" trusts every address/],
    ["the second entry bad", ["10.0.0.0/8", "10.0.0.0/x"], /server\.trustProxy\.1: .*the prefix length/],
    ["an empty list", [], /server\.trustProxy: expected at least one address or CIDR/],
    ["a comma-separated string", "10.0.0.0/8,fd00::/8", /server\.trustProxy: expected a hop count/],
  ];
  for (const [what, value, message] of refused) {
    test(`when it is ${what}, then the configuration is refused with a message saying what is expected`, () => {
      const error = configError(() => parse(withServer({ trustProxy: value })));
      assert.match(error.message, message);
    });
  }
});

describe("server.maxConnections and server.maxConnectionsPerAddress", () => {
  test("when they are left out, then the defaults are 1000 and 100", () => {
    const { config } = parse(MINIMAL);
    assert.equal(config.server.maxConnections, 1000);
    assert.equal(config.server.maxConnectionsPerAddress, 100);
  });

  test("when they are 0 or fractional, then the configuration is refused", () => {
    const error = configError(() => parse(withServer({ maxConnections: 0, maxConnectionsPerAddress: 2.5 })));
    assert.match(error.message, /server\.maxConnections: expected a whole number of connections from 1 to 100000, got 0/);
    assert.match(error.message, /server\.maxConnectionsPerAddress: expected a whole number of connections from 1 to 100000, got 2\.5/);
  });
});
