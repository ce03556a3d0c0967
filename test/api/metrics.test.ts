/**
 * GET /metrics: Prometheus' text format, counters that move with traffic, labels that are route templates
 * (never a raw path, token, user or team), and a listener of its own when metrics.port is set.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { connect as tlsConnect } from "node:tls";
import { createMetrics, githubRouteLabel } from "../../src/metrics/metrics.js";
import { startService } from "../../src/service.js";
import { DEMO_TOKENS, startSimulator } from "../../src/simulator/index.js";
import { assertMatchesContract } from "../helpers/api-contract.js";
import { createLogSink } from "../helpers/log-sink.js";
import { plainHttpConfig, startTestApp, testCertificate } from "../helpers/start-test-app.js";

/** The value of one sample line, e.g. `arm_rate_limited_total{limiter="user"}`; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("GET /metrics", () => {
  test("when there was traffic, then the counters moved, by route template and status, and no secret or name is a label", async (t) => {
    const metrics = createMetrics();
    const app = await startTestApp({ metrics, rateLimit: { perUser: 0.2 }, cache: { identity: { ttlSeconds: 60, maxEntries: 100 } } });
    t.after(() => app.close());
    const before = await app.call("GET", "/metrics");
    assert.equal(sample(before.body as string, 'arm_rate_limited_total{limiter="user"}'), 0, "limiters start at 0");

    assert.equal((await app.call("GET", "/api/v1/token-register", { token: DEMO_TOKENS.alice, query: { team: "platform" } })).status, 200);
    assert.equal((await app.call("GET", "/api/v1/token-register", { token: DEMO_TOKENS.alice, query: { team: "platform" } })).status, 429);
    assert.equal((await app.call("GET", "/api/v1/group-list", { token: DEMO_TOKENS.bob, query: { team: "platform" } })).status, 403);
    assert.equal((await app.call("GET", "/api/v1/status")).status, 200);
    assert.equal((await app.call("GET", "/wp-admin/secret-path-42")).status, 404);

    const { status, headers, body } = await app.call("GET", "/metrics");
    assert.equal(status, 200);
    assert.match(headers.get("content-type")!, /^text\/plain; version=0\.0\.4/);
    const text = body as string;
    const http = (method: string, route: string, code: number) =>
      sample(text, `arm_http_requests_total{method="${method}",route="${route}",status="${code}"}`);
    assert.equal(http("GET", "/api/v1/token-register", 200), 1);
    assert.equal(http("GET", "/api/v1/token-register", 429), 1);
    assert.equal(http("GET", "/api/v1/group-list", 403), 1);
    assert.equal(http("GET", "/api/v1/status", 200), 1);
    assert.equal(http("GET", "unknown", 404), 1);
    assert.equal(http("GET", "/metrics", 200), 1);
    assert.equal(sample(text, 'arm_http_request_duration_seconds_count{method="GET",route="/api/v1/token-register"}'), 2);
    assert.equal(sample(text, 'arm_rate_limited_total{limiter="user"}'), 1);
    assert.equal(sample(text, 'arm_rate_limited_total{limiter="address"}'), 0);

    // GitHub calls by GitHub's route template: the caller's identity (alice once: her second request hit the cache), the token.
    assert.equal(sample(text, 'arm_github_requests_total{route="GET /user",status="200"}'), 2, "alice once, bob once");
    assert.equal(sample(text, 'arm_github_requests_total{route="POST /orgs/{org}/actions/runners/registration-token",status="201"}'), 1);
    assert.equal(sample(text, 'arm_github_request_duration_seconds_count{route="POST /orgs/{org}/actions/runners/registration-token"}'), 1);
    // The installation's window, as GitHub (the simulator) counts it: not the callers' own windows (GET /user).
    const window = app.sim.state.rateWindows.get(`installation:${app.sim.state.app.installationId}`)!;
    assert.equal(sample(text, "arm_github_rate_limit_remaining"), window.limit - window.used, "x-ratelimit-remaining");
    assert.equal(sample(text, "arm_github_rate_limit_limit"), window.limit, "x-ratelimit-limit");
    assert.equal(sample(text, "arm_github_rate_limit_reset_seconds"), Math.floor(window.resetAt.getTime() / 1000), "x-ratelimit-reset");
    assert.equal(sample(text, 'arm_cache_lookups_total{cache="identity",result="miss"}'), 2);
    assert.equal(sample(text, 'arm_cache_lookups_total{cache="identity",result="hit"}'), 1);
    assert.ok((sample(text, "process_cpu_user_seconds_total") ?? 0) > 0, "Node process metrics");
    assert.ok(sample(text, "nodejs_heap_size_used_bytes") !== undefined);

    for (const secret of [
      DEMO_TOKENS.alice,
      DEMO_TOKENS.bob,
      "alice",
      "bob",
      "platform",
      "wp-admin",
      "secret-path",
      app.sim.state.mintedTokens[0]!.token,
    ]) {
      assert.ok(!text.includes(secret), `${secret} is in the metrics`);
    }
  });

  test("when Node's parser answers before the app (400, 431, 408), then those answers are counted too, under (before routing)", async (t) => {
    const metrics = createMetrics({ processMetrics: false });
    const app = await startTestApp({ metrics, serverTimeouts: { headersMs: 300, checkIntervalMs: 50 } });
    t.after(() => app.close());
    const cert = await testCertificate();
    const { hostname, port } = new URL(app.url);
    /** Sends raw bytes over TLS (what fetch refuses to send) and answers the reply's status. */
    const raw = (request: string) =>
      new Promise<number>((resolve, reject) => {
        const socket = tlsConnect({ host: hostname, port: Number(port), ca: cert.cert, servername: "localhost" }, () =>
          socket.write(request),
        );
        let reply = "";
        socket.setEncoding("utf8");
        socket.on("data", (chunk: string) => (reply += chunk));
        socket.on("close", () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1])));
        socket.on("error", reject);
        socket.setTimeout(5_000, () => socket.destroy(new Error("no answer within 5 s")));
      });
    assert.equal(await raw("NOT-HTTP AT ALL\r\n\r\n"), 400);
    assert.equal(await raw(`GET /api/v1/status HTTP/1.1\r\nHost: localhost\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`), 431);
    assert.equal(await raw("GET /api/v1/status HTTP/1.1\r\nHost: localh"), 408, "headers that never end");

    const text = await metrics.render();
    const before = (code: number) => sample(text, `arm_http_requests_total{method="unknown",route="(before routing)",status="${code}"}`);
    assert.deepEqual([before(400), before(431), before(408)], [1, 1, 1]);
    assert.equal(
      sample(text, 'arm_http_requests_total{method="GET",route="/api/v1/status",status="200"}'),
      undefined,
      "and not as routed answers",
    );
  });

  test("when GitHub answers with a paginated Link URL, then its label is still a template", () => {
    assert.equal(
      githubRouteLabel("GET https://ghe.example.com/api/v3/organizations/1000/actions/runner-groups/7/runners?page=2"),
      "GET /organizations/{id}/actions/runner-groups/{id}/runners",
    );
    assert.equal(
      githubRouteLabel("GET /orgs/{org}/teams/{team_slug}/memberships/{username}"),
      "GET /orgs/{org}/teams/{team_slug}/memberships/{username}",
    );
    assert.equal(githubRouteLabel("PROPFIND /x"), "other /x");
  });

  test("when metrics.port is set, then /metrics is served there only, and the server's own port answers 404", async (t) => {
    const github = await startSimulator();
    t.after(() => github.close());
    const config = plainHttpConfig(github, { metrics: { port: 0 } });
    const logs = createLogSink();
    const service = await startService(config, { logStreams: [logs.stream] });
    t.after(() => service.close());
    assert.match(service.metricsUrl!, /^http:\/\/127\.0\.0\.1:\d+$/);

    const onMain = await fetch(`${service.url}/metrics`);
    const mainBody = (await onMain.json()) as { Code: number };
    assert.equal(onMain.status, 404);
    assertMatchesContract("GET", "/metrics", 404, onMain.headers, mainBody);
    assert.equal((await fetch(`${service.url}/api/v1/status`)).status, 200);

    const scraped = await fetch(`${service.metricsUrl!}/metrics`);
    assert.equal(scraped.status, 200);
    const text = await scraped.text();
    assertMatchesContract("GET", "/metrics", 200, scraped.headers, text);
    assert.equal(sample(text, 'arm_http_requests_total{method="GET",route="/metrics",status="404"}'), 1);
    assert.equal(sample(text, 'arm_http_requests_total{method="GET",route="/api/v1/status",status="200"}'), 1);

    const other = await fetch(`${service.metricsUrl!}/api/v1/status`);
    assert.deepEqual([other.status, ((await other.json()) as { Code: number }).Code], [404, 404]);
    const post = await fetch(`${service.metricsUrl!}/metrics`, { method: "POST" });
    assert.deepEqual([post.status, post.headers.get("allow")], [405, "GET"]);
    await post.body?.cancel();
    assert.ok(logs.lines().some((l) => l.message === "metrics listening" && l.url === `${service.metricsUrl!}/metrics`));
  });
});
