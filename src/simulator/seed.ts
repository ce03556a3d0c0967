/**
 * The seed: what the simulated organization holds when the simulator starts. Written in YAML by people
 * (see README, "Simulator seed format") or built in code by tests; validated here with one error that
 * lists every problem, and turned into a fresh SimState.
 */
import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { Clock } from "../clock.js";
import { APP_PERMISSIONS } from "./bodies.js";
import {
  DEFAULT_GROUP_ID,
  type RepoRole,
  type Runner,
  type RunnerGroup,
  type SimState,
  type Team,
  type TokenGrant,
  type User,
} from "./state.js";

const login = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, "a GitHub login: letters, digits and dashes");
const slug = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,99}$/, "a team slug: lower-case letters, digits, - _ .");
const repoName = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, "a repository name: letters, digits, - _ .");
const id = z.number().int().positive();

const seedSchema = z
  .object({
    org: z
      .object({
        login,
        id: id.optional(),
        name: z.string().optional(),
        /** SAML single sign-on enforced: tokens given with `ssoAuthorized: false` are refused on the organization */
        samlSso: z.boolean().default(false),
        /** OAuth app access restrictions: tokens of an OAuth app not in `approvedApps` are refused on the organization */
        oauthAppRestrictions: z
          .object({ approvedApps: z.array(z.string().min(1)).default([]) })
          .strict()
          .optional(),
      })
      .strict(),
    app: z
      .object({
        id: id.optional(),
        slug: z.string().optional(),
        name: z.string().optional(),
        clientId: z.string().optional(),
        installationId: id.optional(),
        /** PEM of the App's private key (PKCS#1 or PKCS#8); generated at start when neither this nor privateKeyFile is given. */
        privateKey: z.string().optional(),
        privateKeyFile: z.string().optional(),
      })
      .strict()
      .default({}),
    users: z
      .array(
        z
          .object({
            login,
            id: id.optional(),
            name: z.string().nullable().optional(),
            orgRole: z.enum(["admin", "member", "none"]).default("member"),
            /** a token, or a token with what GitHub knows of it (SSO authorization, the OAuth app that issued it) */
            tokens: z
              .array(
                z.union([
                  z.string().min(1),
                  z
                    .object({
                      token: z.string().min(1),
                      ssoAuthorized: z.boolean().default(true),
                      oauthApp: z.string().min(1).optional(),
                    })
                    .strict(),
                ]),
              )
              .min(1),
          })
          .strict(),
      )
      .default([]),
    repositories: z
      .array(
        z
          .object({
            name: repoName,
            id: id.optional(),
            visibility: z.enum(["public", "private", "internal"]).default("private"),
          })
          .strict(),
      )
      .default([]),
    teams: z
      .array(
        z
          .object({
            slug,
            name: z.string().optional(),
            id: id.optional(),
            /** the parent team's slug: this team is its child team (GitHub's nested teams) */
            parent: slug.optional(),
            members: z
              .array(
                z
                  .object({
                    login,
                    role: z.enum(["maintainer", "member"]).default("member"),
                    state: z.enum(["active", "pending"]).default("active"),
                  })
                  .strict(),
              )
              .default([]),
            repos: z
              .array(
                z
                  .object({
                    name: repoName,
                    permission: z.enum(["read", "pull", "triage", "write", "push", "maintain", "admin"]),
                  })
                  .strict(),
              )
              .default([]),
          })
          .strict(),
      )
      .default([]),
    runnerGroups: z
      .array(
        z
          .object({
            name: z.string().min(1),
            id: id.optional(),
            visibility: z.enum(["all", "selected", "private"]).default("all"),
            repositories: z.array(repoName).default([]),
            allowsPublicRepositories: z.boolean().default(false),
            inherited: z.boolean().default(false),
          })
          .strict(),
      )
      .default([]),
    runners: z
      .array(
        z
          .object({
            name: z.string().min(1),
            id: id.optional(),
            group: z.string().default("Default"),
            os: z.string().default("linux"),
            status: z.enum(["online", "offline"]).default("online"),
            busy: z.boolean().default(false),
            ephemeral: z.boolean().default(false),
            version: z
              .string()
              .regex(/^\d+\.\d+\.\d+$/)
              .optional(),
            labels: z.array(z.string()).default(["self-hosted", "linux", "x64"]),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

/** A seed as written by a person or a test; every field but `org.login` may be left out. */
export type SeedInput = z.input<typeof seedSchema>;
export type Seed = z.output<typeof seedSchema>;

export class SeedError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`invalid simulator seed ${source}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "SeedError";
  }
}

export function parseSeedYaml(text: string, source = "(text)"): Seed {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new SeedError(source, [`not valid YAML: ${(error as Error).message}`]);
  }
  return validateSeed(raw, source);
}

export function loadSeedFile(path: string): Seed {
  return parseSeedYaml(readFileSync(path, "utf8"), path);
}

export function validateSeed(raw: unknown, source = "(object)"): Seed {
  const result = seedSchema.safeParse(raw);
  if (!result.success) {
    throw new SeedError(
      source,
      result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`),
    );
  }
  const seed = result.data;
  const problems = crossReferenceProblems(seed);
  if (problems.length > 0) throw new SeedError(source, problems);
  return seed;
}

const tokenValue = (token: Seed["users"][number]["tokens"][number]) => (typeof token === "string" ? token : token.token);

function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  const dupes = new Set<string>();
  for (const v of values.map((v) => v.toLowerCase())) (seen.has(v) ? dupes : seen).add(v);
  return [...dupes];
}

function crossReferenceProblems(seed: Seed): string[] {
  const problems: string[] = [];
  const logins = new Set(seed.users.map((u) => u.login.toLowerCase()));
  const repos = new Set(seed.repositories.map((r) => r.name.toLowerCase()));
  const groups = new Set(["default", ...seed.runnerGroups.map((g) => g.name.toLowerCase())]);
  for (const d of duplicates(seed.users.map((u) => u.login))) problems.push(`users: login ${d} appears twice`);
  for (const d of duplicates(seed.users.flatMap((u) => u.tokens.map(tokenValue))))
    problems.push(`users: a token is given to two users (${d.slice(0, 4)}…)`);
  for (const d of duplicates(seed.repositories.map((r) => r.name))) problems.push(`repositories: ${d} appears twice`);
  for (const d of duplicates(seed.teams.map((t) => t.slug))) problems.push(`teams: ${d} appears twice`);
  for (const d of duplicates(["Default", ...seed.runnerGroups.map((g) => g.name)]))
    problems.push(`runnerGroups: ${d} appears twice (Default always exists, with id 1)`);
  for (const d of duplicates(seed.runners.map((r) => r.name))) problems.push(`runners: ${d} appears twice`);
  const parents = new Map(seed.teams.map((t) => [t.slug, t.parent]));
  seed.teams.forEach((team, t) => {
    if (team.parent !== undefined && !parents.has(team.parent)) problems.push(`teams.${t}.parent: no team ${team.parent} in teams`);
    // GitHub refuses a parent that would make a cycle: walking up from the team must end at the top.
    const above = new Set([team.slug]);
    for (let up = team.parent; up !== undefined && parents.has(up); up = parents.get(up)) {
      if (above.has(up)) {
        problems.push(`teams.${t}.parent: ${team.slug} would be its own ancestor`);
        break;
      }
      above.add(up);
    }
    team.members.forEach((m, i) => {
      if (!logins.has(m.login.toLowerCase())) problems.push(`teams.${t}.members.${i}: no user ${m.login} in users`);
    });
    team.repos.forEach((r, i) => {
      if (!repos.has(r.name.toLowerCase())) problems.push(`teams.${t}.repos.${i}: no repository ${r.name} in repositories`);
    });
  });
  seed.runnerGroups.forEach((group, g) => {
    group.repositories.forEach((name, i) => {
      if (!repos.has(name.toLowerCase())) problems.push(`runnerGroups.${g}.repositories.${i}: no repository ${name}`);
    });
  });
  seed.runners.forEach((runner, i) => {
    if (!groups.has(runner.group.toLowerCase())) problems.push(`runners.${i}.group: no runner group ${runner.group}`);
  });
  return problems;
}

/**
 * The labels a runner gives itself when configured (self-hosted, its OS, its architecture: "self-hosted",
 * "Linux", "X64" and so on, docs.github.com "Using labels with self-hosted runners"); a seed's other labels
 * are custom. Labels are case-insensitive, so any spelling of these is read-only.
 */
const READ_ONLY_LABELS: ReadonlySet<string> = new Set(["self-hosted", "linux", "windows", "macos", "x64", "arm", "arm64"]);

const ROLE_ALIASES: Record<string, RepoRole> = { pull: "read", push: "write" };

export interface AppKeys {
  /** PEM of the private key, when the simulator knows it (generated, or given in the seed). */
  privateKeyPem: string | undefined;
  publicKeyPem: string;
}

/** The App's key pair: from the seed, or generated once here (never per request). */
export function appKeysFor(seed: Seed): AppKeys {
  const given = seed.app.privateKey ?? (seed.app.privateKeyFile ? readFileSync(seed.app.privateKeyFile, "utf8") : undefined);
  if (given) {
    return { privateKeyPem: given, publicKeyPem: createPublicKey(given).export({ type: "spki", format: "pem" }).toString() };
  }
  // GitHub hands Apps PKCS#1 keys ("BEGIN RSA PRIVATE KEY"); generate the same kind.
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

export function buildState(seed: Seed, keys: AppKeys, clock: Clock): SimState {
  const created = clock
    .now()
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z");
  let nextUserId = 5001;
  let nextTeamId = 7001;
  let nextRepoId = 9001;
  const nextFree = (taken: Set<number>, start: number) => {
    let n = start;
    while (taken.has(n)) n++;
    return n;
  };

  const users = new Map<string, User>();
  const userTokens = new Map<string, string>();
  const tokenGrants = new Map<string, TokenGrant>();
  const userIds = new Set(seed.users.flatMap((u) => (u.id ? [u.id] : [])));
  for (const u of seed.users) {
    const userId = u.id ?? (nextUserId = nextFree(userIds, nextUserId));
    userIds.add(userId);
    users.set(u.login.toLowerCase(), { login: u.login, id: userId, name: u.name ?? null, orgRole: u.orgRole });
    for (const token of u.tokens) {
      userTokens.set(tokenValue(token), u.login.toLowerCase());
      if (typeof token !== "string") {
        tokenGrants.set(token.token, {
          ssoAuthorized: token.ssoAuthorized,
          ...(token.oauthApp !== undefined && { oauthApp: token.oauthApp }),
        });
      }
    }
  }

  const repos = new Map<number, SimState["repos"] extends Map<number, infer R> ? R : never>();
  const repoIds = new Set(seed.repositories.flatMap((r) => (r.id ? [r.id] : [])));
  const repoIdByName = new Map<string, number>();
  for (const r of seed.repositories) {
    const repoId = r.id ?? (nextRepoId = nextFree(repoIds, nextRepoId));
    repoIds.add(repoId);
    repos.set(repoId, { id: repoId, name: r.name, visibility: r.visibility, createdAt: created });
    repoIdByName.set(r.name.toLowerCase(), repoId);
  }
  const repoId = (name: string) => repoIdByName.get(name.toLowerCase())!;

  const teams = new Map<string, Team>();
  const teamIds = new Set(seed.teams.flatMap((t) => (t.id ? [t.id] : [])));
  for (const t of seed.teams) {
    const teamId = t.id ?? (nextTeamId = nextFree(teamIds, nextTeamId));
    teamIds.add(teamId);
    teams.set(t.slug, {
      id: teamId,
      slug: t.slug,
      name: t.name ?? t.slug,
      parent: t.parent ?? null,
      members: new Map(t.members.map((m) => [m.login.toLowerCase(), { role: m.role, state: m.state }])),
      repos: new Map(t.repos.map((r) => [repoId(r.name), ROLE_ALIASES[r.permission] ?? (r.permission as RepoRole)])),
    });
  }

  const runnerGroups = new Map<number, RunnerGroup>();
  runnerGroups.set(DEFAULT_GROUP_ID, {
    id: DEFAULT_GROUP_ID,
    name: "Default",
    visibility: "all",
    isDefault: true,
    inherited: false,
    allowsPublicRepositories: true,
    restrictedToWorkflows: false,
    selectedWorkflows: [],
    repositoryIds: new Set(),
  });
  const groupIds = new Set([DEFAULT_GROUP_ID, ...seed.runnerGroups.flatMap((g) => (g.id ? [g.id] : []))]);
  let nextGroupId = 2;
  for (const g of seed.runnerGroups) {
    const groupId = g.id ?? (nextGroupId = nextFree(groupIds, nextGroupId));
    groupIds.add(groupId);
    runnerGroups.set(groupId, {
      id: groupId,
      name: g.name,
      visibility: g.visibility,
      isDefault: false,
      inherited: g.inherited,
      allowsPublicRepositories: g.allowsPublicRepositories,
      restrictedToWorkflows: false,
      selectedWorkflows: [],
      repositoryIds: new Set(g.repositories.map(repoId)),
    });
  }
  const groupIdByName = new Map([...runnerGroups.values()].map((g) => [g.name.toLowerCase(), g.id]));

  let nextLabelId = 1;
  const runners = new Map<number, Runner>();
  const runnerIds = new Set(seed.runners.flatMap((r) => (r.id ? [r.id] : [])));
  let nextRunnerId = 1;
  for (const r of seed.runners) {
    const runnerId = r.id ?? (nextRunnerId = nextFree(runnerIds, nextRunnerId));
    runnerIds.add(runnerId);
    runners.set(runnerId, {
      id: runnerId,
      name: r.name,
      os: r.os,
      status: r.status,
      busy: r.busy,
      ephemeral: r.ephemeral,
      ...(r.version !== undefined && { version: r.version }),
      groupId: groupIdByName.get(r.group.toLowerCase())!,
      labels: r.labels.map((name) => ({
        id: nextLabelId++,
        name,
        type: READ_ONLY_LABELS.has(name.toLowerCase()) ? "read-only" : "custom",
      })),
    });
  }

  const appId = seed.app.id ?? 424242;
  return {
    org: {
      login: seed.org.login,
      id: seed.org.id ?? 1000,
      name: seed.org.name ?? seed.org.login,
      ...(seed.org.samlSso && { samlSso: true }),
      ...(seed.org.oauthAppRestrictions && { oauthAppRestrictions: { approvedApps: seed.org.oauthAppRestrictions.approvedApps } }),
    },
    app: {
      id: appId,
      slug: seed.app.slug ?? "actions-runner-manager",
      name: seed.app.name ?? "Actions Runner Manager",
      clientId: seed.app.clientId ?? `Iv23li${String(appId).padStart(14, "0")}`,
      installationId: seed.app.installationId ?? 4242,
      publicKeyPem: keys.publicKeyPem,
      createdAt: created,
      installationPermissions: { ...APP_PERMISSIONS },
      suspended: null,
    },
    users,
    userTokens,
    tokenGrants,
    teams,
    repos,
    runnerGroups,
    runners,
    installationTokens: new Map(),
    mintedTokens: [],
    rateWindows: new Map(),
    nextId: {
      runnerGroup: Math.max(...groupIds) + 1,
      runner: Math.max(0, ...runnerIds) + 1,
      label: nextLabelId,
    },
  };
}
