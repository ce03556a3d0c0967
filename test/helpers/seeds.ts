import { demoSeed, DEMO_TOKENS, type SeedInput } from "../../src/simulator/index.js";

export const TOKENS = DEMO_TOKENS;

/**
 * The demo organization plus a runner group for team `platform` (id 3, repository `api`) with one idle
 * runner. alice: active maintainer of platform; bob: member; carol: pending maintainer; dave: in no team.
 */
export function seedWithPlatformGroup(extra: { runners?: SeedInput["runners"] } = {}): SeedInput {
  return {
    ...demoSeed,
    runnerGroups: [...(demoSeed.runnerGroups ?? []), { name: "team-platform", id: 3, visibility: "selected", repositories: ["api"] }],
    runners: [...(demoSeed.runners ?? []), ...(extra.runners ?? [])],
  };
}

export const seedWithoutPlatformGroup = (): SeedInput => demoSeed;

/** The platform group's id in seedWithPlatformGroup. */
export const PLATFORM_GROUP_ID = 3;
