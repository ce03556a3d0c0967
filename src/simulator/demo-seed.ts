/**
 * The built-in demo organization: what `npm run simulator` and `npm run demo` start with when no seed
 * file is given. examples/simulator-seed.yml is the same seed in YAML (a test keeps them equal), and the
 * README's curl lines use these tokens. They are fake credentials of a fake organization.
 */
import type { SeedInput } from "./seed.js";

export const DEMO_TOKENS = {
  /** active maintainer of team `platform` */
  alice: "ghp_DemoAliceMaintainer00000000000000001",
  /** plain member of team `platform` */
  bob: "ghp_DemoBobMember0000000000000000000000002",
  /** maintainer of `platform` who has not accepted the invitation yet (state pending) */
  carol: "ghp_DemoCarolPendingMaintainer0000000003",
  /** in the organization, in no team */
  dave: "ghp_DemoDaveNoTeam00000000000000000000004",
  /** organization owner */
  erin: "ghp_DemoErinOrgOwner000000000000000000005",
} as const;

export const demoSeed: SeedInput = {
  org: { login: "acme", id: 1000, name: "Acme Corp" },
  app: { id: 424242, slug: "actions-runner-manager", name: "Actions Runner Manager", installationId: 4242 },
  users: [
    { login: "alice", id: 5001, name: "Alice Maintainer", tokens: [DEMO_TOKENS.alice] },
    { login: "bob", id: 5002, name: "Bob Member", tokens: [DEMO_TOKENS.bob] },
    { login: "carol", id: 5003, name: "Carol Pending", tokens: [DEMO_TOKENS.carol] },
    { login: "dave", id: 5004, name: "Dave Outsider", tokens: [DEMO_TOKENS.dave] },
    { login: "erin", id: 5005, name: "Erin Owner", orgRole: "admin", tokens: [DEMO_TOKENS.erin] },
  ],
  repositories: [
    { name: "api", id: 9001, visibility: "private" },
    { name: "web", id: 9002, visibility: "private" },
    { name: "docs", id: 9003, visibility: "public" },
    { name: "warehouse", id: 9004, visibility: "internal" },
    { name: "infra", id: 9005, visibility: "private" },
  ],
  teams: [
    {
      slug: "platform",
      name: "Platform",
      id: 7001,
      members: [
        { login: "alice", role: "maintainer", state: "active" },
        { login: "bob", role: "member", state: "active" },
        { login: "carol", role: "maintainer", state: "pending" },
      ],
      repos: [
        { name: "api", permission: "write" },
        { name: "web", permission: "admin" },
        { name: "docs", permission: "read" },
      ],
    },
    {
      slug: "data",
      name: "Data",
      id: 7002,
      members: [{ login: "erin", role: "maintainer", state: "active" }],
      repos: [{ name: "warehouse", permission: "maintain" }],
    },
  ],
  runnerGroups: [{ name: "team-data", id: 2, visibility: "selected", repositories: ["warehouse"] }],
  runners: [
    { name: "shared-runner-1", id: 1, group: "Default", labels: ["self-hosted", "linux", "x64"] },
    { name: "data-runner-1", id: 2, group: "team-data", labels: ["self-hosted", "linux", "x64", "gpu"] },
  ],
};
