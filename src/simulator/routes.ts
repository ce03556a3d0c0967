/**
 * The route table: every GitHub operation the simulator serves, keyed by GitHub's own templates
 * ("POST /orgs/{org}/actions/runner-groups"), which are also the keys of call counts and faults.
 */
import { appAuthRoutes } from "./handlers/app-auth.js";
import { runnerGroupRoutes } from "./handlers/runner-groups.js";
import { runnerLabelRoutes } from "./handlers/runner-labels.js";
import { runnerRoutes } from "./handlers/runners.js";
import { userAndTeamRoutes } from "./handlers/users-teams.js";
import { compileRoutes } from "./route-table.js";

export const ROUTES = compileRoutes([...appAuthRoutes, ...userAndTeamRoutes, ...runnerGroupRoutes, ...runnerRoutes, ...runnerLabelRoutes]);
/** Every GitHub route the simulator serves, as "METHOD /template". */
export const SERVED_ROUTES: readonly string[] = ROUTES.map((r) => r.route);
