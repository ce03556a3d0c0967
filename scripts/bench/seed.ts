/**
 * The simulator's seed for `--distinct-users N`: the demo organization plus N users, each with one token
 * and each an active maintainer of team `platform`, so that every request of the benchmark can come from
 * a different caller. Written as JSON, which is YAML too (the simulator CLI's `--seed` reads it), because
 * the benchmark's own simulator process parses JSON in a tenth of a second where a YAML parser takes
 * seconds for 100 000 users.
 */
import { writeFileSync } from "node:fs";
import { demoSeed, type SeedInput } from "../../src/simulator/index.js";

/** The token of generated user `i` (1-based): GitHub's shape, `ghp_` and 36 characters. */
export function benchToken(i: number): string {
  return `ghp_Bench${String(i).padStart(31, "0")}`;
}

export const benchLogin = (i: number) => `bench-user-${i}`;

export function distinctUsersSeed(count: number): SeedInput {
  const users = [...(demoSeed.users ?? [])];
  const platform = demoSeed.teams?.find((team) => team.slug === "platform");
  if (!platform) throw new Error("the demo seed has no team platform");
  const members = [...(platform.members ?? [])];
  for (let i = 1; i <= count; i++) {
    const login = benchLogin(i);
    users.push({ login, id: 1_000_000 + i, tokens: [benchToken(i)] });
    members.push({ login, role: "maintainer", state: "active" });
  }
  return {
    ...demoSeed,
    users,
    teams: (demoSeed.teams ?? []).map((team) => (team.slug === "platform" ? { ...team, members } : team)),
  };
}

export function writeDistinctUsersSeed(count: number, path: string): void {
  writeFileSync(path, JSON.stringify(distinctUsersSeed(count)));
}
