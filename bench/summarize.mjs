// Turns one bench/run.sh result folder into a Markdown summary (stdout).
// Reads results.tsv (one row per wrk run), and when present rss.tsv, checks.tsv, env.txt and (switchboard-full's
// telemetry check) telemetry.tsv and telemetry-metrics.txt.
// usage: node summarize.mjs --dir RESULT_DIR
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const dir = argv[argv.indexOf('--dir') + 1];
if (!argv.includes('--dir') || !dir) { console.error('usage: node summarize.mjs --dir RESULT_DIR'); process.exit(2); }

const readTsv = (name, header = true) => {
  const file = join(dir, name);
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n').filter(l => l.trim() !== '').map(l => l.split('\t'));
  if (!header) return lines;
  const [head, ...rows] = lines;
  return rows.map(r => Object.fromEntries(head.map((h, i) => [h, /^-?[0-9.]+$/.test(r[i]) ? +r[i] : r[i]])));
};
const runs = readTsv('results.tsv');
const rssRows = readTsv('rss.tsv', false);            // target, phase (idle|warm|end), kB
const checks = readTsv('checks.tsv');
const telemetry = readTsv('telemetry.tsv');
const telemetryMetrics = existsSync(join(dir, 'telemetry-metrics.txt'))
  ? readFileSync(join(dir, 'telemetry-metrics.txt'), 'utf8').trim().split('\n').filter(Boolean) : [];
const env = existsSync(join(dir, 'env.txt')) ? readFileSync(join(dir, 'env.txt'), 'utf8').trim().split('\n') : [];

const median = xs => {
  const s = [...xs].sort((a, b) => a - b), n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const int = x => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
const signed = x => (Number.isFinite(x) ? (x >= 0 ? '+' : '−') + int(Math.abs(x)) : '–');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '–');
const mb = kb => (kb > 0 ? (kb / 1024).toFixed(1) : '–');
const table = (head, rows) =>
  [`| ${head.join(' | ')} |`, `|${head.map(h => (/^(target|gateway|mode|body|feature)$/.test(h) ? '---' : '---:')).join('|')}|`,
    ...rows.map(r => `| ${r.join(' | ')} |`)].join('\n');

// group the runs by target, mode, conns (in the order they were run)
const order = (key) => [...new Set(runs.map(key))];
const targets = order(r => r.target), modes = order(r => r.mode);
const conns = order(r => r.conns).sort((a, b) => a - b);
const groups = new Map();
for (const r of runs) {
  const k = `${r.target}|${r.mode}|${r.conns}`;
  if (!groups.has(k)) groups.set(k, []);
  groups.get(k).push(r);
}
const stat = (t, m, c) => {
  const g = groups.get(`${t}|${m}|${c}`);
  if (!g) return null;
  const col = f => median(g.map(r => r[f]));
  const rpsAll = g.map(r => r.rps);
  return {
    n: g.length, rps: col('rps'), p50: col('p50_us'), p90: col('p90_us'), p99: col('p99_us'),
    spread: g.length > 1 ? (Math.max(...rpsAll) - Math.min(...rpsAll)) / median(rpsAll) : NaN,
    // CPU the gateway process burnt per request, and how busy it kept its core (100% = one core)
    cpuPerReq: median(g.filter(r => r.reqs > 0 && r.cpu_ms > 0).map(r => (r.cpu_ms * 1000) / r.reqs)),
    cpuBusy: median(g.filter(r => r.cpu_ms > 0).map(r => r.cpu_ms / (r.secs * 1000))),
    // wrk's errors, and answers that came without the mock's text (bad_bodies: a broken translation)
    errors: g.reduce((a, r) => a + r.errors + (r.bad_bodies || 0), 0), rssPeak: Math.max(...g.map(r => r.rss_peak_kb || 0)),
  };
};
// The baselines of a mode: MCP tools/call rows are held to nginx in front of the MCP mock and to the mock itself.
const proxyOf = m => (m === 'mcp' ? 'mcp-nginx-proxy' : 'nginx-proxy');
const directOf = m => (m === 'mcp' ? 'mcp-direct' : 'nginx-direct');
// identical: the same bytes; translated: a translated answer carries the mock's text; same-json: an MCP result
const passed = r => ['identical', 'translated', 'same-json'].includes(r);
const badBody = new Set(checks.filter(c => !passed(c.result)).map(c => `${c.target}|${c.mode}`));

const out = [];
out.push(`# Switchboard benchmark ${env.find(l => l.startsWith('date:'))?.slice(6) ?? ''}`.trim(), '');
if (env.length) out.push(...env.map(l => `- ${l}`), '');
const nRuns = Math.max(0, ...[...groups.values()].map(g => g.length));
out.push(`Medians of ${nRuns} run(s) per row. Latency is wrk's time to the whole response (for SSE: all events), in µs; `
  + 'wrk is closed-loop, so above 1 connection latency is mostly queueing. '
  + '“× nginx-proxy” and “× portkey” divide the row\'s RPS by theirs at the same mode and connections (for the MCP '
  + 'mode: by mcp-nginx-proxy, nginx in front of the MCP mock; Portkey has no MCP gateway). '
  + '“spread” is (max − min) / median of RPS over the runs. '
  + '“errors” are wrk\'s, plus answers without the mock\'s text where wrk checked every body (the switchboard targets). '
  + '“CPU µs/req” and “CPU busy” are the gateway process\'s own user+system CPU time over the run (from /proc, 10 ms '
  + 'ticks), per request and as a share of one core: a gateway that is not near 100% busy at high concurrency was '
  + 'held back by something else (the load generator, or other load on the machine).', '');

out.push('## Throughput and latency', '');
const rows = [];
for (const t of targets) for (const m of modes) for (const c of conns) {
  const s = stat(t, m, c);
  if (!s) continue;
  const proxy = stat(proxyOf(m), m, c), pk = m === 'mcp' ? null : stat('portkey', m, c);
  rows.push([t + (badBody.has(`${t}|${m}`) ? ' ⚠ body differs' : ''), m, c, int(s.rps),
    Number.isFinite(s.spread) ? `${(s.spread * 100).toFixed(0)}%` : '–',
    int(s.p50), int(s.p90), int(s.p99),
    t === proxyOf(m) ? '1.00×' : ratio(s.rps, proxy?.rps), t === 'portkey' ? '1.00×' : ratio(s.rps, pk?.rps),
    Number.isFinite(s.cpuPerReq) ? (s.cpuPerReq < 100 ? s.cpuPerReq.toFixed(1) : int(s.cpuPerReq)) : '–',
    Number.isFinite(s.cpuBusy) ? `${(s.cpuBusy * 100).toFixed(0)}%` : '–',
    s.errors, mb(s.rssPeak)]);
}
out.push(table(['target', 'mode', 'conns', 'RPS', 'spread', 'p50 µs', 'p90 µs', 'p99 µs', '× nginx-proxy', '× portkey',
  'CPU µs/req', 'CPU busy', 'errors', 'RSS peak MB'], rows), '');

const c1 = conns.includes(1);
if (c1 && (targets.includes('nginx-direct') || targets.includes('mcp-direct'))) {
  out.push('## Added latency at 1 connection (gateway − the mock straight: nginx-direct, or mcp-direct for MCP)', '');
  const added = [];
  for (const t of targets) for (const m of modes) {
    const s = stat(t, m, 1), d = stat(directOf(m), m, 1);
    if (!s || !d || t === directOf(m)) continue;
    added.push([t, m, int(s.p50), int(d.p50), signed(s.p50 - d.p50), signed(s.p99 - d.p99)]);
  }
  out.push(table(['target', 'mode', 'p50 µs', 'direct p50 µs', 'added p50 µs', 'added p99 µs'], added), '');
} else {
  out.push('(Added latency needs nginx-direct or mcp-direct measured at 1 connection.)', '');
}

// What a feature costs: the feature's row against the plain row beside it (the same gateway process, but for
// switchboard-full: the same jar and config in a process of its own, with telemetry on).
const features = [
  ['switchboard-full', 'switchboard', 'production: a rate limit and a budget, request logs and spans to NATS → ClickHouse (own process)'],
  ['switchboard-full', 'switchboard-limits', 'request logs and spans to NATS → ClickHouse (the limits on both sides)'],
  ['switchboard-anthropic', 'switchboard', 'OpenAI → Anthropic translation and back'],
  ['switchboard-bedrock', 'switchboard', 'OpenAI → Bedrock Converse translation (SigV4-signed) and back'],
  ['switchboard-gemini', 'switchboard', 'OpenAI → Gemini generateContent translation and back'],
  ['switchboard-vertex', 'switchboard', 'the same on Vertex AI (service-account Bearer token, cached)'],
  ['switchboard-azure', 'switchboard', 'Azure OpenAI deployment path (passthrough, content-filter check)'],
  ['switchboard-guardrails', 'switchboard', 'guardrails at llm_input and llm_output (PII, secrets, regex)'],
  ['switchboard-limits', 'switchboard', 'a rate limit and a budget on every key (counted, reserved, settled)'],
  ['switchboard-vm-priority', 'switchboard', 'priority-routed virtual model'],
  ['switchboard-vm-weight', 'switchboard', 'weight-routed virtual model'],
  ['mcp-gateway-guardrails', 'mcp-gateway', 'guardrails at mcp_pre_tool and mcp_post_tool (PII, secrets, regex)'],
].filter(([f, base]) => targets.includes(f) && targets.includes(base));
// The runs of one repetition at a mode and connection count, target by target: run.sh runs them back to back.
const runOf = (t, m, c, rep) => runs.find(r => r.target === t && r.mode === m && r.conns === c && r.rep === rep);
const perReq = r => (r.reqs > 0 && r.cpu_ms > 0 ? (r.cpu_ms * 1000) / r.reqs : NaN);
// Per repetition, the feature's run against the plain run beside it: a drift of the machine's speed over minutes
// falls on both, where the ratio of two medians mixes runs minutes apart.
const paired = (f, base, m, c) => {
  const rps = [], cpu = [];
  for (const rep of order(r => r.rep)) {
    const s = runOf(f, m, c, rep), b = runOf(base, m, c, rep);
    if (!s || !b || !(b.rps > 0)) continue;
    rps.push(s.rps / b.rps);
    if (Number.isFinite(perReq(s)) && Number.isFinite(perReq(b))) cpu.push(perReq(s) - perReq(b));
  }
  return { rps, cpu };
};
if (features.length) {
  out.push('## What a feature costs (its row vs the plain row; the same process but for switchboard-full)', '');
  out.push('“RPS × plain” and “CPU µs/req vs plain” are medians over the repetitions of the feature\'s run against the '
    + 'plain run of the same repetition, mode and connections (run one after the other); “range” is the lowest and '
    + 'highest of those per-repetition ratios.', '');
  const cost = [];
  for (const [f, base, what] of features) for (const m of modes) for (const c of conns) {
    const s = stat(f, m, c), b = stat(base, m, c);
    if (!s || !b) continue;
    const p = paired(f, base, m, c);
    cost.push([f + (base === 'switchboard' ? '' : ` vs ${base}`), what, m, c,
      p.rps.length ? `${median(p.rps).toFixed(2)}×` : '–',
      p.rps.length > 1 ? `${Math.min(...p.rps).toFixed(2)}–${Math.max(...p.rps).toFixed(2)}` : '–',
      signed(s.p50 - b.p50), p.cpu.length ? signed(median(p.cpu)) : '–']);
  }
  out.push(table(['target', 'feature', 'mode', 'conns', 'RPS × plain', 'range', 'p50 µs vs plain', 'CPU µs/req vs plain'],
    cost), '');
}

const rssTargets = order(r => r.target).filter(t => t !== 'nginx-direct' && t !== 'mcp-direct');
if (rssTargets.length) {
  out.push('## Memory of each gateway (VmRSS, MB)', '');
  const phase = (t, p) => { const r = rssRows.find(x => x[0] === t && x[1] === p); return r ? +r[2] : 0; };
  const who = { 'nginx-proxy': 'nginx worker', 'mcp-nginx-proxy': 'the same nginx worker', portkey: 'node',
    switchboard: 'java', 'switchboard-full': 'java, its own process', 'mcp-gateway': 'java', 'mcp-gateway-guardrails': 'java, same process as mcp-gateway' };
  const mem = rssTargets.map(t => {
    const peak = Math.max(0, ...runs.filter(r => r.target === t).map(r => r.rss_peak_kb || 0));
    return [`${t} (${who[t] ?? 'java, same process as switchboard'})`, mb(phase(t, 'idle')), mb(phase(t, 'warm')), mb(peak), mb(phase(t, 'end'))];
  });
  out.push(table(['gateway', 'after start', 'after warm-up', 'peak during runs', 'at end'], mem), '');
}

if (telemetry.length) {
  const t = telemetry[0];
  out.push('## switchboard-full: did its telemetry arrive?', '');
  out.push(`Requests it answered (wrk and the correctness check): ${int(t.answered)}; its request logs in ClickHouse `
    + `after the run: ${int(t.stored)} (${t.answered > 0 ? ((100 * t.stored) / t.answered).toFixed(1) : '–'}%, `
    + `FAIL below ${(100 * t.min_share).toFixed(0)}%): **${t.result}**. The control plane used ${int(t.control_plane_cpu_ms)} ms `
    + `of CPU (on the load generator's core) over the whole run; its admin API answered GET /admin/v1/request-logs with HTTP ${t.admin_api_http}.`, '');
  const nats = [];
  for (const m of modes) for (const c of conns) {
    const g = groups.get(`switchboard-full|${m}|${c}`) || [];
    const us = median(g.filter(r => r.reqs > 0 && r.nats_cpu_ms > 0).map(r => (r.nats_cpu_ms * 1000) / r.reqs));
    if (Number.isFinite(us)) nats.push([m, c, us.toFixed(1)]);
  }
  if (nats.length) {
    out.push('The NATS server\'s CPU while it took switchboard-full\'s telemetry (pinned to the load generator\'s core, '
      + 'not counted in the gateway\'s figures), per request answered:', '', table(['mode', 'conns', 'NATS µs/req'], nats), '');
  }
  if (telemetryMetrics.length) out.push('The gateway\'s own counters (/q/metrics):', '', '```', ...telemetryMetrics, '```', '');
}

if (checks.length) {
  out.push('## Correctness (body through the target vs the mock\'s fixed body: byte for byte, or as noted)', '');
  out.push(table(['target', 'mode', 'HTTP', 'body'], checks.map(c => [c.target, c.mode, c.http,
    passed(c.result) ? c.result : '**DIFFERS**']) ), '');
}
process.stdout.write(out.join('\n'));
