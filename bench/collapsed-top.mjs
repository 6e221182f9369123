// Summarises async-profiler's collapsed stacks (bench/profile.sh with ASPROF set): CPU per request by thread, by top
// frame (self time) and by the first Switchboard frame (dev.switchboard.*) on the stack, which charges the libraries'
// time to the Switchboard code that called them; a thread's samples count only from its first frame.
// usage: node collapsed-top.mjs [--top 25] [--requests N] [--interval-us 1000] a.txt [b.txt ...]
//   Each line is `thread;frame;frame;... count`, root first (asprof -o collapsed with --threads). With --requests (the
//   requests answered over all the files) and --interval-us (the sampling interval), the shares are also shown as µs of
//   CPU per request.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
let top = 25, requests = 0, intervalUs = 1000;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--top') top = +args[++i];
  else if (args[i] === '--requests') requests = +args[++i];
  else if (args[i] === '--interval-us') intervalUs = +args[++i];
  else files.push(args[i]);
}
if (!files.length) throw new Error('usage: node collapsed-top.mjs [--top N] [--requests N] [--interval-us U] stacks.txt...');

const byThread = new Map(), bySelf = new Map(), byFirst = new Map();
let total = 0;
const add = (m, k, n) => m.set(k, (m.get(k) || 0) + n);
for (const f of files) {
  for (const line of readFileSync(f, 'utf8').split('\n')) {
    const sp = line.lastIndexOf(' ');
    if (sp < 0) continue;
    const n = +line.slice(sp + 1);
    const frames = line.slice(0, sp).split(';');
    // the thread's name is the root frame, with its id: [name tid=123]
    const thread = frames[0].replace(/^\[(.*?)( tid=\d+)?\]$/, '$1').replace(/\d+/g, 'N');
    add(byThread, thread, n);
    add(bySelf, frames[frames.length - 1].replace(/_\[[a-z]\]$/, ''), n);
    const first = frames.slice(1).reverse().find(f => f.startsWith('dev/switchboard/') || f.startsWith('dev.switchboard.'));
    add(byFirst, first ? first.replace(/_\[[a-z]\]$/, '') : '(no Switchboard frame)', n);
    total += n;
  }
}
const perReq = n => requests ? ` | ${(n * intervalUs / requests).toFixed(2)}` : '';
function table(title, m) {
  console.log(`\n${title}\n\n| share | samples |${requests ? ' µs/request |' : ''} frame |\n|---:|---:|${requests ? '---:|' : ''}---|`);
  [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).forEach(([k, n]) =>
    console.log(`| ${(100 * n / total).toFixed(1)}% | ${n}${perReq(n)} | \`${k}\` |`));
}
console.log(`${total} CPU samples in ${files.length} profile(s)${requests ? `, ${requests} requests` : ''}`);
table('CPU by thread', byThread);
table('CPU by top frame (self)', bySelf);
table('CPU by first Switchboard frame on the stack', byFirst);
