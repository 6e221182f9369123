// The correctness check of bench/run.sh for bodies that cannot be compared byte for byte.
//   --kind text  GOT is an OpenAI chat.completion (JSON) or chat.completion.chunk stream (SSE) translated from another
//                provider's answer; its assistant text and finish reason must equal those of EXPECTED, the mock's own
//                OpenAI body of the same mode; it must carry usage (a JSON answer the same token counts as EXPECTED;
//                a stream its usage chunk), and a stream must hold no error event and end with `data: [DONE]`.
//   --kind json  GOT is one JSON-RPC message, as JSON or as one SSE `data:` event; it must equal EXPECTED as JSON.
// Exit 0 when it matches; otherwise prints why and exits 1.
//
// usage: node check-body.mjs --kind text|json --got FILE --expected FILE
import { readFileSync } from 'node:fs';

const opts = {};
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) opts[argv[i].replace(/^--/, '')] = argv[i + 1];
const read = f => readFileSync(f, 'utf8');
const fail = why => { console.log(why); process.exit(1); };
const dataEvents = body => body.split('\n').filter(l => l.startsWith('data: ') && l !== 'data: [DONE]')
  .map(l => JSON.parse(l.slice(6)));

// assistant text, finish reason, usage (or null) and the first error event, of an OpenAI body (JSON or SSE)
const openAiAnswer = body => {
  if (body.trimStart().startsWith('{')) {
    const c = JSON.parse(body);
    return { text: c.choices[0].message.content, finish: c.choices[0].finish_reason, usage: c.usage ?? null, error: null };
  }
  let text = '', finish = null, usage = null, error = null;
  for (const e of dataEvents(body)) {
    for (const ch of e.choices ?? []) {
      text += ch.delta?.content ?? '';
      finish = ch.finish_reason ?? finish;
    }
    usage = e.usage ?? usage;
    error ??= e.error ?? null;
  }
  return { text, finish, usage, error };
};

try {
  const got = read(opts.got), expected = read(opts.expected);
  if (opts.kind === 'text') {
    const g = openAiAnswer(got), e = openAiAnswer(expected), stream = !got.trimStart().startsWith('{');
    if (g.error) fail(`error event: ${JSON.stringify(g.error).slice(0, 160)}`);
    if (g.text !== e.text) fail(`text differs: ${JSON.stringify(g.text)} vs ${JSON.stringify(e.text)}`);
    if (g.finish !== e.finish) fail(`finish_reason differs: ${g.finish} vs ${e.finish}`);
    if (!g.usage) fail('no usage');
    if (!stream && (g.usage.prompt_tokens !== e.usage.prompt_tokens || g.usage.completion_tokens !== e.usage.completion_tokens)) {
      fail(`usage differs: ${JSON.stringify(g.usage)} vs ${JSON.stringify(e.usage)}`);
    }
    if (stream && !got.endsWith('data: [DONE]\n\n')) fail('the stream does not end with data: [DONE]');
  } else if (opts.kind === 'json') {
    const g = got.trimStart().startsWith('{') ? JSON.parse(got) : dataEvents(got)[0];
    if (JSON.stringify(g) !== JSON.stringify(JSON.parse(expected))) fail(`differs: ${JSON.stringify(g).slice(0, 160)}`);
  } else {
    fail(`unknown --kind ${opts.kind}`);
  }
} catch (err) {
  fail(`unreadable: ${err.message}`);
}
