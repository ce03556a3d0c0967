/**
 * Runner labels: which a team may give (policy.runnerLabels) and which it may never take away (the
 * read-only ones GitHub gives: `self-hosted`, the OS and the architecture). GitHub compares labels
 * without case, and so does everything here.
 */

/** Every self-hosted runner carries it; the service adds it to a just-in-time runner's labels as config.sh would. */
export const SELF_HOSTED = "self-hosted";

const key = (label: string) => label.toLowerCase();

/** `labels` with `label` first, unless it is there already (in any case). */
export function withLabel(label: string, labels: readonly string[]): string[] {
  return labels.some((l) => key(l) === key(label)) ? [...labels] : [label, ...labels];
}

/** The labels of `labels` that `among` holds, compared without case. */
export function labelsIn(labels: readonly string[], among: readonly string[]): string[] {
  const keys = new Set(among.map(key));
  return labels.filter((l) => keys.has(key(l)));
}

/** The labels of `labels` that `among` does not hold, compared without case. */
export function labelsNotIn(labels: readonly string[], among: readonly string[]): string[] {
  const keys = new Set(among.map(key));
  return labels.filter((l) => !keys.has(key(l)));
}

/**
 * policy.runnerLabels: a label is allowed when it matches one of the patterns, where `*` stands for any run
 * of label characters and the rest is literal. No patterns: any label.
 */
export function labelAllowList(patterns: readonly string[] | undefined): (label: string) => boolean {
  if (patterns === undefined) return () => true;
  const expressions = patterns.map(
    (pattern) =>
      new RegExp(
        `^${pattern
          .split("*")
          .map((part) => part.replace(/[.\\^$+?()[\]{}|-]/g, "\\$&"))
          .join("[A-Za-z0-9_.-]*")}$`,
        "i",
      ),
  );
  return (label) => expressions.some((expression) => expression.test(label));
}
