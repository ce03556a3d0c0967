/**
 * A self-hosted runner's labels, at organization level ("Self-hosted runners" → labels in GitHub's REST docs).
 * Read-only labels (self-hosted, the OS, the architecture) come from the runner's configuration; these
 * routes add, replace and remove only custom ones. Labels are case-insensitive (docs.github.com, "Using
 * labels with self-hosted runners"): a name that is on the runner in any case is not added again.
 */
import { runnerLabels } from "../bodies.js";
import { json, notFound, validationFailedSimple, type SimResponse } from "../http.js";
import type { ArrayType, Ctx, RouteDef } from "../route-table.js";
import type { Runner } from "../state.js";
import { intParam, orgMismatch } from "./common.js";

/** The operations' own bounds: add takes 1 to 100 names, set 0 to 100 (an empty set removes every custom label). */
const ADD_LABELS: ArrayType = { items: "string", minItems: 1, maxItems: 100 };
const SET_LABELS: ArrayType = { items: "string", minItems: 0, maxItems: 100 };

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Runs `then` with the runner named by the path, or answers 404 as GitHub does for a runner it does not have. */
function withRunner(ctx: Ctx, then: (runner: Runner) => SimResponse): SimResponse {
  const id = intParam(ctx, "runner_id");
  const runner = id === undefined ? undefined : ctx.state.runners.get(id);
  return orgMismatch(ctx) ?? (runner ? then(runner) : notFound());
}

/** A blank name is refused: GitHub's description does not say so, but no workflow could select such a label. */
function blankName(names: readonly string[]): SimResponse | undefined {
  return names.some((name) => name.trim() === "") ? validationFailedSimple(["A label name must not be blank."]) : undefined;
}

/** Adds each name the runner does not carry yet (in any case) as a custom label; a name given twice is added once. */
function addCustom(ctx: Ctx, runner: Runner, names: readonly string[]): void {
  for (const name of names) {
    if (runner.labels.some((label) => sameName(label.name, name))) continue;
    runner.labels.push({ id: ctx.state.nextId.label++, name, type: "custom" });
  }
}

const labelsOf = (runner: Runner) => json(200, runnerLabels(runner.labels));

export const runnerLabelRoutes: RouteDef[] = [
  {
    route: "GET /orgs/{org}/actions/runners/{runner_id}/labels",
    auth: "org-admin",
    handler: (ctx) => withRunner(ctx, labelsOf),
  },
  {
    route: "POST /orgs/{org}/actions/runners/{runner_id}/labels",
    auth: "org-admin",
    body: { required: ["labels"], fields: { labels: ADD_LABELS } },
    handler: (ctx) =>
      withRunner(ctx, (runner) => {
        const names = ctx.body.labels as string[];
        const refused = blankName(names);
        if (refused) return refused;
        addCustom(ctx, runner, names);
        return labelsOf(runner);
      }),
  },
  {
    route: "PUT /orgs/{org}/actions/runners/{runner_id}/labels",
    auth: "org-admin",
    body: { required: ["labels"], fields: { labels: SET_LABELS } },
    handler: (ctx) =>
      withRunner(ctx, (runner) => {
        const names = ctx.body.labels as string[];
        const refused = blankName(names);
        if (refused) return refused;
        // Custom labels named again keep their id; read-only ones always stay.
        runner.labels = runner.labels.filter((label) => label.type === "read-only" || names.some((name) => sameName(name, label.name)));
        addCustom(ctx, runner, names);
        return labelsOf(runner);
      }),
  },
  {
    route: "DELETE /orgs/{org}/actions/runners/{runner_id}/labels",
    auth: "org-admin",
    handler: (ctx) =>
      withRunner(ctx, (runner) => {
        runner.labels = runner.labels.filter((label) => label.type === "read-only");
        return labelsOf(runner);
      }),
  },
  {
    route: "DELETE /orgs/{org}/actions/runners/{runner_id}/labels/{name}",
    auth: "org-admin",
    handler: (ctx) =>
      withRunner(ctx, (runner) => {
        const name = ctx.params.name ?? "";
        const label = runner.labels.find((l) => sameName(l.name, name));
        // GitHub documents 404 "if the custom label is not present on the runner".
        if (!label) return notFound();
        // A read-only label is on the runner but may not be removed. GitHub documents a 422
        // (validation-error-simple) for this operation, which has no body: the label named is the only
        // thing there is to refuse, and removing all custom labels keeps read-only ones too. So: 422, and
        // the label stays. (The REST docs call the parameter "the name of a self-hosted runner's custom label".)
        if (label.type === "read-only") {
          return validationFailedSimple([`The label ${label.name} is read-only: it cannot be removed from the runner.`]);
        }
        runner.labels = runner.labels.filter((l) => l !== label);
        return labelsOf(runner);
      }),
  },
];
