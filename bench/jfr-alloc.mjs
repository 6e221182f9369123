// Bytes allocated during a JFR recording (bench/profile.sh), from its jdk.ThreadAllocationStatistics events: per
// thread, the last value less the first, exact (from `jfr print --json`; the text form rounds to 0.1 MB or GB).
// usage: node jfr-alloc.mjs recording.jfr  ->  "<request path> <all threads>": the request path is the event loops and
// the telemetry publishers (switchboard-telemetry-<kind>: request logs, spans); all threads adds the rest of the process
// (config file polling, NATS client, JFR's periodic tasks), which does not grow with requests.
import { execFileSync } from 'node:child_process';

const file = process.argv[2];
if (!file) throw new Error('usage: node jfr-alloc.mjs recording.jfr');
const json = JSON.parse(execFileSync('jfr', ['print', '--json', '--events', 'jdk.ThreadAllocationStatistics', file],
  { maxBuffer: 1 << 30, encoding: 'utf8' }));
const lo = new Map(), hi = new Map(), names = new Map();
for (const e of json.recording.events) {
  const id = e.values.thread?.javaThreadId ?? e.values.thread?.osThreadId;
  const v = e.values.allocated;
  names.set(id, e.values.thread?.javaName || e.values.thread?.osName || '?');
  if (!lo.has(id) || v < lo.get(id)) lo.set(id, v);
  if (!hi.has(id) || v > hi.get(id)) hi.set(id, v);
}
let path = 0, all = 0;
for (const [id, v] of hi) {
  const name = names.get(id);
  if (/^(JFR |Attach Listener)/.test(name)) continue; // the recording's own work
  const d = v - lo.get(id);
  all += d;
  if (/^vert\.x-eventloop-thread|^switchboard-telemetry/.test(name)) path += d;
}
console.log(`${path} ${all}`);
