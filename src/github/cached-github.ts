/**
 * Bounded, short-lived caches in front of the GitHub lookups, so that a repeat caller's request costs
 * GitHub only the call that does the work (see README, "Caches"). A decorator over the GitHub ports:
 * services and adapters do not know it is there.
 *
 * - identity: caller token → login, keyed by the token's SHA-256 (the token itself is never held); with
 *   auth.requireOrgAccess the organization's acceptance of the token is part of it (a refusal is not kept);
 * - maintainership: (login, team) → membership, or "none";
 * - teamParents: team → its parent team's slug, or none (a top-level team, or no such team);
 * - runnerGroups: group name → group, or "none" (kept up to date by create and delete);
 * - repoPermissions: team → its repositories with permissions, or "no such team", sized by repository count.
 * Negative answers are cached like positive ones (GitHub's budget is spent as much on a refusal as on an
 * answer; see README, "Security"), with one bound: "no such group" lives at most NO_GROUP_TTL_MS, because
 * another replica may create the group and nothing would tell this one.
 * Concurrent identical lookups share one GitHub call (lru-cache's fetch). A stale entry heals: callers
 * that find a cached answer wrong ask again with `{ fresh: true }`, at most once per team per TTL for a
 * team's repositories (a refused repository would otherwise re-read a large team's list on every request).
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
const NO_GROUP = { none: true } as const;
type CachedGroup = RunnerGroup | typeof NO_GROUP;
const NO_TEAM = { none: true } as const;
type CachedRepos = TeamRepository[] | typeof NO_TEAM;
/** Another replica may create a group this one remembers as missing: it learns of it within a minute. */
const NO_GROUP_TTL_MS = 60_000;

interface Cache<V extends object> {
  /** the cached value, or `load()` (shared by concurrent callers of the same key) */
  get(key: string, load: () => Promise<V | undefined>, fresh?: boolean): Promise<V | undefined>;
  /** the cached value without any GitHub call, nor a lookup counted */
  peek(key: string): V | undefined;
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
  /** a shorter life for some values (ms), e.g. negative answers that another replica may make wrong */
  ttlOf?: (value: V) => number | undefined,
): Cache<V> {
  const enabled = settings.ttlSeconds > 0 && settings.maxEntries > 0;
  if (!enabled) {
    return {
      get: (_key, load) => load(),
      peek: () => undefined,
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
    fetchMethod: async (_key, _stale, { context, options: entry }) => {
      const value = await context();
      const ttl = value === undefined ? undefined : ttlOf?.(value);
      if (ttl !== undefined) entry.ttl = Math.min(ttl, settings.ttlSeconds * 1000);
      return value;
    },
  });
  return {
    async get(key, load, fresh = false) {
      const hit = !fresh && lru.has(key);
      options.onLookup?.(name, hit ? "hit" : "miss");
      return lru.fetch(key, { context: load, forceRefresh: fresh });
    },
    peek: (key) => lru.peek(key),
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
  const groups = createCache<CachedGroup>("runnerGroups", options.runnerGroups, options, undefined, (group) =>
    "none" in group ? NO_GROUP_TTL_MS : undefined,
  );
  const teamRepos = createCache<CachedRepos>("repoPermissions", options.repoPermissions, options, (repos) =>
    Array.isArray(repos) ? repos.length : 1,
  );
  /** teams whose repositories were read afresh within the TTL: one fresh read per team per TTL */
  const freshRepoReads =
    options.repoPermissions.ttlSeconds > 0 && options.repoPermissions.maxEntries > 0
      ? new LRUCache<string, true>({
          max: options.repoPermissions.maxEntries,
          ttl: options.repoPermissions.ttlSeconds * 1000,
          perf: { now: () => options.clock.now().getTime() },
        })
      : undefined;
  const groupKey = (name: string) => name.toLowerCase();
  const forgetGroup = (groupId: number) => {
    for (const [key, group] of [...groups.entries()]) if (!("none" in group) && group.id === groupId) groups.delete(key);
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
    knownMembership(teamSlug, login) {
      const cached = maintainership.peek(`${login.toLowerCase()}\n${teamSlug.toLowerCase()}`);
      return cached === undefined ? undefined : cached.role === "none" ? null : cached;
    },
    async teamRepositories(teamSlug, lookup) {
      const key = teamSlug.toLowerCase();
      let fresh = lookup?.fresh === true;
      if (fresh && freshRepoReads) {
        // already read afresh within the TTL: the cached list is as fresh as this service reads it
        if (freshRepoReads.has(key)) fresh = false;
        else freshRepoReads.set(key, true);
      }
      const repos = await teamRepos.get(key, async () => (await github.org.teamRepositories(teamSlug)) ?? NO_TEAM, fresh);
      return Array.isArray(repos) ? repos : null;
    },
    async findRunnerGroup(name, lookup) {
      // "none" is remembered too: group-create does not look (it creates, and sets the entry)
      const group = await groups.get(groupKey(name), async () => (await github.org.findRunnerGroup(name)) ?? NO_GROUP, lookup?.fresh);
      return !group || "none" in group ? null : group;
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
      knownCaller: (token) => identity.peek(tokenKey(token)),
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
