/**
 * The load generator, in a process of its own so that it does not share an event loop with what it
 * measures. Forked by run.ts with an IPC channel: it receives one LoadJob at a time, runs autocannon,
 * and answers with a LoadResult. It exits when the channel closes.
 */
import autocannon from "autocannon";
import type { LoadResult } from "./report.js";
import { benchToken } from "./seed.js";

export interface LoadJob {
  id: number;
  /** full URL, query string included */
  url: string;
  method: string;
  connections: number;
  /** seconds (whole); ignored when `amount` is set */
  duration?: number;
  /** stop after this many requests, all answered (used for warm-up: nothing is left in flight) */
  amount?: number;
  /** `Authorization: token …` with one token, or rotating through the generated users 1…N */
  auth?: { token: string } | { distinctUsers: number };
}

export type LoadReply = { id: number; result: LoadResult } | { id: number; error: string };

/** Rotates across every run of this process, so that each user's turn comes as rarely as possible. */
let nextUser = 0;

async function run(job: LoadJob): Promise<LoadResult> {
  const auth = job.auth;
  const headers: Record<string, string> = auth && "token" in auth ? { authorization: `token ${auth.token}` } : {};
  const rotate: autocannon.Request[] | undefined =
    auth && "distinctUsers" in auth
      ? [
          {
            setupRequest: (request) => {
              nextUser = (nextUser % auth.distinctUsers) + 1;
              return { ...request, headers: { ...request.headers, authorization: `token ${benchToken(nextUser)}` } };
            },
          },
        ]
      : undefined;
  const result = await autocannon({
    url: job.url,
    method: job.method,
    connections: job.connections,
    headers,
    timeout: 30,
    // A run ends at the first sample after its duration or its last answer: sample often, end on time.
    sampleInt: 100,
    ...(job.amount !== undefined ? { amount: job.amount } : { duration: job.duration ?? 10 }),
    ...(rotate ? { requests: rotate } : {}),
  });
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]));
  return {
    requests: result.requests.total,
    sent: result.requests.sent,
    durationSeconds: result.duration,
    requestsPerSecond: result.duration > 0 ? result.requests.total / result.duration : 0,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      mean: result.latency.mean,
      max: result.latency.max,
    },
    statusCodes,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

process.on("message", (job: LoadJob) => {
  run(job).then(
    (result) => process.send?.({ id: job.id, result } satisfies LoadReply),
    (error: unknown) => process.send?.({ id: job.id, error: error instanceof Error ? error.message : String(error) } satisfies LoadReply),
  );
});
process.on("disconnect", () => process.exit(0));
