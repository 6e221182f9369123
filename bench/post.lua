-- wrk script for bench/run.sh: POSTs one OpenAI chat.completions request per round trip, or with MCP=1 one MCP
-- tools/call (JSON-RPC id 1, Streamable HTTP).
-- env: MODEL  the "model" field (default gpt-4o-mini; Switchboard wants "<account>/<model>" or a virtual model)
--      STREAM 1 adds "stream": true
--      MCP    1 sends the tools/call instead (the session and auth headers come from wrk -H)
--      DELAY_MS  a pause of this many ms (fractions averaged) after each answer before the connection's next request:
--             bench/soak.sh paces its load with it; unset or 0, wrk runs flat out
--      EXPECT a text every 200 answer's body must hold (bench/run.sh: the mock's answer text for JSON, the finish
--             reason for a stream); answers without it are counted in bad_body, so that a broken translation
--             cannot pass as fast. Unset, bodies are not looked at (wrk then skips handing them to Lua)
-- Routing and auth headers come from wrk -H. done() prints one line that run.sh parses:
--   RESULT reqs=N rps=X mean_us=X p50_us=N p90_us=N p99_us=N max_us=N err_connect=N ... err_timeout=N bad_body=N
local model = os.getenv("MODEL")
if model == nil or model == "" then model = "gpt-4o-mini" end
local stream = os.getenv("STREAM") == "1"

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
if os.getenv("MCP") == "1" then
  wrk.headers["Accept"] = "application/json, text/event-stream"
  wrk.body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"lookup","arguments":{"order_id":"4711"}}}'
else
  wrk.body = string.format(
    '{"model":"%s","messages":[{"role":"user","content":"Say something short."}]%s}',
    model, stream and ',"stream":true' or "")
end

local delay_ms = tonumber(os.getenv("DELAY_MS") or "") or 0
if delay_ms > 0 then
  local whole = math.floor(delay_ms)
  local fraction = delay_ms - whole
  function delay()
    if math.random() < fraction then return whole + 1 end
    return whole
  end
end

local expect = os.getenv("EXPECT")
local threads = {}
if expect ~= nil and expect ~= "" then
  function setup(thread)
    table.insert(threads, thread)
  end
  function init(args)
    bad_body = 0
  end
  function response(status, headers, body)
    if status == 200 and not string.find(body, expect, 1, true) then
      bad_body = bad_body + 1
    end
  end
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1000000
  local e = summary.errors
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("bad_body") or 0)
  end
  -- wrk reports latency in microseconds
  print(string.format(
    "RESULT reqs=%d rps=%.1f mean_us=%.0f p50_us=%d p90_us=%d p99_us=%d max_us=%d"
      .. " err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d bad_body=%d",
    summary.requests, summary.requests / seconds, latency.mean,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout, bad))
end
