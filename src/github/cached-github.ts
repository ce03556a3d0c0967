/**
 * Bounded, short-lived caches in front of the GitHub lookups, so that a repeat caller's request costs
 * GitHub only the call that does the work (see README, "Caches"). A decorator over the GitHub ports:
 * services and adapters do not know it is there.
 *
 * - identity: caller token → login, keyed by the token's SHA-256 (the token itself is never held); with
 *   auth.requireOrgAccess the organization's acceptance of the token is part of it (a refusal is not kept);
 * - maintainership: (login, team) → membership, or "none";
 * - teamParents: team → its parent team's slug, or none (a top-level team, or no such team);
 * - runnerGroups: group name → group (only groups that exist; kept up to date by create and delete);
 * - repoPermissions: team → its repositories with permissions, sized by repository count.
 * Concurrent identical lookups share one GitHub call (lru-cache's fetch). A stale entry heals: callers
 * that find a cached answer wrong ask again with `{ fresh: true }`.
 */
import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { Clock } from "../clock.js";
import type { CacheSettings, Config } from "../config/schema.js";
import type { RunnerGroup } from "../domain/runner-group.js";
import type { Caller, GitHub, OrgGitHub, TeamMembership, TeamRepository } from "./ports.js";

export interface CacheOptions extends Readonly<Config["cache"]> {
  clock: Clock;
  /** called on every lookup, for metrics */
  onLookup?: (cache: CacheName, result: "hit" | "miss") => void;
}

export type CacheName = keyof Config["cache"];

/** lru-cache stores no undefined or null; these stand for "GitHub said there is none". */
const NO_MEMBERSHIP = { role: "none" } as const;
type CachedMembership = TeamMembership | typeof NO_MEMBERSHIP;
/** undefined: GitHub has no such team */
interface CachedParent {
  parent: string | null | undefined;
}

interface Cache<V extends object> {
  /** the cached value, or `load()` (shared by concurrent callers of the same key) */
  get(key: string, load: () => Promise<V | undefined>, fresh?: boolean): Promise<V | undefined>;
  delete(key: string): void;
  set(key: string, value: V): void;
  entries(): IterableIterator<[string, V]>;
  readonly size: number;
}

function createCache<V extends object>(
  name: CacheName,
  settings: CacheSettings,
  options: CacheOptions,
  sizeOf?: (value: V) => number,
): Cache<V> {
  const enabled = settings.ttlSeconds > 0 && settings.maxEntries > 0;
  if (!enabled) {
    return {
      get: (_key, load) => load(),
      delete: () => {},
      set: () => {},
      entries: () => new Map<string, V>().entries(),
      size: 0,
    };
  }
  type Loader = () => Promise<V | undefined>;
  const lru = new LRUCache<string, V, Loader>({
    ...(sizeOf
      ? { maxSize: settings.maxEntries, sizeCalculation: (value: V) => Math.max(1, sizeOf(value)) }
      : { max: settings.maxEntries }),
    ttl: settings.ttlSeconds * 1000,
    // the injected clock, so that tests move time by hand
    perf: { now: () => options.clock.now().getTime() },
    fetchMethod: (_key, _stale, { context }) => context(),
  });
  return {
    async get(key, load, fresh = false) {
      const hit = !fresh && lru.has(key);
      options.onLookup?.(name, hit ? "hit" : "miss");
      return lru.fetch(key, { context: load, forceRefresh: fresh });
    },
    delete: (key) => lru.delete(key),
    set: (key, value) => lru.set(key, value),
    entries: () => lru.entries(),
    get size() {
      return lru.size;
    },
  };
}

const tokenKey = (token: string) => createHash("sha256").update(token).digest("hex");

export interface CachedGitHub extends GitHub {
  /** entries held per cache (for tests and metrics) */
  cacheSizes(): Record<CacheName, number>;
}

export function withCaches(github: GitHub, options: CacheOptions): CachedGitHub {
  const identity = createCache<Caller>("identity", options.identity, options);
  const maintainership = createCache<CachedMembership>("maintainership", options.maintainership, options);
  const parents = createCache<CachedParent>("teamParents", options.teamParents, options);
  const groups = createCache<RunnerGroup>("runnerGroups", options.runnerGroups, options);
  const teamRepos = createCache<TeamRepository[]>("repoPermissions", options.repoPermissions, options, (repos) => repos.length);
  const groupKey = (name: string) => name.toLowerCase();
  const forgetGroup = (groupId: number) => {
    for (const [key, group] of [...groups.entries()]) if (group.id === groupId) groups.delete(key);
  };

  const org: OrgGitHub = {
    ...github.org,
    async teamMembership(teamSlug, login) {
      const key = `${login.toLowerCase()}\n${teamSlug.toLowerCase()}`;
      const cached = await maintainership.get(key, async () => (await github.org.teamMembership(teamSlug, login)) ?? NO_MEMBERSHIP);
      return !cached || cached.role === "none" ? null : cached;
    },
    async teamParent(teamSlug) {
      const cached = await parents.get(teamSlug.toLowerCase(), async () => ({ parent: await github.org.teamParent(teamSlug) }));
      return cached?.parent;
    },
    async teamRepositories(teamSlug, lookup) {
      const repos = await teamRepos.get(
        teamSlug.toLowerCase(),
        async () => (await github.org.teamRepositories(teamSlug)) ?? undefined,
        lookup?.fresh,
      );
      return repos ?? null;
    },
    async findRunnerGroup(name, lookup) {
      // a group that does not exist is not remembered: group-create is about to make it
      const group = await groups.get(groupKey(name), async () => (await github.org.findRunnerGroup(name)) ?? undefined, lookup?.fresh);
      return group ?? null;
    },
    async createRunnerGroup(name) {
      const group = await github.org.createRunnerGroup(name);
      groups.set(groupKey(group.name), group);
      return group;
    },
    async deleteRunnerGroup(groupId) {
      forgetGroup(groupId);
      await github.org.deleteRunnerGroup(groupId);
      forgetGroup(groupId);
    },
  };

  return {
    ...github,
    org,
    user: {
      async whoAmI(token) {
        const caller = await identity.get(tokenKey(token), () => github.user.whoAmI(token));
        return caller!;
      },
    },
    cacheSizes: () => ({
      identity: identity.size,
      maintainership: maintainership.size,
      teamParents: parents.size,
      runnerGroups: groups.size,
      repoPermissions: teamRepos.size,
    }),
  };
}
