/**
 * The part of autocannon 9's API that the benchmark uses (the package ships no types; @types/autocannon
 * describes version 7). Checked against node_modules/autocannon/lib/{run,aggregateResult}.js.
 */
declare module "autocannon" {
  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
      /** called before each request is sent; returns the request to send */
      setupRequest?: (request: Request, context: Record<string, unknown>) => Request;
    }
    interface Options {
      url: string;
      connections?: number;
      /** seconds; ignored when `amount` is set */
      duration?: number;
      /** stop after this many requests in all */
      amount?: number;
      /** seconds before a request counts as timed out */
      timeout?: number;
      pipelining?: number;
      /** ms between samples; a run also stops only on a sample, so this bounds how late it ends (default 1000) */
      sampleInt?: number;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      requests?: Request[];
    }
    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      p50: number;
      p90: number;
      p99: number;
      /** requests: answers received */
      total: number;
      /** requests: requests sent, in flight at the end included */
      sent: number;
    }
    interface Result {
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      resets: number;
      statusCodeStats: Record<string, { count: number }>;
      latency: Histogram;
      requests: Histogram;
      throughput: Histogram;
    }
    interface Instance extends PromiseLike<Result> {
      stop(): void;
    }
  }
  function autocannon(options: autocannon.Options): autocannon.Instance;
  export = autocannon;
}
