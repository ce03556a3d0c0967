#!/usr/bin/env node
// Summarizes a V8 .cpuprofile (from `npm run bench -- --cpu-prof DIR`): where the server's CPU time went,
// by package (or our own file) and by function, self time only. Plain node, no dependencies.
//   node scripts/bench/profile-summary.mjs FILE [--top N]
import { readFileSync } from "node:fs";

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  console.error("usage: node scripts/bench/profile-summary.mjs FILE.cpuprofile [--top N]");
  process.exit(2);
}
const topIndex = rest.indexOf("--top");
const top = topIndex >= 0 ? Number(rest[topIndex + 1]) : 25;
const profile = JSON.parse(readFileSync(file, "utf8"));

// Self time per node: each sample names the node on top of the stack; timeDeltas[i] is the time before sample i.
const selfMicros = new Map();
profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);

/** node_modules/<package> (scoped too), our own src/ file, node: internals, or V8's own entries. */
function where(url) {
  if (!url) return "(native / V8)";
  const inModules = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (inModules) return inModules[1];
  if (url.startsWith("node:")) return url;
  const own = url.match(/\/(dist|src)\/(.+)$/);
  return own ? `${own[1]}/${own[2]}` : url;
}

const byPlace = new Map();
const byFunction = new Map();
for (const node of profile.nodes) {
  const micros = selfMicros.get(node.id) ?? 0;
  if (micros === 0) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  const place = where(url);
  byPlace.set(place, (byPlace.get(place) ?? 0) + micros);
  const name = `${functionName || "(anonymous)"}  ${place}${url ? `:${lineNumber + 1}` : ""}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
}

const print = (title, map) => {
  console.log(`\n${title}`);
  for (const [name, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((micros / total) * 100).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${name}`);
  }
};
// Total time per function: its own and that of everything it called, each sample counted once per function
// even when the function is on the stack more than once (recursion, nested middleware).
const children = new Map(profile.nodes.map((node) => [node.id, node.children ?? []]));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const nameOf = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || "(anonymous)"}  ${where(url)}${url ? `:${lineNumber + 1}` : ""}`;
};
const totalByFunction = new Map();
const walk = (id, onStack) => {
  const node = byId.get(id);
  const name = nameOf(node);
  const fresh = !onStack.has(name);
  if (fresh) onStack.add(name);
  let micros = selfMicros.get(id) ?? 0;
  for (const child of children.get(id)) micros += walk(child, onStack);
  if (fresh) {
    totalByFunction.set(name, (totalByFunction.get(name) ?? 0) + micros);
    onStack.delete(name);
  }
  return micros;
};
walk(profile.nodes[0].id, new Set());
const idle = [...byFunction].filter(([name]) => /^\((idle|program)\)/.test(name)).reduce((a, [, m]) => a + m, 0);

console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled, ${((total - idle) / 1e6).toFixed(1)} s busy`);
print("self time by package or file", byPlace);
print("self time by function", byFunction);
print("total time by function (self and callees)", totalByFunction);
