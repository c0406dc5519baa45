-- Reserves ARGV[2] nano-dollars for call ARGV[1] on every account (KEYS) if each stays within its
-- limit (ARGV[5], ARGV[6], ... in the order of KEYS); otherwise on none.
-- A counter is a hash: spent, reserved, purge_at (earliest hold deadline, epoch ms; 0: none) and one
-- field r:<call id> = "<nanos>:<deadline ms>" per hold. Holds past their deadline (ARGV[3] is now)
-- are released first. Numbers cross into Redis as the strings they came in: Lua's doubles would
-- print large integers in exponent form.
-- Answers {0} reserved, {1, i, spent, reserved} refused by account i, {2, i} account i not seeded.
local call = 'r:' .. ARGV[1]
local amount = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 0 then
    return {2, i}
  end
end
for i, key in ipairs(KEYS) do
  local purge_at = tonumber(redis.call('HGET', key, 'purge_at'))
  if purge_at > 0 and purge_at <= now then
    local fields = redis.call('HGETALL', key)
    local next_purge = 0
    for f = 1, #fields, 2 do
      if string.sub(fields[f], 1, 2) == 'r:' then
        local hold = fields[f + 1]
        local colon = string.find(hold, ':', 1, true)
        local due = tonumber(string.sub(hold, colon + 1))
        if due <= now then
          redis.call('HINCRBY', key, 'reserved', '-' .. string.sub(hold, 1, colon - 1))
          redis.call('HDEL', key, fields[f])
        elseif next_purge == 0 or due < next_purge then
          next_purge = due
        end
      end
    end
    redis.call('HSET', key, 'purge_at', string.format('%d', next_purge))
  end
  local spent = tonumber(redis.call('HGET', key, 'spent'))
  local reserved = tonumber(redis.call('HGET', key, 'reserved'))
  if spent + reserved + amount > tonumber(ARGV[4 + i]) then
    return {1, i, spent, reserved}
  end
end
local deadline = tonumber(ARGV[4])
for _, key in ipairs(KEYS) do
  redis.call('HSET', key, call, ARGV[2] .. ':' .. ARGV[4])
  redis.call('HINCRBY', key, 'reserved', ARGV[2])
  local purge_at = tonumber(redis.call('HGET', key, 'purge_at'))
  if purge_at == 0 or deadline < purge_at then
    redis.call('HSET', key, 'purge_at', ARGV[4])
  end
end
return {0}
