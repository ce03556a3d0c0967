/** Types of scripts/check-versions.mjs, for the test that runs it. */
export function versionProblems(root: string, release?: { tag?: string; repository?: string }): string[];
export function repositoryOf(pkg: { repository?: string | { url?: string } }): { url: string; slug: string } | undefined;
export function imageFor(slug: string): string;
