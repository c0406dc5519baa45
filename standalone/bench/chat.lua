-- wrk script: one non-streamed chat completion per request; GATEHOUSE_KEY may be empty (direct backend calls)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local key = os.getenv("GATEHOUSE_KEY")
if key and key ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. key
end
wrk.body = '{"model":"' .. (os.getenv("MODEL") or "chat-simulator") .. '","messages":[{"role":"user","content":"Write a short greeting for a colleague."}],"max_tokens":16}'
