-- Releases call ARGV[1]'s hold on every account (KEYS) and adds ARGV[2] nano-dollars to what each
-- spent. Answers each account's spent and reserved afterwards (-1, -1 for a counter that is gone).
local call = 'r:' .. ARGV[1]
local result = {}
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    local hold = redis.call('HGET', key, call)
    if hold then
      redis.call('HINCRBY', key, 'reserved', '-' .. string.sub(hold, 1, string.find(hold, ':', 1, true) - 1))
      redis.call('HDEL', key, call)
    end
    result[#result + 1] = redis.call('HINCRBY', key, 'spent', ARGV[2])
    result[#result + 1] = tonumber(redis.call('HGET', key, 'reserved'))
  else
    result[#result + 1] = -1
    result[#result + 1] = -1
  end
end
return result
