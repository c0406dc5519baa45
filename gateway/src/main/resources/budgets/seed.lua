-- Creates counter KEYS[1] with ARGV[1] nano-dollars spent, expiring at ARGV[2] (epoch ms), unless it exists.
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'spent', ARGV[1], 'reserved', '0', 'purge_at', '0')
  redis.call('PEXPIREAT', KEYS[1], ARGV[2])
end
return 0
