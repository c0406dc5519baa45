-- wrk script of the side-by-side benchmark: one non-streamed chat completion per request, a prompt
-- of about 200 characters. PROMPTS=same sends one prompt every time; PROMPTS=new a different one
-- each request (a counter per wrk thread, so no proxy or scanner cache can answer it).
-- MODEL names the model, BEARER the key, HEADERS extra "Name: value" pairs separated by "|".
-- STREAM=1 asks for the answer as a stream of server-sent events (read whole by wrk, like a plain one).
local model = os.getenv("MODEL") or "bench-mock"
local fresh = os.getenv("PROMPTS") == "new"
local stream = os.getenv("STREAM") == "1" and '"stream":true,' or ""
local text = "Please summarise, in two friendly sentences, why our team keeps customer records inside the "
  .. "European Union and how that choice helps us answer questions from auditors and customers quickly."

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bearer = os.getenv("BEARER")
if bearer and bearer ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. bearer
end
for pair in string.gmatch(os.getenv("HEADERS") or "", "[^|]+") do
  local name, value = pair:match("^%s*([^:]+):%s*(.-)%s*$")
  wrk.headers[name] = value
end

local function body(prompt)
  return '{"model":"' .. model .. '",' .. stream .. '"max_tokens":16,"messages":[{"role":"user","content":"' .. prompt .. '"}]}'
end
wrk.body = body(text)

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread", threads)
end

if fresh then
  local sent = 0
  function request()
    sent = sent + 1
    return wrk.format(nil, nil, nil, body(text .. " Reference " .. tostring(thread) .. "-" .. tostring(sent) .. "."))
  end
end
