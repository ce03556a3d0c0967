/**
 * fast-check as every property test uses it: seeded by the run, and saying how to replay a failure.
 *
 * scripts/run-tests.mjs chooses one seed per `npm test` (or takes FC_SEED), prints it and hands it to every
 * test process. Each `fc.assert` starts from that seed, so one file replays alone exactly as it ran among
 * the others. Test files import `fc` from here, never from "fast-check" (ESLint holds that), so that no
 * property runs on a seed nobody wrote down.
 */
import { relative } from "node:path";
import fc from "fast-check";

/** The run's seed; a file started by hand, without FC_SEED, gets its own, which a failure still names. */
function runSeed(): number {
  const given = process.env.FC_SEED;
  if (given === undefined || given === "") return Date.now() ^ (Math.random() * 0x1_0000_0000);
  const seed = Number(given);
  // fast-check's seeds are 32-bit integers (it rescales anything else, so a typo would replay a different run).
  if (!Number.isInteger(seed) || seed !== (seed | 0)) throw new Error(`FC_SEED must be a 32-bit integer, not ${JSON.stringify(given)}`);
  return seed;
}

export const seed = runSeed();

/** The command that runs this test file again on `seedUsed`. */
export function replayCommand(seedUsed: number): string {
  const file = process.argv[1] === undefined ? "<file>" : relative(process.cwd(), process.argv[1]);
  return `FC_SEED=${seedUsed} npm test -- ${file}`;
}

fc.configureGlobal({ seed });

// fast-check's own report (seed, path, counterexample, the predicate's error as `cause`), plus the one line a
// reader needs to replay the whole file. A property that pins its own seed is replayed by that seed.
fc.installGlobalPlugin(() => ({
  onAllRunsComplete(details) {
    if (!details.failed) return;
    const report = fc.defaultReportMessage(details) ?? "Property failed";
    throw new Error(`${report}\n\nReplay: ${replayCommand(details.seed)}`, { cause: details.errorInstance });
  },
}));

export { fc };
