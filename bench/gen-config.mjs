// Writes the standalone Switchboard config the benchmark runs the gateway with: a realistic snapshot of
// 1,000 API keys (one service account each), 100 models and 20 virtual models, all served by the nginx mock.
// No dependencies; the output is deterministic (given the same --vertex-key file), so reruns give byte-identical files.
//
// Feature cases, each on accounts of their own so that the plain rows above stay plain:
//   `mock-anthropic` / `mock-anthropic-stream` (type anthropic, the mock's Anthropic paths) hold `claude-bench`:
//   every request is translated OpenAI -> Anthropic Messages and the answer back.
//   `mock-bedrock` (type bedrock, static fake AWS keys: every request is signed with SigV4, which the mock does not
//   check) holds `bench-model`, `mock-gemini` (type gemini, a fake API key) holds `gemini-bench`: translated to
//   Converse / generateContent and back; their streams go to a path of their own, so one account serves both modes.
//   `mock-azure` / `mock-azure-stream` (type azure-openai, deployment paths, a fake api-key) hold gpt-4o-mini: the
//   answer passes through, checked for Azure's content filter.
//   `mock-vertex` (type vertex-ai, only with --vertex-key) holds `gemini-bench`: Gemini's translation on Vertex AI's
//   path, with a Bearer token that Google's auth library gets once (a JWT signed with the service account's key) from
//   the mock's static token answer (`token_url`) and caches.
//   `mock-guarded` / `mock-guarded-stream` hold gpt-4o-mini behind guardrails at llm_input and llm_output (PII and
//   secrets detectors, a regex deny-list), none of which the mock's answer trips.
//   `mock-limited` / `mock-limited-stream` hold gpt-4o-mini under a rate limit and a budget that cover every bench
//   key, each key its own counters, with limits no run reaches: every request is counted, reserved and settled.
//   MCP: server `bench` (the MCP mock) and `bench-guarded` (the same mock behind pre- and post-tool guardrails),
//   `lookup` allowed to every bench key.
//
// usage: node gen-config.mjs [--out DIR] [--mock-port 18080] [--mcp-port 18085] [--keys 1000] [--models 100] [--virtual-models 20]
//                            [--vertex-key FILE]   a Google service-account JSON key for `mock-vertex`; a throwaway one
//                                                  (a fresh RSA key) is written to FILE when it does not exist
// writes: DIR/config.yaml   the gateway config (SWITCHBOARD_CONFIG)
//         DIR/keys.tsv      "<name>\t<clear key>", one line per API key, in order (line 500 = bench-0499)
//
// Models: account `mock` (the mock's JSON path) holds gpt-4o-mini and gpt-4o-mini-001 ...; account
// `mock-stream` (the mock's SSE path) holds gpt-4o-mini and gpt-4o-mini-001. The mock picks the body by path,
// so a streaming request must go to a `mock-stream/...` model to get an SSE body.
// Virtual models: vm-00 ... vm-NN, even = priority-based, odd = weight-based (50/50), each over two models of
// `mock`; the last two (priority, weight) go over the two `mock-stream` models so virtual models can stream too.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const opts = { out: '.', 'mock-port': '18080', 'mcp-port': '18085', keys: '1000', models: '100', 'virtual-models': '20',
  'vertex-key': '' };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const k = argv[i].replace(/^--/, '');
  if (!(k in opts) || argv[i + 1] === undefined) {
    console.error(`gen-config: unknown or incomplete option ${argv[i]}`);
    process.exit(2);
  }
  opts[k] = argv[i + 1];
}
const nKeys = +opts.keys, nModels = +opts.models, nVms = +opts['virtual-models'];
if (nModels < 4 || nVms < 2 || nKeys < 1) throw new Error('need at least 4 models, 2 virtual models, 1 key');

const sha256 = s => createHash('sha256').update(s).digest('hex');
const pad = (n, w) => String(n).padStart(w, '0');
const mockBase = `http://127.0.0.1:${opts['mock-port']}`;

// Two models on the streaming account, the rest on the JSON account.
const streamModels = ['gpt-4o-mini', 'gpt-4o-mini-001'];
const jsonModels = ['gpt-4o-mini', ...Array.from({ length: nModels - streamModels.length - 1 },
  (_, i) => `gpt-4o-mini-${pad(i + 1, 3)}`)];
// Prices vary a little per model so cost lookups are not all the same entry.
const price = i => ({ input: (0.15 + (i % 10) * 0.01).toFixed(2), output: (0.60 + (i % 10) * 0.04).toFixed(2) });

// The service-account key of `mock-vertex`, as one line of JSON (no single quote: it goes in a single-quoted YAML string).
function vertexKey() {
  const file = opts['vertex-key'];
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(file, JSON.stringify({
      type: 'service_account', project_id: 'bench-project', private_key_id: 'bench0000000000000000000000000000000000',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      client_email: 'bench@bench-project.iam.gserviceaccount.com', client_id: '100000000000000000000',
      token_uri: 'https://oauth2.googleapis.com/token', universe_domain: 'googleapis.com',
    }) + '\n', { mode: 0o600 });
  }
  const key = JSON.stringify(JSON.parse(readFileSync(file, 'utf8')));
  if (key.includes("'")) throw new Error(`${file}: a service-account key with a single quote`);
  return key;
}

const keys = Array.from({ length: nKeys }, (_, i) => {
  const name = `bench-${pad(i, 4)}`;
  // "random-looking" but fixed suffix, so the key file and the config are reproducible
  const clear = `sk-sb-${name}-${sha256(`switchboard-bench/${name}`).slice(0, 24)}`;
  return { name, clear, hash: `sha256:${sha256(clear)}` };
});

const out = [];
const w = s => out.push(s);
w('# generated by bench/gen-config.mjs: do not edit, rerun it');
w(`# ${nKeys} API keys, ${nModels} models, ${nVms} virtual models; upstream = nginx mock on ${mockBase}`);
w('provider_accounts:');
// The fields each provider type needs besides its base URL; the credentials are fakes the mock never checks.
const accountFields = {
  'openai-compatible': ['auth: { type: none }'],
  anthropic: ['auth: { type: api-key, api_key: sk-ant-bench-unused }'],
  bedrock: ['region: us-east-1',
    'auth: { type: aws-access-key, access_key_id: bench-access-key-unused, secret_access_key: bench-secret-unused }'],
  gemini: ['auth: { type: api-key, api_key: bench-gemini-key-unused }'],
  'azure-openai': ['api_version: 2024-10-21', 'auth: { type: api-key, api_key: bench-azure-key-unused }'],
  get 'vertex-ai'() { // only when asked for: it reads (or makes) the key file
    return ['auth:', '  type: google-service-account', `  token_url: ${mockBase}/vertex-token`,
      `  service_account_key: '${vertexKey()}'`];
  },
};
const account = (name, path, models, type = 'openai-compatible') => {
  w(`  - name: ${name}`);
  w(`    type: ${type}`);
  w(`    base_url: ${mockBase}${path}`);
  for (const field of accountFields[type]) w(`    ${field}`);
  w('    models:');
  models.forEach((id, i) => {
    const p = price(i);
    w(`      - id: ${id}`);
    w(`        price: { input_per_million_usd: ${p.input}, output_per_million_usd: ${p.output} }`);
  });
};
account('mock', '/v1', jsonModels);
account('mock-stream', '/stream/v1', streamModels);
account('mock-anthropic', '/anthropic', ['claude-bench'], 'anthropic');
account('mock-anthropic-stream', '/anthropic-stream', ['claude-bench'], 'anthropic');
account('mock-bedrock', '/bedrock', ['bench-model'], 'bedrock');
account('mock-gemini', '/gemini/v1beta', ['gemini-bench'], 'gemini');
account('mock-azure', '/azure', ['gpt-4o-mini'], 'azure-openai');
account('mock-azure-stream', '/azure-stream', ['gpt-4o-mini'], 'azure-openai');
if (opts['vertex-key']) account('mock-vertex', '/v1/projects/bench-project/locations/us-central1', ['gemini-bench'], 'vertex-ai');
account('mock-guarded', '/v1', ['gpt-4o-mini']);
account('mock-guarded-stream', '/stream/v1', ['gpt-4o-mini']);
account('mock-limited', '/v1', ['gpt-4o-mini']);
account('mock-limited-stream', '/stream/v1', ['gpt-4o-mini']);

w('service_accounts:');
for (const k of keys) w(`  - name: ${k.name}`);

w('api_keys:');
for (const k of keys) {
  w(`  - name: ${k.name}`);
  w(`    subject: service_account:${k.name}`);
  w(`    key_hash: ${k.hash}`);
}

w('access_rules:');
w('  - subjects:');
for (const k of keys) w(`      - service_account:${k.name}`);
w('    models: ["*"]');

w('virtual_models:');
for (let v = 0; v < nVms; v++) {
  const weighted = v % 2 === 1;
  // the last two virtual models route over the streaming account
  const [a, b] = v >= nVms - 2
    ? streamModels.map(m => `mock-stream/${m}`)
    : [`mock/${jsonModels[(2 * v) % jsonModels.length]}`, `mock/${jsonModels[(2 * v + 1) % jsonModels.length]}`];
  w(`  - name: vm-${pad(v, 2)}`);
  w('    routing_config:');
  w(`      type: ${weighted ? 'weight-based-routing' : 'priority-based-routing'}`);
  w('      load_balance_targets:');
  [a, b].forEach((target, i) => {
    w(`        - target: ${target}`);
    w(weighted ? '          weight: 50' : `          priority: ${i}`);
  });
}

// The guardrails a careful platform team would switch on: personal data and secrets never reach a model or leave
// it, never reach a tool or come back from it, plus a deny-list of internal code names.
const guarded = ['mock-guarded/*', 'mock-guarded-stream/*'];
w('guardrails:');
w('  - name: no-pii');
w('    type: pii');
w('    hooks: [llm_input, llm_output, mcp_pre_tool, mcp_post_tool]');
w(`    models: [${guarded.join(', ')}]`);
w('    mcp_servers: [bench-guarded]');
w('    pii: {}');
w('  - name: no-secrets');
w('    type: secrets');
w('    hooks: [llm_input, llm_output, mcp_pre_tool, mcp_post_tool]');
w(`    models: [${guarded.join(', ')}]`);
w('    mcp_servers: [bench-guarded]');
w('    secrets: {}');
w('  - name: no-code-names');
w('    type: regex');
w('    hooks: [llm_input, mcp_pre_tool]');
w(`    models: [${guarded.join(', ')}]`);
w('    mcp_servers: [bench-guarded]');
w("    regex: { deny: ['(?i)\\bproject[ -](falcon|osprey)\\b'] }");

// Limits a platform team would set on every key: requests and tokens per minute, spend per month.
const limited = ['mock-limited/*', 'mock-limited-stream/*'];
const everyKey = () => { for (const k of keys) w(`      - service_account:${k.name}`); };
w('rate_limits:');
w('  - name: bench-per-key');
w('    subjects:');
everyKey();
w(`    models: [${limited.join(', ')}]`);
w('    requests: 1000000000');
w('    tokens: 1000000000000');
w('    per: minute');
w('budgets:');
w('  - name: bench-monthly');
w('    subjects:');
everyKey();
w(`    models: [${limited.join(', ')}]`);
w('    limit_usd: 1000000000');
w('    per: month');

const mcpUrl = `http://127.0.0.1:${opts['mcp-port']}/mcp`;
w('mcp_servers:');
w('  - name: bench');
w(`    url: ${mcpUrl}`);
w('  - name: bench-guarded');
w(`    url: ${mcpUrl}`);
w('tool_policies:');
for (const server of ['bench', 'bench-guarded']) {
  w(`  - name: ${server}-lookup`);
  w('    subjects:');
  for (const k of keys) w(`      - service_account:${k.name}`);
  w(`    server: ${server}`);
  w('    allow: [lookup]');
}

mkdirSync(opts.out, { recursive: true });
writeFileSync(join(opts.out, 'config.yaml'), out.join('\n') + '\n');
writeFileSync(join(opts.out, 'keys.tsv'), keys.map(k => `${k.name}\t${k.clear}`).join('\n') + '\n');
console.log(`gen-config: wrote ${join(opts.out, 'config.yaml')} (${nKeys} keys, ${nModels} models, ${nVms} virtual models)`);
