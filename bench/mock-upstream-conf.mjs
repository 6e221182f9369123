// Writes the mock upstream: an nginx config (1 worker, fixed bodies from `return`, no modules; one file, the binary
// Bedrock stream)
// plus the exact bodies it serves, which the correctness check compares every proxied response against.
//   POST /v1/chat/completions         -> expected.json: one chat.completion with usage (about 650 bytes)
//   POST /stream/v1/chat/completions  -> expected.sse:  20 chat.completion.chunk events + `data: [DONE]` (about 5 KB)
//   POST /anthropic/v1/messages        -> the same answer as an Anthropic Messages `message` (anthropic.json)
//   POST /anthropic-stream/v1/messages -> the same answer as an Anthropic event stream (anthropic.sse: message_start,
//                                         content_block_start, 18 text deltas, content_block_stop, message_delta,
//                                         message_stop), for the gateway's Anthropic translation case
// The same answer again in the wire formats of the other providers the gateway speaks to (one target each):
//   POST /bedrock/model/bench-model/converse         -> a Bedrock Converse answer (bedrock.json)
//   POST /bedrock/model/bench-model/converse-stream  -> a ConverseStream answer in AWS event-stream binary framing
//                                         (bedrock.stream, served from that file: messageStart, 18 contentBlockDelta,
//                                         contentBlockStop, messageStop, metadata; each frame with its CRCs and the
//                                         `p` padding field Bedrock adds)
//   POST /gemini/v1beta/models/gemini-bench:generateContent        -> a Gemini GenerateContentResponse (gemini.json)
//   POST /gemini/v1beta/models/gemini-bench:streamGenerateContent  -> its `alt=sse` stream: 18 GenerateContentResponse
//                                         events, CRLF-separated as Google sends them, the last with finishReason
//                                         and the whole usageMetadata (gemini.sse)
//   POST /v1/projects/bench-project/locations/us-central1/publishers/google/models/gemini-bench:generateContent
//        and ...:streamGenerateContent  -> Vertex AI: the same two Gemini bodies (Vertex differs on the wire only by
//                                         its path and its Bearer token)
//   POST /vertex-token                  -> a Google OAuth token answer, for the service account's token call
//   POST /azure/openai/deployments/gpt-4o-mini/chat/completions        -> the OpenAI answer as Azure OpenAI gives it,
//                                         with prompt_filter_results and content_filter_results (azure.json)
//   POST /azure-stream/openai/deployments/gpt-4o-mini/chat/completions -> its stream: Azure's prompt-filter chunk first,
//                                         then the 20 chunks, each with content_filter_results (azure.sse)
// nginx cannot branch on the request body inside `return`, so the path, not `"stream": true`, picks the body;
// a gateway is pointed at `.../v1` or `.../stream/v1` accordingly (Bedrock and Gemini have a path of their own
// for streams; the query, e.g. Gemini's `?alt=sse`, is not looked at).
//
// usage: node mock-upstream-conf.mjs --port 18080 --dir DIR   (writes DIR/nginx.conf, DIR/expected.json, DIR/expected.sse,
//        and the other providers' bodies named above)
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

// AWS Bedrock: Converse, and ConverseStream in AWS event-stream binary framing.
const bedrockModelPath = '/bedrock/model/bench-model';
const bedrockUsage = n => ({ inputTokens: 9, outputTokens: n, totalTokens: 9 + n });
const bedrockMessage = JSON.stringify({
  metrics: { latencyMs: 412 },
  output: { message: { content: [{ text: answer.join('') }], role: 'assistant' } },
  stopReason: 'end_turn', usage: bedrockUsage(answer.length),
});
// Bedrock pads each stream event with a field `p` of varying length, so that sizes tell nothing about the content.
const padding = i => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.slice(0, 4 + ((i * 11) % 48));
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = bytes => {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
// one header of type string (7): name length, name, type, value length, value
const eventHeader = (name, value) => {
  const n = Buffer.from(name), v = Buffer.from(value), h = Buffer.alloc(4 + n.length + v.length);
  h.writeUInt8(n.length, 0);
  n.copy(h, 1);
  h.writeUInt8(7, 1 + n.length);
  h.writeUInt16BE(v.length, 2 + n.length);
  v.copy(h, 4 + n.length);
  return h;
};
// one frame: total length, headers length, prelude CRC, headers, payload, message CRC
const awsEvent = (eventType, payload) => {
  const headers = Buffer.concat([eventHeader(':event-type', eventType),
    eventHeader(':content-type', 'application/json'), eventHeader(':message-type', 'event')]);
  const body = Buffer.from(JSON.stringify(payload));
  const prelude = Buffer.alloc(12);
  prelude.writeUInt32BE(12 + headers.length + body.length + 4, 0);
  prelude.writeUInt32BE(headers.length, 4);
  prelude.writeUInt32BE(crc32(prelude.subarray(0, 8)), 8);
  const message = Buffer.concat([prelude, headers, body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(message), 0);
  return Buffer.concat([message, crc]);
};
const bedrockStream = Buffer.concat([
  awsEvent('messageStart', { p: padding(0), role: 'assistant' }),
  ...answer.slice(0, 18).map((t, i) => awsEvent('contentBlockDelta',
    { contentBlockIndex: 0, delta: { text: t }, p: padding(i + 1) })),
  awsEvent('contentBlockStop', { contentBlockIndex: 0, p: padding(19) }),
  awsEvent('messageStop', { p: padding(20), stopReason: 'end_turn' }),
  awsEvent('metadata', { metrics: { latencyMs: 412 }, p: padding(21), usage: bedrockUsage(18) }),
]);

// Google Gemini API: generateContent, and streamGenerateContent?alt=sse.
const geminiModelPath = '/gemini/v1beta/models/gemini-bench';
const geminiResponseId = 'SwitchboardBenchMock0001';
const geminiUsage = n => ({ promptTokenCount: 9, ...(n > 0 ? { candidatesTokenCount: n } : {}), totalTokenCount: 9 + n,
  promptTokensDetails: [{ modality: 'TEXT', tokenCount: 9 }] });
const geminiResponse = (text, finish, usage) => JSON.stringify({
  candidates: [{ content: { parts: [{ text }], role: 'model' }, ...(finish ? { finishReason: 'STOP' } : {}), index: 0 }],
  usageMetadata: usage, modelVersion: 'gemini-2.5-flash', responseId: geminiResponseId,
});
const geminiMessage = geminiResponse(answer.join(''), true, geminiUsage(answer.length));
const geminiSse = answer.slice(0, 18)
  .map((t, i) => `data: ${geminiResponse(t, i === 17, geminiUsage(i === 17 ? 18 : 0))}\r\n\r\n`).join('');
// Vertex AI: the same model on a project's path; its token endpoint answers every service account alike.
const vertexModelPath = '/v1/projects/bench-project/locations/us-central1/publishers/google/models/gemini-bench';
const vertexToken = JSON.stringify({ access_token: 'ya29.bench-unused', expires_in: 3599, token_type: 'Bearer' });

// Azure OpenAI: OpenAI's answer with Azure's content-filter annotations (passed through by the gateway).
const azurePath = '/openai/deployments/gpt-4o-mini/chat/completions';
const safe = { filtered: false, severity: 'safe' };
const filterResults = { hate: safe, self_harm: safe, sexual: safe, violence: safe };
const promptFilterResults = [{ prompt_index: 0,
  content_filter_results: { ...filterResults, jailbreak: { filtered: false, detected: false } } }];
const azureCompletion = JSON.stringify({
  choices: [{
    content_filter_results: { ...filterResults, protected_material_code: { filtered: false, detected: false },
      protected_material_text: { filtered: false, detected: false } },
    finish_reason: 'stop', index: 0, logprobs: null,
    message: { annotations: [], content: answer.join(''), refusal: null, role: 'assistant' },
  }],
  created, id, model, object: 'chat.completion', prompt_filter_results: promptFilterResults,
  system_fingerprint: fingerprint, usage: JSON.parse(completion).usage,
});
const azureChunk = (delta, finishReason, filters) => JSON.stringify({
  choices: [{ content_filter_results: filters, delta, finish_reason: finishReason, index: 0, logprobs: null }],
  created, id, model, object: 'chat.completion.chunk', system_fingerprint: fingerprint,
});
const azureSse = [
  JSON.stringify({ choices: [], created: 0, id: '', model: '', object: '', prompt_filter_results: promptFilterResults }),
  azureChunk({ content: '', refusal: null, role: 'assistant' }, null, {}),
  ...answer.slice(0, 18).map(t => azureChunk({ content: t }, null, filterResults)),
  azureChunk({}, 'stop', {}),
].map(e => `data: ${e}\n\n`).join('') + 'data: [DONE]\n\n';

// `$` would start an nginx variable inside the quoted strings below
if (/\$/.test(completion + sse + anthropicMessage + anthropicSse + bedrockMessage + geminiMessage + geminiSse
  + azureCompletion + azureSse)) throw new Error('mock bodies must not contain $');

// An nginx quoted string: backslash and quote escaped, CR and LF written as \r and \n (the parser turns them back).
const nginxString = s => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\r/g, '\\r').replace(/\n/g, '\\n')}'`;

// nginx reads its config through a 4 KB buffer and one token must fit in it, so the SSE body is spread over a
// few `set` variables of whole events (each well under the limit) and joined again in `return`.
const split = (body, prefix) => {
  const pieces = [];
  for (const e of body.match(/(?:event: [^\r\n]*\r?\n)?data: [^\r\n]*\r?\n\r?\n/g)) {
    const last = pieces.length - 1;
    if (last >= 0 && pieces[last].length + e.length < 2500) pieces[last] += e; else pieces.push(e);
  }
  if (pieces.join('') !== body) throw new Error('SSE split lost bytes');
  return { sets: pieces.map((p, i) => `      set $${prefix}_${i} ${nginxString(p)};`).join('\n'),
    join: pieces.map((_, i) => `$${prefix}_${i}`).join('') };
};
const openAiStream = split(sse, 'sse'), anthropicStream = split(anthropicSse, 'ant');
const geminiStream = split(geminiSse, 'gem'), azureStream = split(azureSse, 'az');

// A location answering with a fixed body; `stream` is split() output, whose pieces are set before the return.
const fixed = (path, type, body) => `    location = ${path} {
      default_type ${type};
      return 200 ${nginxString(body)};
    }`;
const fixedStream = (path, stream) => `    location = ${path} {
      default_type text/event-stream;
      add_header Cache-Control no-cache;
${stream.sets}
      return 200 "${stream.join}";
    }`;

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
${fixed('/v1/chat/completions', 'application/json', completion)}
${fixedStream('/stream/v1/chat/completions', openAiStream)}
${fixed('/anthropic/v1/messages', 'application/json', anthropicMessage)}
${fixedStream('/anthropic-stream/v1/messages', anthropicStream)}
${fixed(`${bedrockModelPath}/converse`, 'application/json', bedrockMessage)}
    # binary: served from the file, as nginx's return cannot hold it. The static module answers POST with 405; the
    # error page turns that into a GET of the same file with status 200 (the request body is discarded).
    location = ${bedrockModelPath}/converse-stream {
      default_type application/vnd.amazon.eventstream;
      alias ${dir}/bedrock.stream;
      error_page 405 =200 $uri;
    }
${fixed(`${geminiModelPath}:generateContent`, 'application/json', geminiMessage)}
${fixedStream(`${geminiModelPath}:streamGenerateContent`, geminiStream)}
${fixed(`${vertexModelPath}:generateContent`, 'application/json', geminiMessage)}
${fixedStream(`${vertexModelPath}:streamGenerateContent`, geminiStream)}
${fixed('/vertex-token', 'application/json', vertexToken)}
${fixed(`/azure${azurePath}`, 'application/json', azureCompletion)}
${fixedStream(`/azure-stream${azurePath}`, azureStream)}
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
writeFileSync(join(dir, 'bedrock.json'), bedrockMessage);
writeFileSync(join(dir, 'bedrock.stream'), bedrockStream);
writeFileSync(join(dir, 'gemini.json'), geminiMessage);
writeFileSync(join(dir, 'gemini.sse'), geminiSse);
writeFileSync(join(dir, 'azure.json'), azureCompletion);
writeFileSync(join(dir, 'azure.sse'), azureSse);
