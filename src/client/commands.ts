/**
 * The client's commands: one per /api/v1 route, named exactly as the route, with the route's own method,
 * the parameters it sends and what the client may do when an attempt fails.
 */

/** A command-line option that becomes one query parameter of the route. */
export interface RouteOption {
  /** the option's name on the command line, without "--" */
  flag: string;
  /** the query parameter it fills (parse.ts' name) */
  param: string;
  kind: "string" | "boolean";
  required?: boolean;
  /** shown in --help */
  help: string;
  /** shown in --help after the flag, e.g. "a,b" */
  valueName?: string;
}

/**
 * When an attempt fails in a way that may pass (429, 502, 503, 504, a dropped connection), may it be sent again?
 * - "idempotent": sending it twice does what sending it once does (reads, tokens, set-like changes);
 * - "when-not-done": only when the answer says nothing was done (429, 503) or the request never left;
 * - "never": runner-jitconfig registers a runner each time it is sent; a second attempt after an answer we
 *   did not get could leave a registered runner nobody starts (and a name conflict on the next run).
 */
export type RetryRule = "idempotent" | "when-not-done" | "never";

/** What the success answer's Response holds, so that it can be shown (and its secret kept off the screen). */
export type Answer = "message" | "token" | "jitconfig" | "group-list" | "prune" | "runner-labels";

export interface ClientCommand {
  name: string;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  summary: string;
  /** false only for status, which names no team */
  needsTeam: boolean;
  options: readonly RouteOption[];
  retry: RetryRule;
  answer: Answer;
}

const REPOS: RouteOption = {
  flag: "repos",
  param: "repos",
  kind: "string",
  required: true,
  valueName: "a,b",
  help: "the team's repositories, comma-separated (names without the organization)",
};
const RUNNER: RouteOption = {
  flag: "runner",
  param: "runner",
  kind: "string",
  required: true,
  valueName: "NAME|ID",
  help: "one runner of the team's group, by name (any case) or id",
};
const runnerLabels = (help: string): RouteOption => ({
  flag: "labels",
  param: "labels",
  kind: "string",
  required: true,
  valueName: "a,b",
  help,
});

export const CLIENT_COMMANDS: readonly ClientCommand[] = [
  {
    name: "status",
    method: "GET",
    summary: "Check that the service answers",
    needsTeam: false,
    options: [],
    retry: "idempotent",
    answer: "message",
  },
  {
    name: "token-register",
    method: "GET",
    summary: "Mint an organization registration token (./config.sh --token); prints only the token",
    needsTeam: true,
    options: [],
    retry: "idempotent",
    answer: "token",
  },
  {
    name: "token-remove",
    method: "GET",
    summary: "Mint an organization removal token (./config.sh remove --token); prints only the token",
    needsTeam: true,
    options: [],
    retry: "idempotent",
    answer: "token",
  },
  {
    name: "runner-jitconfig",
    method: "POST",
    summary: "Register a just-in-time runner in the team's group; prints only its configuration (./run.sh --jitconfig)",
    needsTeam: true,
    options: [
      { flag: "labels", param: "labels", kind: "string", valueName: "a,b", help: "its labels, comma-separated (self-hosted is added)" },
      { flag: "name", param: "name", kind: "string", valueName: "NAME", help: "its name after the team's prefix (default: random)" },
      { flag: "work-folder", param: "work_folder", kind: "string", valueName: "DIR", help: "its work folder, relative (default _work)" },
    ],
    retry: "never",
    answer: "jitconfig",
  },
  {
    name: "group-create",
    method: "POST",
    summary: "Create the team's runner group",
    needsTeam: true,
    options: [],
    retry: "when-not-done",
    answer: "message",
  },
  {
    name: "group-delete",
    method: "DELETE",
    summary: "Delete the team's runner group",
    needsTeam: true,
    options: [],
    retry: "when-not-done",
    answer: "message",
  },
  {
    name: "group-list",
    method: "GET",
    summary: "Show the team's group, its repositories and its runners",
    needsTeam: true,
    options: [],
    retry: "idempotent",
    answer: "group-list",
  },
  {
    name: "repos-add",
    method: "PATCH",
    summary: "Let repositories use the group",
    needsTeam: true,
    options: [REPOS],
    retry: "idempotent",
    answer: "message",
  },
  {
    name: "repos-set",
    method: "PATCH",
    summary: "Let exactly these repositories use the group",
    needsTeam: true,
    options: [REPOS],
    retry: "idempotent",
    answer: "message",
  },
  {
    name: "repos-remove",
    method: "PATCH",
    summary: "Stop repositories using the group",
    needsTeam: true,
    options: [REPOS],
    retry: "idempotent",
    answer: "message",
  },
  {
    name: "runner-delete",
    method: "DELETE",
    summary: "Delete one runner of the team's group",
    needsTeam: true,
    options: [RUNNER, { flag: "force", param: "force", kind: "boolean", help: "delete it even while it runs a job" }],
    retry: "when-not-done",
    answer: "message",
  },
  {
    name: "runner-prune",
    method: "POST",
    summary: "Delete the group's offline runners",
    needsTeam: true,
    options: [],
    retry: "idempotent",
    answer: "prune",
  },
  {
    name: "runner-labels-add",
    method: "PATCH",
    summary: "Add labels to a runner",
    needsTeam: true,
    options: [RUNNER, runnerLabels("the labels to add, comma-separated")],
    retry: "idempotent",
    answer: "runner-labels",
  },
  {
    name: "runner-labels-set",
    method: "PATCH",
    summary: "Replace a runner's custom labels",
    needsTeam: true,
    options: [RUNNER, runnerLabels("its custom labels, comma-separated")],
    retry: "idempotent",
    answer: "runner-labels",
  },
  {
    name: "runner-labels-remove",
    method: "PATCH",
    summary: "Remove labels from a runner",
    needsTeam: true,
    options: [RUNNER, runnerLabels("the labels to remove, comma-separated")],
    retry: "idempotent",
    answer: "runner-labels",
  },
  {
    name: "runner-move",
    method: "PATCH",
    summary: "Move a runner to another team's group (you maintain both)",
    needsTeam: true,
    options: [
      RUNNER,
      { flag: "to", param: "to", kind: "string", required: true, valueName: "TEAM", help: "the team whose group receives it" },
    ],
    retry: "when-not-done",
    answer: "message",
  },
];

/** The commands whose answer is a secret, and so the ones that take --out. */
export function mintsSecret(command: ClientCommand): boolean {
  return command.answer === "token" || command.answer === "jitconfig";
}

export function findCommand(name: string): ClientCommand | undefined {
  return CLIENT_COMMANDS.find((command) => command.name === name);
}
