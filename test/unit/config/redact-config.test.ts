import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { redactConfig } from "../../../src/config/load-config.js";
import { assertNeverRepeated, fixture, parse, PKCS1 } from "./helpers.js";

describe("redactConfig", () => {
  test("when a Config is redacted, then the key is replaced, everything else is kept and the original is untouched", () => {
    const { config } = parse(fixture("valid.yml"));
    const before = structuredClone(config);
    const redacted = redactConfig(config);
    assert.equal(redacted.privateKeyPem, "[redacted]");
    assert.equal(redacted.redis.url, "redis://arm:***@redis.example.internal:6380/2");
    assert.deepEqual({ ...redacted, privateKeyPem: config.privateKeyPem, redis: { ...redacted.redis, url: config.redis.url } }, config);
    assert.deepEqual(config, before);
    assertNeverRepeated(JSON.stringify(redacted), PKCS1);
    assert.ok(!JSON.stringify(redacted).includes("s3cret-Redis-Passw0rd"));
  });
});
