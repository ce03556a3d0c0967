/**
 * npm run bench -- --hostile SECONDS: one hostile account against the App's GitHub budget (issue 13, item 1).
 *
 * An account that belongs to no team (dave, of the demo organization) asks for registration tokens of random
 * team names, HOSTILE_IN_FLIGHT requests at a time, as fast as the server answers, from 127.0.0.1; each new team
 * name would cost the App a membership lookup. Meanwhile an active maintainer (alice) asks for a registration
 * token every MAINTAINER_EVERY_MS from 127.0.0.2. The report: the GitHub calls the run caused (the simulator's
 * counters), how the hostile requests were answered, and how many of the maintainer's were served.
 * Bounded: it stops after `durationSeconds`, each request after 10 s.
 */
import { request as httpsRequest } from "node:https";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

const HOSTILE_IN_FLIGHT = 10;
const MAINTAINER_EVERY_MS = 500;

export interface HostileReport {
  durationSeconds: number;
  /** the App's GitHub calls during the run, all callers included, and by route */
  githubCalls: { total: number; routes: Record<string, number> };
  hostile: { sent: number; statuses: Record<string, number> };
  maintainer: { asked: number; served: number; statuses: Record<string, number>; p50Ms: number | null };
}

export interface HostileOptions {
  /** the server's https://127.0.0.1:PORT */
  url: string;
  ca: string;
  durationSeconds: number;
  hostileAuthorization: string;
  maintainer: { path: string; authorization: string };
  simCalls(): Promise<{ total: number; routes: Record<string, number> }>;
  resetCalls(): Promise<void>;
  progress(message: string): void;
}

/** One HTTPS GET from `localAddress`: its status (or what went wrong) and how long it took. */
function get(url: string, authorization: string, ca: string, localAddress: string): Promise<{ status: string; ms: number }> {
  return new Promise((done) => {
    const started = performance.now();
    const finish = (status: string) => done({ status, ms: performance.now() - started });
    const req = httpsRequest(url, { headers: { authorization }, ca, localAddress, timeout: 10_000 }, (res) => {
      res.resume();
      res.on("end", () => finish(String(res.statusCode)));
      res.on("error", () => finish("error"));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (error: Error) => finish(error.message === "timeout" ? "timeout" : "error"));
    req.end();
  });
}

const count = (statuses: Record<string, number>, status: string) => (statuses[status] = (statuses[status] ?? 0) + 1);

export async function runHostile(options: HostileOptions): Promise<HostileReport> {
  options.progress(
    `hostile: one account in no team, random team names, ${HOSTILE_IN_FLIGHT} at a time for ${options.durationSeconds} s; a maintainer every ${MAINTAINER_EVERY_MS} ms`,
  );
  await options.resetCalls();
  const ends = performance.now() + options.durationSeconds * 1000;
  const hostile = { sent: 0, statuses: {} as Record<string, number> };
  const attacker = async () => {
    while (performance.now() < ends) {
      hostile.sent++;
      const team = `t-${randomBytes(6).toString("hex")}`;
      const { status } = await get(
        `${options.url}/api/v1/token-register?team=${team}`,
        options.hostileAuthorization,
        options.ca,
        "127.0.0.1",
      );
      count(hostile.statuses, status);
    }
  };
  const maintainer = { asked: 0, statuses: {} as Record<string, number>, times: [] as number[] };
  const keeper = async () => {
    while (performance.now() < ends) {
      maintainer.asked++;
      const { status, ms } = await get(
        `${options.url}${options.maintainer.path}`,
        options.maintainer.authorization,
        options.ca,
        "127.0.0.2",
      );
      count(maintainer.statuses, status);
      if (status === "200") maintainer.times.push(ms);
      await sleep(MAINTAINER_EVERY_MS);
    }
  };
  await Promise.all([...Array.from({ length: HOSTILE_IN_FLIGHT }, attacker), keeper()]);
  const githubCalls = await options.simCalls();
  const sorted = [...maintainer.times].sort((a, b) => a - b);
  return {
    durationSeconds: options.durationSeconds,
    githubCalls,
    hostile,
    maintainer: {
      asked: maintainer.asked,
      served: maintainer.statuses["200"] ?? 0,
      statuses: maintainer.statuses,
      p50Ms: sorted.length > 0 ? sorted[Math.floor((sorted.length - 1) / 2)]! : null,
    },
  };
}

const outcomes = (statuses: Record<string, number>) =>
  Object.entries(statuses)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([status, n]) => `${status} ×${n}`)
    .join(", ");

export function formatHostile(report: HostileReport, header: string): string {
  const m = report.maintainer;
  const routes = Object.entries(report.githubCalls.routes)
    .map(([route, n]) => `${route} ${n}`)
    .join("; ");
  return [
    header,
    `Hostile account: ${report.hostile.sent} requests in ${report.durationSeconds} s for random team names (${outcomes(report.hostile.statuses)})`,
    `  GitHub calls the whole run caused: ${report.githubCalls.total} (${routes || "none"})`,
    `  maintainer token-register meanwhile: ${m.served} of ${m.asked} served (200), p50 ${m.p50Ms === null ? "n/a" : `${m.p50Ms.toFixed(0)} ms`}` +
      (Object.keys(m.statuses).some((s) => s !== "200") ? `; other outcomes: ${outcomes(m.statuses)}` : ""),
  ].join("\n");
}

/** The budget held: the maintainer was always served. */
export function hostileOk(report: HostileReport): boolean {
  return report.maintainer.asked > 0 && report.maintainer.served === report.maintainer.asked;
}
