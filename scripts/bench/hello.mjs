// The benchmark's yardsticks: a bare Express app over HTTPS (the same certificate as the server under test,
// for fairness), answering GET / with a small JSON envelope, and GET /github by making one GitHub call,
// GET /user with the caller's Authorization header, through fetch: the least any service that makes one
// call per request can do. Plain JavaScript, run by node without tsx, so that neither its start nor its
// memory carries a TypeScript loader. Prints its URL on the first line.
//
//   node scripts/bench/hello.mjs --cert FILE --key FILE --upstream http://127.0.0.1:PORT
//
/* global fetch, AbortSignal */
// It exits when its stdin closes (the benchmark is gone), on SIGTERM and on SIGINT.
import { readFileSync } from "node:fs";
import { createServer } from "node:https";
import { setTimeout } from "node:timers";
import { parseArgs } from "node:util";
import express from "express";

const { values } = parseArgs({ options: { cert: { type: "string" }, key: { type: "string" }, upstream: { type: "string" } } });
if (!values.cert || !values.key || !values.upstream) {
  console.error("usage: node scripts/bench/hello.mjs --cert FILE --key FILE --upstream URL");
  process.exit(2);
}

const app = express();
app.disable("x-powered-by");
app.get("/", (_req, res) => {
  res.json({ Code: 200, Response: "hello" });
});
app.get("/github", async (req, res) => {
  try {
    const answer = await fetch(`${values.upstream}/user`, {
      headers: { authorization: req.headers.authorization ?? "", accept: "application/vnd.github+json" },
      signal: AbortSignal.timeout(10_000),
    });
    const user = await answer.json();
    res.status(answer.status).json({ Code: answer.status, Response: user.login });
  } catch (error) {
    res.status(502).json({ Code: 502, Response: String(error) });
  }
});
const server = createServer({ cert: readFileSync(values.cert), key: readFileSync(values.key) }, app);
server.listen(0, "127.0.0.1", () => {
  console.log(`https://127.0.0.1:${server.address().port}`);
});

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.on("error", stop);
process.stdin.resume();
