/**
 * The simulator's test hooks over HTTP, under a prefix no GitHub route uses, for tests and scripts that
 * drive a simulator in another process (`npm run simulator`). No authentication: the simulator is a
 * test tool and listens on loopback by default.
 *
 *   GET    /_simulator/calls           calls per route: { total, routes: { "GET /user": 3, … } }
 *   DELETE /_simulator/calls           reset counters and journal
 *   GET    /_simulator/journal         recent requests: [{ at, method, route, path, status, credential }]
 *   POST   /_simulator/faults          { route, kind: status|secondary-rate-limit|drop|delay, status?, body?, retryAfterSeconds?, ms?, times? }
 *   DELETE /_simulator/faults          disarm every fault and latency
 *   PUT    /_simulator/latency         { ms, route? }
 *   GET    /_simulator/state           a summary of the organization's runner groups, runners, teams and repositories
 */
import type { Fault } from "./faults.js";
import { errorResponse, json, noContent, type SimResponse } from "./http.js";
import type { Simulator } from "./create-simulator.js";
import { snapshot } from "./state.js";

export const CONTROL_PREFIX = "/_simulator";

function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body || "{}");
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function faultFrom(input: Record<string, unknown>): Fault {
  switch (input.kind ?? "status") {
    case "status":
      if (!Number.isInteger(input.status) || (input.status as number) < 100 || (input.status as number) > 599) {
        throw new RangeError("status must be an HTTP status code");
      }
      return { kind: "status", status: input.status as number, ...(input.body === undefined ? {} : { body: input.body }) };
    case "secondary-rate-limit":
      return { kind: "secondary-rate-limit", retryAfterSeconds: Number(input.retryAfterSeconds ?? 1) };
    case "drop":
      return { kind: "drop" };
    case "delay":
      if (!(Number(input.ms) >= 0)) throw new RangeError("ms must be a number of milliseconds");
      return { kind: "delay", ms: Number(input.ms) };
    default:
      throw new RangeError(`unknown fault kind ${JSON.stringify(input.kind)}`);
  }
}

export function handleControl(sim: Simulator, method: string, path: string, body: string): SimResponse {
  const route = `${method.toUpperCase()} ${path || "/"}`;
  try {
    switch (route) {
      case "GET /calls":
        return json(200, { total: sim.calls(), routes: sim.callsByRoute() });
      case "DELETE /calls":
        sim.resetCalls();
        return noContent();
      case "GET /journal":
        return json(200, sim.journal());
      case "GET /state":
        return json(200, snapshot(sim.state));
      case "DELETE /faults":
        sim.faults.clear();
        return noContent();
      case "POST /faults": {
        const input = parseJson(body);
        if (!input || typeof input.route !== "string") return errorResponse(400, "expected a JSON object with a route");
        sim.faults.inject(input.route, faultFrom(input), input.times === undefined ? 1 : Number(input.times));
        return json(201, { armed: input.route });
      }
      case "PUT /latency": {
        const input = parseJson(body);
        if (!input) return errorResponse(400, "expected a JSON object { ms, route? }");
        sim.faults.setLatency(Number(input.ms), typeof input.route === "string" ? input.route : undefined);
        return noContent();
      }
      default:
        return errorResponse(404, `no simulator hook ${route}`);
    }
  } catch (error) {
    return errorResponse(400, (error as Error).message);
  }
}
