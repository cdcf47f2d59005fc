namespace FaceStudio.Jobs.Redis;

/// <summary>
/// The Lua scripts that change a job. Each runs atomically on the server, so a state change, the stream
/// acknowledgement and the notification happen together. Every worker-side script is fenced by the job's
/// <c>attempt</c> counter: a worker whose job was reclaimed (its attempt is no longer the job's) changes nothing.
/// Times are the server's clock (<c>TIME</c>), in ms since the epoch.
/// </summary>
internal static class RedisJobScripts
{
    private const string Now = """
        local function now()
          local t = redis.call('TIME')
          return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        end

        """;

    /// <summary>
    /// KEYS: stream, job. ARGV: id, payload, max depth (0 = none), wake channel.
    /// Returns {1, depth} queued, {2, 0} already known (idempotent retry), {0, depth} full.
    /// </summary>
    public const string Enqueue = Now + """
        if redis.call('EXISTS', KEYS[2]) == 1 then return {2, 0} end
        local depth = redis.call('XLEN', KEYS[1])
        local max = tonumber(ARGV[3])
        if max > 0 and depth >= max then return {0, depth} end
        local entry = redis.call('XADD', KEYS[1], '*', 'id', ARGV[1])
        redis.call('HSET', KEYS[2], 'state', 'queued', 'payload', ARGV[2], 'enq', now(), 'entry', entry,
          'attempt', 0, 'deliveries', 0, 'completions', 0)
        redis.call('PUBLISH', ARGV[4], ARGV[1])
        return {1, depth + 1}
        """;

    /// <summary>
    /// A worker got stream entry ARGV[2] (new or reclaimed). KEYS: stream, job, dead. ARGV: group, entry, consumer,
    /// max deliveries, result ttl ms, id, events channel, dead-letter max length.
    /// Returns {'run', attempt, payload, deliveries} or {'skip', reason}; dead-letters a job delivered too often.
    /// </summary>
    public const string Start = Now + """
        local function drop()
          redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
          redis.call('XDEL', KEYS[1], ARGV[2])
        end
        local f = redis.call('HMGET', KEYS[2], 'state', 'entry', 'cancel', 'error', 'owner')
        local state = f[1]
        if not state then drop() return {'skip', 'gone'} end
        if f[2] ~= ARGV[2] then drop() return {'skip', 'superseded entry'} end
        if state ~= 'queued' and state ~= 'running' then drop() return {'skip', state} end
        local ms = now()
        if f[3] == '1' then
          redis.call('HSET', KEYS[2], 'state', 'cancelled', 'done', ms)
          redis.call('HDEL', KEYS[2], 'payload', 'cancel')
          redis.call('PEXPIRE', KEYS[2], ARGV[5])
          drop()
          redis.call('PUBLISH', ARGV[7], 'cancelled')
          return {'skip', 'cancelled'}
        end
        local err = f[4]
        if state == 'running' then
          err = 'The worker ' .. (f[5] or '?') .. ' stopped without finishing (crashed, killed or lost its connection).'
          redis.call('HSET', KEYS[2], 'error', err)
        end
        local d = redis.call('HINCRBY', KEYS[2], 'deliveries', 1)
        if d > tonumber(ARGV[4]) then
          local msg = 'Gave up after ' .. (d - 1) .. ' deliveries; last error: ' .. (err or 'none')
          redis.call('HSET', KEYS[2], 'state', 'failed', 'error', msg, 'done', ms, 'deliveries', d - 1)
          redis.call('HDEL', KEYS[2], 'payload', 'cancel')
          redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[8], '*', 'id', ARGV[6], 'error', msg, 'deliveries', d - 1, 'consumer', ARGV[3])
          redis.call('PEXPIRE', KEYS[2], ARGV[5])
          drop()
          redis.call('PUBLISH', ARGV[7], 'failed')
          return {'skip', 'dead-lettered'}
        end
        local a = redis.call('HINCRBY', KEYS[2], 'attempt', 1)
        redis.call('HSET', KEYS[2], 'state', 'running', 'owner', ARGV[3], 'start', ms, 'step', 0, 'total', 0, 'image', 0)
        redis.call('PUBLISH', ARGV[7], 'running')
        return {'run', a, redis.call('HGET', KEYS[2], 'payload'), d}
        """;

    /// <summary>KEYS: job. ARGV: attempt, step, total, image, events channel. Returns 1, or 0 when fenced off.</summary>
    public const string Progress = """
        local f = redis.call('HMGET', KEYS[1], 'attempt', 'state')
        if f[1] ~= ARGV[1] or f[2] ~= 'running' then return 0 end
        redis.call('HSET', KEYS[1], 'step', ARGV[2], 'total', ARGV[3], 'image', ARGV[4])
        redis.call('PUBLISH', ARGV[5], 'progress')
        return 1
        """;

    /// <summary>
    /// Keeps a running job's stream entry fresh (XCLAIM JUSTID to itself resets its idle time, so XAUTOCLAIM leaves it
    /// alone). KEYS: stream, job. ARGV: group, consumer, entry, attempt. Returns 'ok', 'cancel' or 'stale'.
    /// </summary>
    public const string Heartbeat = """
        local f = redis.call('HMGET', KEYS[2], 'attempt', 'state', 'cancel')
        if f[1] ~= ARGV[4] or f[2] ~= 'running' then return 'stale' end
        redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
        if f[3] == '1' then return 'cancel' end
        return 'ok'
        """;

    /// <summary>
    /// Stores the result and acknowledges the entry, only if this attempt still owns the running job (else 'stale').
    /// Idempotent for the same attempt. KEYS: stream, job. ARGV: group, entry, attempt, result ttl ms, metadata json,
    /// generation ms, events channel, image count, images….
    /// </summary>
    public const string Complete = Now + """
        local f = redis.call('HMGET', KEYS[2], 'attempt', 'state')
        if f[1] ~= ARGV[3] then return 'stale' end
        if f[2] == 'succeeded' then return 'ok' end
        if f[2] ~= 'running' then return 'stale' end
        local n = tonumber(ARGV[8])
        redis.call('HSET', KEYS[2], 'state', 'succeeded', 'done', now(), 'meta', ARGV[5], 'gen_ms', ARGV[6], 'images', n)
        for i = 1, n do redis.call('HSET', KEYS[2], 'img' .. (i - 1), ARGV[8 + i]) end
        redis.call('HINCRBY', KEYS[2], 'completions', 1)
        redis.call('HDEL', KEYS[2], 'payload', 'error', 'cancel')
        redis.call('PEXPIRE', KEYS[2], ARGV[4])
        redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
        redis.call('XDEL', KEYS[1], ARGV[2])
        redis.call('PUBLISH', ARGV[7], 'succeeded')
        return 'ok'
        """;

    /// <summary>
    /// Ends a run other than by success, only if this attempt still owns the running job (else 'stale').
    /// kind 'cancelled' | 'failed' (final, dead-lettered) | 'retry' (back on the queue, counted) | 'handback' (back
    /// on the queue, shutdown, not counted). KEYS: stream, job, dead. ARGV: group, entry, attempt, kind, error,
    /// result ttl ms, id, events channel, wake channel, dead-letter max length, consumer.
    /// </summary>
    public const string Finish = Now + """
        local f = redis.call('HMGET', KEYS[2], 'attempt', 'state', 'deliveries')
        if f[1] ~= ARGV[3] or f[2] ~= 'running' then return 'stale' end
        local kind = ARGV[4]
        redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
        redis.call('XDEL', KEYS[1], ARGV[2])
        if kind == 'cancelled' or kind == 'failed' then
          redis.call('HSET', KEYS[2], 'state', kind, 'done', now())
          redis.call('HDEL', KEYS[2], 'payload', 'cancel')
          if kind == 'failed' then
            redis.call('HSET', KEYS[2], 'error', ARGV[5])
            redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[10], '*', 'id', ARGV[7], 'error', ARGV[5], 'deliveries', f[3], 'consumer', ARGV[11])
          end
          redis.call('PEXPIRE', KEYS[2], ARGV[6])
          redis.call('PUBLISH', ARGV[8], kind)
          return 'ok'
        end
        if kind == 'handback' then
          redis.call('HINCRBY', KEYS[2], 'deliveries', -1)
        else
          redis.call('HSET', KEYS[2], 'error', ARGV[5])
        end
        local e = redis.call('XADD', KEYS[1], '*', 'id', ARGV[7])
        redis.call('HSET', KEYS[2], 'state', 'queued', 'entry', e, 'step', 0, 'total', 0, 'image', 0)
        redis.call('PUBLISH', ARGV[8], 'queued')
        redis.call('PUBLISH', ARGV[9], ARGV[7])
        return 'ok'
        """;

    /// <summary>
    /// Client cancel. KEYS: stream, job. ARGV: group, cancel channel, id, result ttl ms, events channel.
    /// Returns 'missing', 'cancelled' (was queued), 'cancelling' (running: the worker is told) or the final state.
    /// </summary>
    public const string Cancel = Now + """
        local f = redis.call('HMGET', KEYS[2], 'state', 'entry')
        if not f[1] then return 'missing' end
        if f[1] == 'queued' then
          redis.call('HSET', KEYS[2], 'state', 'cancelled', 'done', now())
          redis.call('HDEL', KEYS[2], 'payload')
          redis.call('XACK', KEYS[1], ARGV[1], f[2])
          redis.call('XDEL', KEYS[1], f[2])
          redis.call('PEXPIRE', KEYS[2], ARGV[4])
          redis.call('PUBLISH', ARGV[5], 'cancelled')
          return 'cancelled'
        end
        if f[1] == 'running' then
          redis.call('HSET', KEYS[2], 'cancel', 1)
          redis.call('PUBLISH', ARGV[2], ARGV[3])
          redis.call('PUBLISH', ARGV[5], 'cancelling')
          return 'cancelling'
        end
        return f[1]
        """;
}
