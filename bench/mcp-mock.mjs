// The benchmark's MCP upstream: a stateless Streamable HTTP server (no sessions, JSON answers) with one tool,
// `lookup`, whose result is fixed. It speaks what a gateway needs to proxy tools/call: initialize (the client's
// protocol version echoed back when it is one of ours), notifications (202), ping, tools/list, tools/call; GET has
// no stream (405). The tools/call result for request id 1 is written to DIR/expected.mcp.json for the correctness
// check. Node's http module only: no dependencies.
//
// Driven by post.lua with MCP=1.
// usage: node mcp-mock.mjs --port 18085 [--dir DIR]
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const opts = { port: '18085', dir: '' };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) opts[argv[i].replace(/^--/, '')] = argv[i + 1];

const VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26'];
const TOOL = {
  name: 'lookup',
  description: 'Looks up a customer order by id (benchmark mock: the answer is fixed)',
  inputSchema: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
};
const RESULT = {
  content: [{ type: 'text', text: 'Order 4711: 3 items, shipped on 2026-11-20 to the warehouse in Lyon; '
    + 'carrier tracking is available in the customer portal. Total 129.90 EUR, paid by invoice.' }],
  isError: false,
};
const reply = (id, result) => JSON.stringify({ jsonrpc: '2.0', id, result });
if (opts.dir) writeFileSync(join(opts.dir, 'expected.mcp.json'), reply(1, RESULT));

const server = createServer((req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(405, { allow: 'POST' }).end();
    return;
  }
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => {
    let msg;
    try {
      msg = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' })
        .end('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}');
      return;
    }
    if (msg.id === undefined) { // a notification or a response
      res.writeHead(202).end();
      return;
    }
    let body;
    switch (msg.method) {
      case 'initialize': {
        const asked = msg.params?.protocolVersion;
        body = reply(msg.id, {
          protocolVersion: VERSIONS.includes(asked) ? asked : VERSIONS[0],
          capabilities: { tools: { listChanged: false } },
          serverInfo: { name: 'switchboard-bench-mcp-mock', version: '1.0.0' },
        });
        break;
      }
      case 'ping': body = reply(msg.id, {}); break;
      case 'tools/list': body = reply(msg.id, { tools: [TOOL] }); break;
      case 'tools/call':
        body = msg.params?.name === TOOL.name ? reply(msg.id, RESULT)
          : JSON.stringify({ jsonrpc: '2.0', id: msg.id, error: { code: -32602, message: `Unknown tool: ${msg.params?.name}` } });
        break;
      default:
        body = JSON.stringify({ jsonrpc: '2.0', id: msg.id, error: { code: -32601, message: 'Method not found' } });
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
  });
});
server.keepAliveTimeout = 600_000;
server.headersTimeout = 601_000;
server.listen(+opts.port, '127.0.0.1');
