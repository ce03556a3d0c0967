/**
 * The runners of a team's managed group: just-in-time configurations for new ones, and delete, prune,
 * label and move for those it has. A runner is always found *in the team's group*: one of any other group
 * is answered exactly as one that does not exist, so a team learns nothing about another's runners.
 */
import { randomBytes } from "node:crypto";
import { AppError } from "../domain/errors.js";
import { type JitConfig, type Runner, type RunnerGroup } from "../domain/runner-group.js";
import { labelAllowList, labelsIn, labelsNotIn, SELF_HOSTED, withLabel } from "../domain/runner-labels.js";
import { changingGroup, type TeamContext } from "./context.js";
import { deleteRunnerIfPresent, findTeamGroup, onTeamGroup, reported } from "./runner-groups.js";

/** GitHub's bounds: a runner's name, and the labels of one runner. */
const RUNNER_NAME_LENGTH = 64;
const LABELS_PER_RUNNER = 100;

/** What runner-jitconfig answers: the new runner, and its configuration for `./run.sh --jitconfig`. */
export interface JitRunner {
  runner: Pick<Runner, "id" | "name" | "os" | "status" | "busy" | "labels"> & { runner_group_id: number };
  encoded_jit_config: string;
}

export interface RunnerLabels {
  runner: { id: number; name: string };
  labels: string[];
}

/** The team's group and the runner named by id or by name in it; 404 for any runner outside it. */
async function findGroupRunner(ctx: TeamContext, group: RunnerGroup, named: string): Promise<Runner> {
  const runners = await ctx.github.org.groupRunners(group.id);
  // An all-digit word is an id first (as GitHub's own URLs name runners), then perhaps a runner so named.
  const byId = /^\d+$/.test(named) ? runners.find((r) => r.id === Number(named)) : undefined;
  const runner = byId ?? runners.find((r) => r.name.toLowerCase() === named.toLowerCase());
  if (!runner) throw new AppError("RUNNER_NOT_FOUND", `Runner not found in runner group ${group.name}: ${named}`);
  return runner;
}

/** Refuses (403, nothing changed) custom labels that policy.runnerLabels does not allow. */
function requireAllowedLabels(ctx: TeamContext, labels: readonly string[]): void {
  const allowed = labelAllowList(ctx.policy.runnerLabels);
  const refused = labels.filter((label) => !allowed(label));
  if (refused.length > 0) {
    throw new AppError("LABEL_NOT_ALLOWED", `Labels not allowed by policy.runnerLabels, nothing was changed: ${refused.join(", ")}`);
  }
}

const randomSuffix = () => randomBytes(5).toString("hex");

/**
 * One just-in-time runner configuration, bound to the team's group by GitHub itself: unlike a registration
 * token, it cannot register a runner anywhere else, nor replace another team's runner.
 */
export function createJitConfig(
  ctx: TeamContext,
  input: { labels: string[]; name: string | undefined; work_folder: string | undefined },
): Promise<JitRunner> {
  // GitHub Enterprise Server has generate-jitconfig from 3.10 only: an older one is named in a 501, not left to answer 404
  ctx.github.server.requireCall("POST /orgs/{org}/actions/runners/generate-jitconfig");
  const name = `${ctx.team}-${input.name ?? randomSuffix()}`;
  if (name.length > RUNNER_NAME_LENGTH) {
    throw new AppError(
      "BAD_REQUEST",
      `The runner's name, ${name}, is over GitHub's ${RUNNER_NAME_LENGTH} characters: give a name of at most ` +
        `${Math.max(0, RUNNER_NAME_LENGTH - ctx.team.length - 1)} characters`,
    );
  }
  const labels = withLabel(SELF_HOSTED, input.labels);
  if (labels.length > LABELS_PER_RUNNER) {
    throw new AppError("BAD_REQUEST", `A runner has at most ${LABELS_PER_RUNNER} labels, ${SELF_HOSTED} included: give at most 99`);
  }
  requireAllowedLabels(ctx, labelsNotIn(labels, [SELF_HOSTED]));

  const max = ctx.policy.maxRunnersPerTeam;
  // Registering a runner changes nothing another request reads, so requests run side by side, unless
  // policy.maxRunnersPerTeam holds: then two of one team must not both pass its check.
  const serialized =
    max === undefined ? (work: () => Promise<JitRunner>) => work() : (work: () => Promise<JitRunner>) => changingGroup(ctx, work);
  // A group id from the cache may be stale: GitHub's 404 then means it registered nothing, so the group is
  // looked up afresh and the call made once more (onTeamGroup); no other failure is ever repeated.
  return serialized(() =>
    onTeamGroup(ctx, async (group) => {
      if (max !== undefined) {
        const runners = await ctx.github.org.groupRunners(group.id);
        if (runners.length >= max) {
          throw new AppError(
            "RUNNER_LIMIT_REACHED",
            `Runner group ${group.name} holds ${runners.length} runners, the most policy.maxRunnersPerTeam allows: ` +
              "delete some (runner-delete, runner-prune) first",
          );
        }
      }
      let config: JitConfig;
      try {
        config = await ctx.github.org.generateJitConfig({
          groupId: group.id,
          name,
          labels,
          ...(input.work_folder !== undefined && { workFolder: input.work_folder }),
        });
      } catch (error) {
        // No answer, or a 5xx, to a POST that is never repeated: GitHub may have registered the runner anyway.
        if (error instanceof AppError && (error.code === "GITHUB_UNAVAILABLE" || error.code === "GITHUB_TIMEOUT")) {
          throw reported(error, (why) => `${why}; runner ${name} may have been registered anyway: group-list tells`);
        }
        throw error;
      }
      const { runner } = config;
      ctx.audit("runner.jit-config-created", { groupId: group.id, runnerId: runner.id, runner: runner.name, labels: runner.labels });
      return {
        runner: {
          id: runner.id,
          name: runner.name,
          os: runner.os,
          status: runner.status,
          busy: runner.busy,
          labels: runner.labels,
          runner_group_id: runner.groupId,
        },
        encoded_jit_config: config.encodedJitConfig,
      };
    }),
  );
}

/** Deletes one runner of the group; one running a job only with `force` (and GitHub may still refuse). */
export function deleteRunner(ctx: TeamContext, input: { runner: string; force: boolean }): Promise<string> {
  return changingGroup(ctx, () =>
    onTeamGroup(ctx, async (group) => {
      const runner = await findGroupRunner(ctx, group, input.runner);
      if (runner.busy && !input.force) {
        throw new AppError("RUNNER_BUSY", `Runner ${runner.name} is running a job: retry when it is done, or pass force=true`);
      }
      try {
        await ctx.github.org.deleteRunner(runner.id);
      } catch (error) {
        throw reported(error, (why) => `Runner ${runner.name} could not be deleted: ${why}`);
      }
      ctx.audit("runner.deleted", { groupId: group.id, runnerId: runner.id, runner: runner.name });
      return `Runner deleted successfully: ${runner.name}`;
    }),
  );
}

/**
 * Deletes the group's offline, idle runners. An offline runner's name can be claimed by anyone with a
 * registration token (`config.sh --replace`, actions/runner#4091), so stale ones should not linger.
 */
export function pruneRunners(ctx: TeamContext): Promise<{ deleted: string[] }> {
  return changingGroup(ctx, () =>
    onTeamGroup(ctx, async (group) => {
      const stale = (await ctx.github.org.groupRunners(group.id)).filter((r) => r.status === "offline" && !r.busy);
      const deleted: string[] = [];
      for (const runner of stale) {
        try {
          await deleteRunnerIfPresent(ctx, runner.id);
        } catch (error) {
          const done = deleted.length > 0 ? `Deleted runners ${deleted.join(", ")}; ` : "";
          throw reported(error, (why) => `${done}runner ${runner.name} could not be deleted (${why}), and the rest were left`);
        }
        deleted.push(runner.name);
        ctx.audit("runner.deleted", { groupId: group.id, runnerId: runner.id, runner: runner.name, pruned: true });
      }
      return { deleted };
    }),
  );
}

type LabelChange = "add" | "set" | "remove";

/**
 * Changes a runner's custom labels. Its read-only labels are never touched: set keeps them, remove refuses
 * to name one, add leaves out those the runner has already. A change that changes nothing costs no call.
 */
export function changeLabels(ctx: TeamContext, change: LabelChange, input: { runner: string; labels: string[] }): Promise<RunnerLabels> {
  return changingGroup(ctx, () =>
    onTeamGroup(ctx, async (group) => {
      const runner = await findGroupRunner(ctx, group, input.runner);
      const custom = labelsNotIn(runner.labels, runner.readOnlyLabels);
      const answer = (labels: string[]): RunnerLabels => ({ runner: { id: runner.id, name: runner.name }, labels });

      let next: string[];
      if (change === "remove") {
        const readOnly = labelsIn(input.labels, runner.readOnlyLabels);
        if (readOnly.length > 0) {
          throw new AppError(
            "BAD_REQUEST",
            `Labels ${readOnly.join(", ")} of runner ${runner.name} are read-only (GitHub gave them): they are never removed`,
          );
        }
        next = labelsNotIn(custom, input.labels);
      } else {
        const wanted = labelsNotIn(input.labels, runner.readOnlyLabels);
        requireAllowedLabels(ctx, wanted);
        next = change === "set" ? wanted : [...custom, ...labelsNotIn(wanted, custom)];
      }
      if (next.length + runner.readOnlyLabels.length > LABELS_PER_RUNNER) {
        throw new AppError(
          "BAD_REQUEST",
          `Runner ${runner.name} would have ${next.length + runner.readOnlyLabels.length} labels: at most ${LABELS_PER_RUNNER}`,
        );
      }
      const unchanged = next.length === custom.length && labelsNotIn(next, custom).length === 0;
      if (unchanged) return answer(runner.labels);

      let labels: string[];
      try {
        // One call whatever the change: PUT makes the custom labels exactly `next`.
        labels =
          change === "add"
            ? await ctx.github.org.addRunnerLabels(runner.id, labelsNotIn(next, custom))
            : await ctx.github.org.setRunnerLabels(runner.id, next);
      } catch (error) {
        throw reported(error, (why) => `Runner ${runner.name}'s labels could not be changed: ${why}`);
      }
      ctx.audit("runner.labels-changed", { groupId: group.id, runnerId: runner.id, runner: runner.name, change, labels });
      return answer(labels);
    }),
  );
}

/**
 * Moves a runner into the managed group of another team, which the caller must maintain too (`to`'s access
 * is checked by the caller of this function). Both groups are locked, in a fixed order, so that a move the
 * other way at the same moment cannot deadlock.
 */
export function moveRunner(ctx: TeamContext, input: { runner: string; to: string }): Promise<string> {
  const target: TeamContext = { ...ctx, team: input.to };
  const [first, second] = [ctx, target].sort((a, b) => a.team.localeCompare(b.team));
  return changingGroup(first!, () =>
    changingGroup(second!, () =>
      onTeamGroup(ctx, async (group) => {
        const runner = await findGroupRunner(ctx, group, input.runner);
        const destination = await findTeamGroup(target);
        try {
          await ctx.github.org.moveRunner(destination.id, runner.id);
        } catch (error) {
          throw reported(error, (why) => `Runner ${runner.name} could not be moved to runner group ${destination.name}: ${why}`);
        }
        ctx.audit("runner.moved", { groupId: group.id, runnerId: runner.id, runner: runner.name, to: input.to, toGroupId: destination.id });
        return `Runner ${runner.name} moved to runner group ${destination.name}`;
      }),
    ),
  );
}
