// Writes the mock OpenAI upstream: an nginx config (1 worker, fixed bodies from `return`, no modules, no files)
// plus the exact bodies it serves, which the correctness check compares every proxied response against.
//   POST /v1/chat/completions         -> expected.json: one chat.completion with usage (about 650 bytes)
//   POST /stream/v1/chat/completions  -> expected.sse:  20 chat.completion.chunk events + `data: [DONE]` (about 5 KB)
//   POST /anthropic/v1/messages        -> the same answer as an Anthropic Messages `message` (anthropic.json)
//   POST /anthropic-stream/v1/messages -> the same answer as an Anthropic event stream (anthropic.sse: message_start,
//                                         content_block_start, 18 text deltas, content_block_stop, message_delta,
//                                         message_stop), for the gateway's Anthropic translation case
// nginx cannot branch on the request body inside `return`, so the path, not `"stream": true`, picks the body;
// a gateway is pointed at `.../v1` or `.../stream/v1` accordingly.
//
// usage: node mock-upstream-conf.mjs --port 18080 --dir DIR   (writes DIR/nginx.conf, DIR/expected.json, DIR/expected.sse)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const opts = { port: '18080', dir: '.' };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) opts[argv[i].replace(/^--/, '')] = argv[i + 1];
const { port, dir } = opts;

const id = 'chatcmpl-SwitchboardBenchMock000000000001';
const created = 1764000000;
const model = 'gpt-4o-mini-2024-07-18';
const fingerprint = 'fp_bench00mock';
const answer = ['Sure', '!', ' Here', ' is', ' a', ' short', ' answer', ' from', ' the', ' benchmark', ' mock',
  ':', ' every', ' byte', ' of', ' it', ' is', ' fixed', '.'];

const completion = JSON.stringify({
  id, object: 'chat.completion', created, model,
  choices: [{
    index: 0,
    message: { role: 'assistant', content: answer.join(''), refusal: null, annotations: [] },
    logprobs: null, finish_reason: 'stop',
  }],
  usage: {
    prompt_tokens: 9, completion_tokens: answer.length, total_tokens: 9 + answer.length,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  },
  service_tier: 'default', system_fingerprint: fingerprint,
});

// role chunk + 18 content chunks + finish chunk = 20 events, as a real OpenAI stream is shaped
const chunk = (delta, finishReason) => JSON.stringify({
  id, object: 'chat.completion.chunk', created, model, service_tier: 'default', system_fingerprint: fingerprint,
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
});
const events = [
  chunk({ role: 'assistant', content: '', refusal: null }, null),
  ...answer.slice(0, 18).map(t => chunk({ content: t }, null)),
  chunk({}, 'stop'),
];
const sse = events.map(e => `data: ${e}\n\n`).join('') + 'data: [DONE]\n\n';

// The same answer as Anthropic's Messages API gives it, for the translation case.
const messageId = 'msg_01SwitchboardBenchMock0001';
const anthropicModel = 'claude-bench-mock';
const anthropicMessage = JSON.stringify({
  id: messageId, type: 'message', role: 'assistant', model: anthropicModel,
  content: [{ type: 'text', text: answer.join('') }],
  stop_reason: 'end_turn', stop_sequence: null,
  usage: { input_tokens: 9, output_tokens: answer.length, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
});
const anthropicEvent = (type, data) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const anthropicSse = [
  anthropicEvent('message_start', { message: { id: messageId, type: 'message', role: 'assistant', model: anthropicModel,
    content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 9, output_tokens: 1 } } }),
  anthropicEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
  ...answer.slice(0, 18).map(t => anthropicEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: t } })),
  anthropicEvent('content_block_stop', { index: 0 }),
  anthropicEvent('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 18 } }),
  anthropicEvent('message_stop', {}),
].join('');

// `$` would start an nginx variable inside the quoted strings below
if (/\$/.test(completion + sse + anthropicMessage + anthropicSse)) throw new Error('mock bodies must not contain $');

// An nginx quoted string: backslash and quote escaped, newline written as \n (the parser turns it back).
const nginxString = s => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;

// nginx reads its config through a 4 KB buffer and one token must fit in it, so the SSE body is spread over a
// few `set` variables of whole events (each well under the limit) and joined again in `return`.
const split = (body, prefix) => {
  const pieces = [];
  for (const e of body.match(/(?:event: [^\n]*\n)?data: [^\n]*\n\n/g)) {
    const last = pieces.length - 1;
    if (last >= 0 && pieces[last].length + e.length < 2500) pieces[last] += e; else pieces.push(e);
  }
  if (pieces.join('') !== body) throw new Error('SSE split lost bytes');
  return { sets: pieces.map((p, i) => `      set $${prefix}_${i} ${nginxString(p)};`).join('\n'),
    join: pieces.map((_, i) => `$${prefix}_${i}`).join('') };
};
const openAiStream = split(sse, 'sse'), anthropicStream = split(anthropicSse, 'ant');

const conf = `# generated by bench/mock-upstream-conf.mjs
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 8192; multi_accept on; }
http {
  access_log off;
  server_tokens off;
  client_body_temp_path ${dir}/tmp;
  keepalive_requests 100000000;
  keepalive_timeout 600s;
  server {
    listen 127.0.0.1:${port} reuseport backlog=8192;
    location = /v1/chat/completions {
      default_type application/json;
      return 200 ${nginxString(completion)};
    }
    location = /stream/v1/chat/completions {
      default_type text/event-stream;
      add_header Cache-Control no-cache;
${openAiStream.sets}
      return 200 "${openAiStream.join}";
    }
    location = /anthropic/v1/messages {
      default_type application/json;
      return 200 ${nginxString(anthropicMessage)};
    }
    location = /anthropic-stream/v1/messages {
      default_type text/event-stream;
      add_header Cache-Control no-cache;
${anthropicStream.sets}
      return 200 "${anthropicStream.join}";
    }
    location / { return 404; }
  }
}
`;

mkdirSync(join(dir, 'tmp'), { recursive: true });
writeFileSync(join(dir, 'nginx.conf'), conf);
writeFileSync(join(dir, 'expected.json'), completion);
writeFileSync(join(dir, 'expected.sse'), sse);
writeFileSync(join(dir, 'anthropic.json'), anthropicMessage);
writeFileSync(join(dir, 'anthropic.sse'), anthropicSse);
writeFileSync(join(dir, 'answer.txt'), answer.join(''));
