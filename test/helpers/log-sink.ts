/**
 * An in-memory stand-in for stdout: pass `streams: [sink.stream]` to createLogger, then assert on the
 * parsed lines (fields) or on the raw text (to prove a secret appears nowhere, in any form).
 */
import { Writable } from "node:stream";

export interface LogSink {
  stream: Writable;
  /** Every line, parsed; throws if a line is not one JSON object, since that is itself a bug. */
  lines(): Array<Record<string, unknown>>;
  /** Everything written, exactly as written. */
  text(): string;
}

export function createLogSink(): LogSink {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const text = () => chunks.join("");
  const lines = () =>
    text()
      .split("\n")
      .filter((line) => line !== "")
      .map((line, i) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          throw new Error(`log line ${i + 1} is not JSON: ${line}`);
        }
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
          throw new Error(`log line ${i + 1} is not a JSON object: ${line}`);
        }
        return parsed as Record<string, unknown>;
      });
  return { stream, lines, text };
}
