package redis

import goredis "github.com/redis/go-redis/v9"

// beginScript records a message and, when nobody is handling the person,
// takes their lock and returns the oldest message with the session.
//
// KEYS[1] session  KEYS[2] inbox  KEYS[3] lock  KEYS[4] seen  KEYS[5] optout
// ARGV[1] the message as JSON
// ARGV[2] the provider message id ("" = no dedupe)
// ARGV[3] now, unix ms   ARGV[4] dedupe TTL ms
// ARGV[5] a new lock token   ARGV[6] lock TTL ms   ARGV[7] inbox TTL ms
//
// Returns {"dup"} for a repeated message id, {"queued"} when another caller
// holds the lock (the message waits in the inbox for them), or
// {"ok", oldest message, session or "", opted out 0/1}.
var beginScript = goredis.NewScript(`
if ARGV[2] ~= '' then
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', ARGV[3])
  if redis.call('ZADD', KEYS[4], 'NX', ARGV[3] + ARGV[4], ARGV[2]) == 0 then
    return {'dup'}
  end
  redis.call('PEXPIRE', KEYS[4], ARGV[4])
end
redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[7])
if not redis.call('SET', KEYS[3], ARGV[5], 'NX', 'PX', ARGV[6]) then
  return {'queued'}
end
return {'ok', redis.call('LINDEX', KEYS[2], 0), redis.call('GET', KEYS[1]) or '', redis.call('EXISTS', KEYS[5])}
`)

// commitScript stores a turn's results under the person's lock and moves
// to their next message or releases the lock.
//
// KEYS[1] session  KEYS[2] inbox  KEYS[3] lock  KEYS[4] seen  KEYS[5] refs  KEYS[6] optout
// KEYS[7] outbox  KEYS[8] web transcript  KEYS[9] web sequence  KEYS[10] events
// ARGV[1] lock token
// ARGV[2] the session as JSON ("" = none to save)
// ARGV[3] session TTL ms (longer while a check-in is pending)
// ARGV[4] opt-out change: 0 keep, 1 opt out, 2 opt in
// ARGV[5] erase: 1 deletes the session, dedupe marks, referrals, events and
//
//	queued replies (never the opt-out); 2 forgets the session only
//
// ARGV[6] lock TTL ms   ARGV[7] referral TTL ms
// ARGV[8] event TTL ms   ARGV[9] now, unix ms
// ARGV[10] N, the number of replies to queue, then ARGV[11] … ARGV[10+N] the replies as JSON;
//
//	a reply prefixed "U:" is urgent (crisis signposting) and goes to the front
//
// ARGV[11+N] M, the number of events, then M pairs: unix ms, event JSON
// ARGV[12+N+2M], …   referral id, referral JSON pairs to keep
//
// Returns {"lost"} when the lock is no longer ours (nothing written),
// {"done"} when the inbox is empty (lock released), or
// {"next", next message, opted out 0/1} with the lock extended.
var commitScript = goredis.NewScript(`
if redis.call('GET', KEYS[3]) ~= ARGV[1] then
  return {'lost'}
end
if ARGV[4] == '1' then
  redis.call('SET', KEYS[6], '1')
elseif ARGV[4] == '2' then
  redis.call('DEL', KEYS[6])
end
if ARGV[5] == '1' then
  -- KEYS[9], the web sequence, stays: a page keeps counting from it.
  redis.call('DEL', KEYS[1], KEYS[4], KEYS[5], KEYS[7], KEYS[8], KEYS[10])
elseif ARGV[5] == '2' then
  redis.call('DEL', KEYS[1], KEYS[4])
elseif ARGV[2] ~= '' then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
local n = tonumber(ARGV[10])
for i = 11, 10 + n do
  if string.sub(ARGV[i], 1, 2) == 'U:' then
    redis.call('LPUSH', KEYS[7], string.sub(ARGV[i], 3))
  else
    redis.call('RPUSH', KEYS[7], ARGV[i])
  end
end
if n > 0 then
  redis.call('PEXPIRE', KEYS[7], ARGV[3])
end
local m = tonumber(ARGV[11 + n])
if m > 0 and ARGV[5] ~= '1' then
  for i = 12 + n, 11 + n + 2 * m, 2 do
    redis.call('ZADD', KEYS[10], ARGV[i], ARGV[i + 1])
  end
  redis.call('ZREMRANGEBYSCORE', KEYS[10], '-inf', '(' .. (tonumber(ARGV[9]) - tonumber(ARGV[8])))
  redis.call('PEXPIRE', KEYS[10], ARGV[8])
end
for i = 12 + n + 2 * m, #ARGV, 2 do
  redis.call('HSET', KEYS[5], ARGV[i], ARGV[i + 1])
  redis.call('PEXPIRE', KEYS[5], ARGV[7])
end
redis.call('LPOP', KEYS[2])
local nxt = redis.call('LINDEX', KEYS[2], 0)
if not nxt then
  redis.call('DEL', KEYS[3])
  return {'done'}
end
redis.call('PEXPIRE', KEYS[3], ARGV[6])
return {'next', nxt, redis.call('EXISTS', KEYS[6])}
`)

// recordScript keeps events made outside a turn (claims, outcomes) about
// one person, with the same retention as a turn's events.
//
// KEYS[1] events
// ARGV[1] event TTL ms   ARGV[2] now, unix ms   ARGV[3…] pairs: unix ms, event JSON
var recordScript = goredis.NewScript(`
for i = 3, #ARGV, 2 do
  redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (tonumber(ARGV[2]) - tonumber(ARGV[1])))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`)

// resumeScript takes over a person whose inbox has messages but whose lock
// holder died (the lock expired).
//
// KEYS[1] session  KEYS[2] inbox  KEYS[3] lock  KEYS[4] optout
// ARGV[1] a new lock token   ARGV[2] lock TTL ms
//
// Returns {} when there is nothing to resume or someone holds the lock, else
// {"ok", oldest message, session or "", opted out 0/1}.
var resumeScript = goredis.NewScript(`
local msg = redis.call('LINDEX', KEYS[2], 0)
if not msg then
  return {}
end
if not redis.call('SET', KEYS[3], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return {}
end
return {'ok', msg, redis.call('GET', KEYS[1]) or '', redis.call('EXISTS', KEYS[4])}
`)

// claimTimerScript removes a due timer only if it still has the due time the
// caller read, so a timer moved by a newer turn is not lost and each timer
// is claimed by exactly one caller.
//
// KEYS[1] timers   ARGV[1] member   ARGV[2] the score read
// Returns 1 when this caller claimed it.
var claimTimerScript = goredis.NewScript(`
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 1
end
return 0
`)
