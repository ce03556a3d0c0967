/**
 * OrgGitHub over an installation Octokit: the runner-group, team and runner calls, in domain types.
 */
import type { Octokit } from "@octokit/rest";
import { AppError } from "../domain/errors.js";
import { permissionFromFlags } from "../domain/permissions.js";
import type { JitConfig, Runner, RunnerGroup } from "../domain/runner-group.js";
import type { OrgGitHub, TeamRepository } from "./ports.js";
import { githubStatus, toAppError } from "./to-app-error.js";

const PER_PAGE = 100;

function toGroup(g: { id: number; name: string; visibility: string; default: boolean; inherited?: boolean }): RunnerGroup {
  return { id: g.id, name: g.name, visibility: g.visibility, isDefault: g.default, inherited: g.inherited === true };
}

interface GitHubRunner {
  id: number;
  name: string;
  os: string;
  status: string;
  busy: boolean;
  labels: Array<{ name: string; type?: "read-only" | "custom" }>;
  ephemeral?: boolean;
  version?: string | null;
}

function toRunner(r: GitHubRunner): Runner {
  return {
    id: r.id,
    name: r.name,
    os: r.os,
    status: r.status,
    busy: r.busy,
    labels: r.labels.map((l) => l.name),
    readOnlyLabels: r.labels.filter((l) => l.type === "read-only").map((l) => l.name),
    ...(r.ephemeral !== undefined && { ephemeral: r.ephemeral }),
    ...(typeof r.version === "string" && { version: r.version }),
  };
}

export function orgGitHub(client: () => Promise<Octokit>, org: string): OrgGitHub {
  /**
   * Set when GitHub answered 401 to a call made with the installation token: the token may have been
   * revoked, and @octokit/auth-app would go on using its cached copy for up to an hour. The next call
   * (or /readyz) mints a fresh one first; if GitHub refuses that too, the App's credentials are refused.
   */
  let tokenRefused = false;

  /** Runs one GitHub operation, turning its failure into an AppError that says what we were doing. */
  async function run<T>(doing: string, work: (octokit: Octokit) => Promise<T>): Promise<T> {
    let octokit: Octokit;
    try {
      octokit = await client();
      if (tokenRefused) {
        await octokit.auth({ type: "installation", refresh: true });
        tokenRefused = false;
      }
    } catch (error) {
      throw toAppError(error, "authenticating as the GitHub App");
    }
    try {
      return await work(octokit);
    } catch (error) {
      if (githubStatus(error) === 401) tokenRefused = true;
      throw toAppError(error, doing);
    }
  }

  /**
   * A call on one runner group: GitHub's 404 there means the group is gone (deleted since we looked it
   * up, perhaps from a cache), which callers can act on: look it up afresh, or answer 404.
   */
  const onGroup = <T>(doing: string, groupId: number, work: (octokit: Octokit) => Promise<T>): Promise<T> =>
    run(doing, async (octokit) => {
      try {
        return await work(octokit);
      } catch (error) {
        if (githubStatus(error) === 404)
          throw new AppError("RUNNER_GROUP_NOT_FOUND", `Runner group ${groupId} is no longer on GitHub`, { cause: error });
        throw error;
      }
    });

  /**
   * A call on one runner: GitHub's 404 there means the runner is gone (deleted, or an ephemeral one done
   * with its job) since the group's list was read.
   */
  const onRunner = <T>(doing: string, runnerId: number, work: (octokit: Octokit) => Promise<T>): Promise<T> =>
    run(doing, async (octokit) => {
      try {
        return await work(octokit);
      } catch (error) {
        if (githubStatus(error) === 404)
          throw new AppError("RUNNER_NOT_FOUND", `Runner ${runnerId} is no longer on GitHub`, { cause: error });
        throw error;
      }
    });

  /** A 404 from GitHub as null (the thing is not there), anything else as the error it is. */
  const notFoundAsNull = async <T>(work: Promise<T>): Promise<T | null> => {
    try {
      return await work;
    } catch (error) {
      if (githubStatus(error) === 404) return null;
      throw error;
    }
  };

  return {
    teamMembership: (teamSlug, login) =>
      run(`checking ${login}'s membership of team ${teamSlug}`, async (octokit) => {
        const response = await notFoundAsNull(
          octokit.request("GET /orgs/{org}/teams/{team_slug}/memberships/{username}", { org, team_slug: teamSlug, username: login }),
        );
        return response ? { role: response.data.role, state: response.data.state } : null;
      }),

    teamParent: (teamSlug) =>
      run(`looking up team ${teamSlug}'s parent team`, async (octokit) => {
        const response = await notFoundAsNull(octokit.request("GET /orgs/{org}/teams/{team_slug}", { org, team_slug: teamSlug }));
        return response ? (response.data.parent?.slug ?? null) : undefined;
      }),

    teamRepositories: (teamSlug) =>
      run(`listing team ${teamSlug}'s repositories`, async (octokit) => {
        const repos = await notFoundAsNull(
          octokit.paginate("GET /orgs/{org}/teams/{team_slug}/repos", { org, team_slug: teamSlug, per_page: PER_PAGE }),
        );
        return (
          repos?.map((r): TeamRepository => ({
            id: r.id,
            name: r.name,
            permission: permissionFromFlags(r.permissions),
            isPublic: r.private === false,
          })) ?? null
        );
      }),

    findRunnerGroup: (name) =>
      run("looking up runner groups", async (octokit) => {
        const wanted = name.toLowerCase();
        // Stop at the first page that has it: an organization can have thousands of groups. A group the
        // enterprise shares is listed too (inherited: true) but is not the organization's: one of the same
        // name must not hide the organization's own.
        for await (const page of octokit.paginate.iterator("GET /orgs/{org}/actions/runner-groups", { org, per_page: PER_PAGE })) {
          const found = page.data.find((g) => g.name.toLowerCase() === wanted && g.inherited !== true);
          if (found) return toGroup(found);
        }
        return null;
      }),

    createRunnerGroup: (name) =>
      run(`creating runner group ${name}`, async (octokit) => {
        try {
          const { data } = await octokit.request("POST /orgs/{org}/actions/runner-groups", {
            org,
            name,
            visibility: "selected",
            allows_public_repositories: false,
            // never sent twice (call-policy.ts): a repeat could create the group twice, or answer 409 to our own first attempt
          });
          return toGroup(data);
        } catch (error) {
          if (githubStatus(error) === 409)
            throw new AppError("RUNNER_GROUP_EXISTS", `Runner group already exists: ${name}`, { cause: error });
          throw error;
        }
      }),

    runnerGroup: (groupId) =>
      run(`reading runner group ${groupId}`, async (octokit) => {
        const response = await notFoundAsNull(
          octokit.request("GET /orgs/{org}/actions/runner-groups/{runner_group_id}", { org, runner_group_id: groupId }),
        );
        return response ? toGroup(response.data) : null;
      }),

    deleteRunnerGroup: (groupId) =>
      onGroup(`deleting runner group ${groupId}`, groupId, async (octokit) => {
        await octokit.request("DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}", { org, runner_group_id: groupId });
      }),

    groupRepositories: (groupId) =>
      onGroup("listing the runner group's repositories", groupId, async (octokit) => {
        const repos = await octokit.paginate("GET /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories", {
          org,
          runner_group_id: groupId,
          per_page: PER_PAGE,
        });
        return repos.map((r) => ({ id: r.id, name: r.name }));
      }),

    groupRunners: (groupId) =>
      onGroup("listing the runner group's runners", groupId, async (octokit) => {
        const runners = await octokit.paginate("GET /orgs/{org}/actions/runner-groups/{runner_group_id}/runners", {
          org,
          runner_group_id: groupId,
          per_page: PER_PAGE,
        });
        return runners.map(toRunner);
      }),

    setGroupRepositories: (groupId, repositoryIds) =>
      onGroup("setting the runner group's repositories", groupId, async (octokit) => {
        await octokit.request("PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories", {
          org,
          runner_group_id: groupId,
          selected_repository_ids: repositoryIds,
        });
      }),

    addGroupRepository: (groupId, repositoryId) =>
      onGroup(`adding repository ${repositoryId} to the runner group`, groupId, async (octokit) => {
        await octokit.request("PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}", {
          org,
          runner_group_id: groupId,
          repository_id: repositoryId,
        });
      }),

    removeGroupRepository: (groupId, repositoryId) =>
      onGroup(`removing repository ${repositoryId} from the runner group`, groupId, async (octokit) => {
        await octokit.request("DELETE /orgs/{org}/actions/runner-groups/{runner_group_id}/repositories/{repository_id}", {
          org,
          runner_group_id: groupId,
          repository_id: repositoryId,
        });
      }),

    deleteRunner: (runnerId) =>
      onRunner(`deleting runner ${runnerId}`, runnerId, async (octokit) => {
        try {
          await octokit.request("DELETE /orgs/{org}/actions/runners/{runner_id}", { org, runner_id: runnerId });
        } catch (error) {
          // GitHub's documented 422: the runner is running a job right now
          if (githubStatus(error) === 422)
            throw new AppError("RUNNER_BUSY", "it is running a job; retry when the job is done", { cause: error });
          throw error;
        }
      }),

    moveRunner: (groupId, runnerId) =>
      onGroup(`moving runner ${runnerId} into runner group ${groupId}`, groupId, async (octokit) => {
        await octokit.request("PUT /orgs/{org}/actions/runner-groups/{runner_group_id}/runners/{runner_id}", {
          org,
          runner_group_id: groupId,
          runner_id: runnerId,
        });
      }),

    addRunnerLabels: (runnerId, labels) =>
      onRunner(`adding labels to runner ${runnerId}`, runnerId, async (octokit) => {
        const { data } = await octokit.request("POST /orgs/{org}/actions/runners/{runner_id}/labels", { org, runner_id: runnerId, labels });
        return data.labels.map((l) => l.name);
      }),

    setRunnerLabels: (runnerId, labels) =>
      onRunner(`setting runner ${runnerId}'s labels`, runnerId, async (octokit) => {
        const { data } = await octokit.request("PUT /orgs/{org}/actions/runners/{runner_id}/labels", { org, runner_id: runnerId, labels });
        return data.labels.map((l) => l.name);
      }),

    generateJitConfig: ({ groupId, name, labels, workFolder }) =>
      onGroup(`generating a just-in-time configuration for runner ${name}`, groupId, async (octokit): Promise<JitConfig> => {
        try {
          // never sent twice (call-policy.ts): GitHub would answer 409 to a repeat of a call it applied
          const { data } = await octokit.request("POST /orgs/{org}/actions/runners/generate-jitconfig", {
            org,
            name,
            runner_group_id: groupId,
            labels,
            ...(workFolder !== undefined && { work_folder: workFolder }),
          });
          return {
            runner: { ...toRunner(data.runner), groupId: data.runner.runner_group_id ?? groupId },
            encodedJitConfig: data.encoded_jit_config,
          };
        } catch (error) {
          if (githubStatus(error) === 409) {
            throw new AppError(
              "RUNNER_EXISTS",
              `A runner named ${name} exists already: choose another name, or delete that runner with runner-delete`,
              { cause: error },
            );
          }
          throw error;
        }
      }),

    createRegistrationToken: () =>
      run("creating a runner registration token", async (octokit) => {
        const { data } = await octokit.request("POST /orgs/{org}/actions/runners/registration-token", { org });
        return { token: data.token, expires_at: data.expires_at };
      }),

    createRemoveToken: () =>
      run("creating a runner removal token", async (octokit) => {
        const { data } = await octokit.request("POST /orgs/{org}/actions/runners/remove-token", { org });
        return { token: data.token, expires_at: data.expires_at };
      }),

    checkInstallation: () =>
      run("obtaining an installation token", async (octokit) => {
        await octokit.auth({ type: "installation" });
      }),
  };
}
