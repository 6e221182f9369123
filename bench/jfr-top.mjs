// Summarises JFR recordings (bench/profile.sh): the top CPU frames and allocation sites, from `jfr print`.
// usage: node jfr-top.mjs [--top 25] a.jfr [b.jfr ...]
//   CPU (jdk.ExecutionSample): share of samples by thread; by top frame (self time); by the first Switchboard frame
//   (dev.switchboard.*) on the stack, which attributes the libraries' time to the Switchboard code that called them.
//   Allocation (jdk.ObjectAllocationSample, weighted by JFR's estimate of the bytes; each thread's first sample and
//   JFR's own threads left out): by thread, by class, and by the class and the first Switchboard frame.
import { execFileSync } from 'node:child_process';

const args = process.argv.slice(2);
let top = 25;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--top') top = +args[++i];
  else files.push(args[i]);
}
if (!files.length) throw new Error('usage: node jfr-top.mjs [--top N] recording.jfr...');

function events(file, type) {
  const text = execFileSync('jfr', ['print', '--stack-depth', '96', '--events', type, file],
    { maxBuffer: 1 << 30, encoding: 'utf8' });
  const out = [];
  let cur = null, inStack = false;
  for (const line of text.split('\n')) {
    if (line.startsWith(type + ' {')) { cur = { stack: [] }; continue; }
    if (!cur) continue;
    const t = line.trim();
    if (t === '}' && !line.startsWith('    ')) { out.push(cur); cur = null; inStack = false; continue; }
    if (inStack) {
      if (t === ']') inStack = false;
      else if (t !== '...') cur.stack.push(t.replace(/\s+line:.*$/, ''));
      continue;
    }
    const m = /^(\w+) = (.*)$/.exec(t);
    if (!m) continue;
    if (m[1] === 'stackTrace') { inStack = m[2] === '['; continue; }
    cur[m[1]] = m[2];
  }
  return out;
}

const bytes = (w) => {
  const m = /^([\d.]+)\s*(bytes|kB|MB|GB)/.exec(w || '');
  if (!m) return 0;
  return +m[1] * { bytes: 1, kB: 1024, MB: 1048576, GB: 1073741824 }[m[2]];
};
const own = (stack) => stack.find((f) => f.startsWith('dev.switchboard.')) || '(no Switchboard frame)';
const thread = (s) => (s || '?').replace(/^"([^"]*)".*/, '$1').replace(/-\d+$/, '-N');
const add = (map, k, v = 1) => map.set(k, (map.get(k) || 0) + v);
function table(title, map, total, unit) {
  console.log(`${title}\n`);
  console.log(`| share | ${unit} | frame |\n|---:|---:|---|`);
  for (const [k, v] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    const shown = unit === 'samples' ? v : `${(v / 1048576).toFixed(1)} MB`;
    console.log(`| ${((100 * v) / total).toFixed(1)}% | ${shown} | \`${k}\` |`);
  }
  console.log('');
}

const byThread = new Map(), self = new Map(), first = new Map();
const allocClass = new Map(), allocSite = new Map(), allocThread = new Map();
let samples = 0, allocated = 0;
for (const f of files) {
  for (const e of events(f, 'jdk.ExecutionSample')) {
    samples++;
    add(byThread, thread(e.sampledThread));
    add(self, e.stack[0] || '?');
    add(first, own(e.stack));
  }
  const seen = new Set();
  for (const e of events(f, 'jdk.ObjectAllocationSample')) {
    // a thread's first sample in a recording weighs everything it allocated since before the recording: left out
    if (!seen.has(e.eventThread)) { seen.add(e.eventThread); continue; }
    if (/^"(JFR |Attach Listener)/.test(e.eventThread || '')) continue;
    const w = bytes(e.weight);
    allocated += w;
    add(allocThread, thread(e.eventThread), w);
    add(allocClass, e.objectClass?.replace(/\s*\(classLoader.*$/, '') || '?', w);
    add(allocSite, `${e.objectClass?.replace(/\s*\(classLoader.*$/, '')} ← ${own(e.stack)}`, w);
  }
}
console.log(`${samples} CPU samples, ${(allocated / 1048576).toFixed(0)} MB allocated (estimated) in ${files.length} recording(s)\n`);
table('CPU by thread', byThread, samples, 'samples');
table('CPU by top frame (self)', self, samples, 'samples');
table('CPU by first Switchboard frame on the stack', first, samples, 'samples');
table('Allocation by thread', allocThread, allocated, 'bytes');
table('Allocation by class', allocClass, allocated, 'bytes');
table('Allocation by class and first Switchboard frame', allocSite, allocated, 'bytes');
