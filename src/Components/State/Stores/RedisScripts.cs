namespace ActorRuntime.Components.State.Stores;

/// <summary>
/// Lua run inside Redis, where each script is atomic. Layout is Dapr's: a HASH per key with <c>data</c> (the bytes)
/// and <c>version</c> (an integer that is the ETag), the TTL being the key's own expiry.
/// </summary>
internal static class RedisScripts
{
    /// <summary>Reply prefix of a failed precondition; followed by the 1-based index of the operation.</summary>
    public const string MismatchPrefix = "ACTORRT_ETAG_MISMATCH";

    /// <summary>ARGV entries per operation in <see cref="Apply"/>: kind, precondition, expected ETag, data, TTL in ms.</summary>
    public const int ArgsPerOperation = 5;

    /// <summary>KEYS[1] → nil, or {data, version, pttl}. Keys of other types are not state and read as absent.</summary>
    public const string Get = """
        if redis.call('TYPE', KEYS[1])['ok'] ~= 'hash' then return false end
        local fields = redis.call('HMGET', KEYS[1], 'data', 'version')
        if not fields[1] then return false end
        return {fields[1], fields[2] or '0', redis.call('PTTL', KEYS[1])}
        """;

    /// <summary>
    /// Applies a list of operations (one KEYS entry each, in order) all or nothing. The first pass checks every
    /// precondition against the state the earlier operations will have left, without writing; only if all hold does
    /// the second pass write. kind: set|del; precondition: none|match|absent; TTL ms: 0 removes any expiry.
    /// Returns the new version of each operation ('' for deletes).
    /// </summary>
    public const string Apply = """
        local n = #KEYS
        local versions = {}
        local staged = {}
        for i = 1, n do
          local key = KEYS[i]
          local base = (i - 1) * 5
          local current = staged[key]
          if current == nil then
            if redis.call('EXISTS', key) == 1 then
              current = redis.call('HGET', key, 'version') or '0'
            else
              current = false
            end
          end
          local precondition = ARGV[base + 2]
          if (precondition == 'match' and current ~= ARGV[base + 3]) or (precondition == 'absent' and current) then
            return {err = 'ACTORRT_ETAG_MISMATCH ' .. i}
          end
          if ARGV[base + 1] == 'set' then
            versions[i] = tostring((tonumber(current) or 0) + 1)
            staged[key] = versions[i]
          else
            versions[i] = ''
            staged[key] = false
          end
        end
        for i = 1, n do
          local key = KEYS[i]
          local base = (i - 1) * 5
          if ARGV[base + 1] == 'set' then
            redis.call('HSET', key, 'data', ARGV[base + 4], 'version', versions[i])
            local ttl = tonumber(ARGV[base + 5])
            if ttl > 0 then redis.call('PEXPIRE', key, ttl) else redis.call('PERSIST', key) end
          else
            redis.call('DEL', key)
          end
        end
        return versions
        """;
}
