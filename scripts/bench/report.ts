/**
 * What one benchmark run measured (the shape of `--json FILE`), the targets it is held against, and the
 * table it prints. Pure functions: no process, no I/O.
 */

/** The API routes measured, in the order they run. */
/**
 * In the order they run. runner-jitconfig registers a runner per request, in team platform's group: it runs after
 * group-list, whose cost would otherwise grow with the pages of runners it left behind.
 */
export const ROUTE_NAMES = [
  "token-register",
  "token-remove",
  "group-list",
  "repos-add",
  "repos-set",
  "runner-jitconfig",
  "status",
] as const;
export type RouteName = (typeof ROUTE_NAMES)[number];

/** What the load generator measured in one run of autocannon. */
export interface LoadResult {
  /** answers received */
  requests: number;
  /** requests sent, including those still in flight when the run stopped (the server serves them all the same) */
  sent: number;
  durationSeconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; mean: number; max: number };
  /** answers by HTTP status */
  statusCodes: Record<string, number>;
  /** connection errors and timeouts */
  errors: number;
  timeouts: number;
}

export interface Row extends LoadResult {
  name: string;
  /** GitHub calls the simulator counted during the measured run, divided by `sent`; null when not measured */
  githubCallsPerRequest: number | null;
  /** GitHub calls counted during the measured run, by GitHub route */
  githubCalls: Record<string, number>;
  /** peak resident set size of the process serving this row during the measured run, in MB (null off Linux) */
  peakRssMB: number | null;
  /**
   * CPU time (user + system) the serving process spent per request sent during the measured run, in ms
   * (null off Linux). Unlike req/s and latency, it hardly depends on what else the shared cores are doing.
   */
  cpuMsPerRequest: number | null;
  /** which process `peakRssMB` and `cpuMsPerRequest` are of */
  rssOf: "server" | "simulator" | "hello-world";
  /** p50 latency / the direct GitHub call's p50 latency */
  latencyRatioP50: number | null;
  /** p99 latency / the direct GitHub call's p99 latency */
  latencyRatioP99: number | null;
  /** requests per second / hello-world's requests per second */
  throughputRatio: number | null;
}

export interface Target {
  name: string;
  /** the figure measured; null when it could not be (then `pass` is false and the table says n/a) */
  value: number | null;
  /** "<=" or ">=" */
  op: "<=" | ">=";
  limit: number;
  unit: string;
  pass: boolean;
}

export interface SoakReport {
  route: RouteName;
  durationSeconds: number;
  samples: { atSeconds: number; rssMB: number }[];
  /** least-squares slope of the samples, MB per minute */
  slopeMBPerMinute: number | null;
  /** the same over the samples of the second half only, once the heap has grown to its working size */
  secondHalfSlopeMBPerMinute: number | null;
  load: LoadResult;
  githubCallsPerRequest: number | null;
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  node: string;
  platform: string;
}

export interface BenchReport {
  startedAt: string;
  machine: MachineInfo;
  settings: {
    durationSeconds: number;
    connections: number;
    githubLatencyMs: number;
    distinctUsers: number | null;
    smoke: boolean;
    /** how the server was started: "dist/main.js" or "src/main.ts (tsx)" */
    server: string;
  };
  routes: Partial<Record<RouteName, Row>>;
  /** GET /user straight to the simulator: one GitHub call */
  direct: Row;
  /** the same bare Express app answering with one GitHub call (GET /user through fetch): the ceiling of any one-call route */
  oneCall: Row;
  /** a bare Express app over HTTPS */
  helloWorld: Row;
  targets: Target[];
  soak?: SoakReport;
  /** true when every row answered 200 only, at least once, without connection errors or timeouts */
  allOk: boolean;
}

/** A row's answers were all 200, there was at least one, and no connection failed or timed out. */
export function rowOk(row: LoadResult): boolean {
  const others = Object.keys(row.statusCodes).filter((code) => code !== "200");
  return row.requests > 0 && others.length === 0 && row.errors === 0 && row.timeouts === 0;
}

/** CPU per request of a row over that of a yardstick; null when either is unknown. */
const cpuRatio = (row: Row, yardstick: Row | undefined) =>
  row.cpuMsPerRequest === null || !yardstick?.cpuMsPerRequest ? null : row.cpuMsPerRequest / yardstick.cpuMsPerRequest;

/**
 * The issues' targets, computed from the rows that were run (a route left out by --routes is not judged).
 * The CPU and throughput targets compare with the yardsticks of the same run: the bare Express app making the
 * same one GitHub call (for token-register) and the hello-world (for status), which is what makes them mean
 * something on a shared machine. They are meant for `--latency 0`, where the work is CPU-bound; the latency
 * target for the default 50 ms, where it is GitHub-bound.
 */
export function evaluateTargets(routes: Partial<Record<RouteName, Row>>, yardsticks: { oneCall?: Row; helloWorld?: Row } = {}): Target[] {
  const targets: Target[] = [];
  const add = (name: string, value: number | null, op: "<=" | ">=", limit: number, unit: string) =>
    targets.push({ name, value, op, limit, unit, pass: value !== null && (op === "<=" ? value <= limit : value >= limit) });
  const register = routes["token-register"];
  if (register) {
    add("token-register: GitHub calls per request", register.githubCallsPerRequest, "<=", 1.05, "");
    add("token-register: p50 latency / direct GitHub call", register.latencyRatioP50, "<=", 1.15, "×");
  }
  const jit = routes["runner-jitconfig"];
  if (jit) {
    // warm: the caller, their maintainership and the group's id come from the caches; GitHub is asked once
    add("runner-jitconfig: GitHub calls per request", jit.githubCallsPerRequest, "<=", 1.05, "");
    add("runner-jitconfig: p50 latency / direct GitHub call", jit.latencyRatioP50, "<=", 1.15, "×");
  }
  for (const name of ["group-list", "repos-add", "repos-set"] as const) {
    const row = routes[name];
    if (row) add(`${name}: GitHub calls per request`, row.githubCallsPerRequest, "<=", 2, "");
  }
  const oneCall = yardsticks.oneCall;
  if (register && oneCall) {
    add("token-register: CPU / one-call yardstick", cpuRatio(register, oneCall), "<=", 2, "×");
    const throughput = oneCall.requestsPerSecond > 0 ? register.requestsPerSecond / oneCall.requestsPerSecond : null;
    add("token-register: throughput / one-call yardstick", throughput, ">=", 0.5, "×");
  }
  const status = routes.status;
  if (status && yardsticks.helloWorld) add("status: CPU / hello-world", cpuRatio(status, yardsticks.helloWorld), "<=", 2, "×");
  const rss = Object.values(routes)
    .map((row) => row.peakRssMB)
    .filter((v): v is number => v !== null);
  add("server RSS under load (peak of all routes)", rss.length > 0 ? Math.max(...rss) : null, "<=", 120, " MB");
  return targets;
}

/** Least-squares slope of y over x; null with fewer than two distinct x. */
export function slope(points: { x: number; y: number }[]): number | null {
  if (points.length < 2) return null;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  if (sxx === 0) return null;
  return points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
}

const fixed = (v: number | null, digits: number) => (v === null || !Number.isFinite(v) ? "—" : v.toFixed(digits));

function renderTable(header: string[], rows: string[][], rightAligned: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

function statusNote(row: LoadResult): string {
  const odd = Object.entries(row.statusCodes)
    .filter(([code]) => code !== "200")
    .map(([code, n]) => `${code}×${n}`);
  if (row.errors > 0) odd.push(`errors×${row.errors}`);
  if (row.timeouts > 0) odd.push(`timeouts×${row.timeouts}`);
  if (row.requests === 0) odd.push("no answer");
  return odd.join(" ");
}

export function formatMachine(report: BenchReport): string {
  const { machine, settings } = report;
  return [
    `machine: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, ${machine.platform}`,
    `settings: ${settings.durationSeconds} s per route, ${settings.connections} connections, GitHub latency ${settings.githubLatencyMs} ms per call` +
      `${settings.distinctUsers ? `, ${settings.distinctUsers} distinct users` : ", one user (alice)"}${settings.smoke ? ", smoke" : ""}`,
    `server: ${settings.server}`,
  ].join("\n");
}

export function formatReport(report: BenchReport): string {
  const rows: Row[] = [
    ...ROUTE_NAMES.flatMap((name) => (report.routes[name] ? [report.routes[name]] : [])),
    report.direct,
    report.oneCall,
    report.helloWorld,
  ];
  const header = [
    "route",
    "req/s",
    "p50 ms",
    "p99 ms",
    "GH calls/req",
    "CPU ms/req",
    "RSS MB",
    "p50 ÷ direct",
    "p99 ÷ direct",
    "req/s ÷ hello",
    "not 200",
  ];
  const table = renderTable(
    header,
    rows.map((row) => [
      row.name,
      fixed(row.requestsPerSecond, 0),
      fixed(row.latencyMs.p50, 1),
      fixed(row.latencyMs.p99, 1),
      fixed(row.githubCallsPerRequest, 2),
      fixed(row.cpuMsPerRequest, 3),
      `${fixed(row.peakRssMB, 0)}${row.rssOf === "server" ? "" : row.rssOf === "simulator" ? " (sim)" : " (hello)"}`,
      fixed(row.latencyRatioP50, 2),
      fixed(row.latencyRatioP99, 2),
      fixed(row.throughputRatio, 2),
      statusNote(row),
    ]),
    [false, true, true, true, true, true, true, true, true, true, false],
  );
  const byRoute = rows
    .filter((row) => row.githubCallsPerRequest !== null && row.sent > 0)
    .map((row) => {
      const parts = Object.entries(row.githubCalls).map(([route, n]) => `${route} ${(n / row.sent).toFixed(2)}`);
      return `  ${row.name}: ${parts.length > 0 ? parts.join(", ") : "none"}`;
    });
  const targets = renderTable(
    ["target", "measured", "limit", ""],
    report.targets.map((t) => [
      t.name,
      `${fixed(t.value, t.unit === " MB" ? 0 : 2)}${t.unit}`,
      `${t.op} ${t.limit}${t.unit}`,
      t.value === null ? "n/a" : t.pass ? "PASS" : "MISS",
    ]),
    [false, true, true, false],
  );
  const parts = [
    formatMachine(report),
    "",
    table,
    "",
    "GitHub calls per request, by GitHub route (measured runs, warm-up excluded):",
    ...byRoute,
    "",
    "Targets (reported, not asserted):",
    targets,
  ];
  const register = report.routes["token-register"];
  if (register && report.oneCall.requestsPerSecond > 0) {
    parts.push(
      `(the yardstick for throughput: an Express app that only makes the same one GitHub call reaches ` +
        `${fixed(report.oneCall.throughputRatio, 2)}× hello-world; token-register reaches ` +
        `${fixed(register.requestsPerSecond / report.oneCall.requestsPerSecond, 2)}× that app)`,
    );
  }
  if (register && report.settings.githubLatencyMs > 0) {
    const ceiling = report.settings.connections / (report.settings.githubLatencyMs / 1000);
    parts.push(
      `(with ${report.settings.connections} connections and ${report.settings.githubLatencyMs} ms per GitHub call, a route that makes one call ` +
        `cannot exceed ${ceiling.toFixed(0)} req/s; compare throughput at --latency 0 or with more --connections)`,
    );
  }
  if (report.soak) parts.push("", formatSoak(report.soak));
  return parts.join("\n");
}

const perMinute = (v: number | null) => (v === null ? "— (too few samples)" : `${v >= 0 ? "+" : ""}${v.toFixed(2)} MB/min`);

export function formatSoak(soak: SoakReport): string {
  // A long soak prints a sample a minute, with the range of all of them (the JSON keeps every sample).
  const long = soak.samples.length > 13;
  const minute = (s: { atSeconds: number }) => Math.floor(s.atSeconds / 60);
  const printed = soak.samples.filter((s, i, all) => !long || i === 0 || i === all.length - 1 || minute(s) > minute(all[i - 1]!));
  const samples = printed.map((s) => `  t=${String(s.atSeconds).padStart(5)} s  RSS ${s.rssMB.toFixed(1)} MB`);
  if (printed.length < soak.samples.length) {
    const all = soak.samples.map((s) => s.rssMB);
    samples.push(
      `  (${printed.length} of ${soak.samples.length} samples shown; all between ${Math.min(...all).toFixed(1)} and ${Math.max(...all).toFixed(1)} MB)`,
    );
  }
  return [
    `Soak: ${soak.route} for ${soak.durationSeconds} s — ${soak.load.requests} answers, ${soak.load.requestsPerSecond.toFixed(0)} req/s, ` +
      `p50 ${soak.load.latencyMs.p50.toFixed(1)} ms, p99 ${soak.load.latencyMs.p99.toFixed(1)} ms, ` +
      `GitHub calls/request ${fixed(soak.githubCallsPerRequest, 2)}${statusNote(soak.load) ? `, not 200: ${statusNote(soak.load)}` : ""}`,
    ...samples,
    `  RSS slope: ${perMinute(soak.slopeMBPerMinute)} over the whole soak, ${perMinute(soak.secondHalfSlopeMBPerMinute)} over its second half`,
  ].join("\n");
}
