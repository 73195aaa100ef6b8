package keyward.store.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import keyward.store.StoreException;

/**
 * The two Lua scripts that make writes safe with many writers, run by EVALSHA (loaded again after
 * a NOSCRIPT, e.g. when Redis restarted or SCRIPT FLUSH ran).
 *
 * <p>Both start with the generation check: KEYS[1] is the label record, KEYS[2] the rotation
 * marker, ARGV[1] and ARGV[2] the bytes the caller believes they hold ("" = absent). A caller
 * whose view is out of date gets {@code {"gen"}} and nothing is written; this is what makes a
 * label rotation safe while other instances keep writing (see {@link Generation}).
 */
final class Scripts {
    private static final String GEN = """
            local function gen()
              if ARGV[1] == '' then return true end
              return (redis.call('GET', KEYS[1]) or '') == ARGV[1] and (redis.call('GET', KEYS[2]) or '') == ARGV[2]
            end
            """;

    /**
     * Index appends to several keyword lists, each by compare-and-swap on its header: one call
     * for many lists, so that a label rotation's rebuild (a list per object id and name) costs
     * Redis one script run per page slice, not one per list. ARGV[3] = number of lists; then per
     * list, in KEYS its header and its new cells, in ARGV the number of cells, the expected header
     * ("" = none yet), the new header and the cells. A list whose header is not the expected one
     * is left alone; the others are written. Answers {"ok"}, {"gen"} (nothing written), or
     * {"header", list number, current header, ...} for the lists the caller retries.
     */
    static final Script APPEND = new Script(GEN + """
            if not gen() then return {'gen'} end
            local out = {'ok'}
            local k, a = 3, 4
            for list = 1, tonumber(ARGV[3]) do
              local n = tonumber(ARGV[a])
              local h = redis.call('GET', KEYS[k]) or ''
              if h ~= ARGV[a + 1] then
                out[1] = 'header'
                out[#out + 1] = tostring(list)
                out[#out + 1] = h
              else
                for i = 1, n do redis.call('SET', KEYS[k + i], ARGV[a + 2 + i]) end
                redis.call('SET', KEYS[k], ARGV[a + 2])
              end
              k = k + 1 + n
              a = a + 3 + n
            end
            return out
            """);

    /**
     * Conditional multi-key write. ARGV[3] = number of checks; then per check a KEYS index and an
     * expectation ("!" = must be absent, else the SHA-1 hex of the current value); then the number
     * of writes and per write a KEYS index and new value ("" deletes); then pairs of KEYS index and
     * a value to RPUSH. Answers {"ok"}, {"gen"} or {"conflict", check number}.
     */
    static final Script WRITE = new Script(GEN + """
            if not gen() then return {'gen'} end
            local a = 4
            for i = 1, tonumber(ARGV[3]) do
              local v = redis.call('GET', KEYS[tonumber(ARGV[a])])
              local want = ARGV[a + 1]
              a = a + 2
              if want == '!' then
                if v then return {'conflict', tostring(i)} end
              elseif (not v) or redis.sha1hex(v) ~= want then
                return {'conflict', tostring(i)}
              end
            end
            local writes = tonumber(ARGV[a])
            a = a + 1
            for i = 1, writes do
              local k = KEYS[tonumber(ARGV[a])]
              if ARGV[a + 1] == '' then redis.call('DEL', k) else redis.call('SET', k, ARGV[a + 1]) end
              a = a + 2
            end
            while a <= #ARGV do
              redis.call('RPUSH', KEYS[tonumber(ARGV[a])], ARGV[a + 1])
              a = a + 2
            end
            return {'ok'}
            """);

    /** A script and its SHA-1, the name EVALSHA knows it by. */
    record Script(String source, String sha) {
        Script(String source) {
            this(source, sha1Hex(source.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** One invocation: keys, then arguments. */
    record Call(Script script, List<String> keys, List<byte[]> args) {
    }

    private Scripts() {
    }

    /** Runs the calls pipelined; calls that met NOSCRIPT are retried once after SCRIPT LOAD. */
    static List<List<Object>> run(RedisConnection c, List<Call> calls) {
        List<Object> replies = new ArrayList<>(c.pipeline(calls.stream().map(Scripts::evalsha).toList()));
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < replies.size(); i++) {
            if (replies.get(i) instanceof Resp.Error e && e.hasCode("NOSCRIPT")) {
                missing.add(i);
            }
        }
        if (!missing.isEmpty()) {
            List<List<byte[]>> again = new ArrayList<>();
            missing.stream().map(i -> calls.get(i).script()).distinct()
                    .forEach(s -> again.add(RedisConnection.args("SCRIPT", "LOAD", s.source())));
            int loads = again.size();
            missing.forEach(i -> again.add(evalsha(calls.get(i))));
            List<Object> r = c.pipeline(again);
            for (int j = 0; j < missing.size(); j++) {
                replies.set(missing.get(j), r.get(loads + j));
            }
        }
        List<List<Object>> out = new ArrayList<>(replies.size());
        for (Object r : replies) {
            if (r instanceof List<?> list) {
                out.add(new ArrayList<>(list));
            } else {
                throw new StoreException("Redis script failed: " + (r instanceof Resp.Error e ? e.message() : String.valueOf(r)));
            }
        }
        return out;
    }

    static String status(List<Object> reply) {
        return new String((byte[]) reply.get(0), StandardCharsets.UTF_8);
    }

    private static List<byte[]> evalsha(Call call) {
        List<byte[]> cmd = new ArrayList<>(3 + call.keys().size() + call.args().size());
        cmd.add(bytes("EVALSHA"));
        cmd.add(bytes(call.script().sha()));
        cmd.add(bytes(Integer.toString(call.keys().size())));
        call.keys().forEach(k -> cmd.add(bytes(k)));
        cmd.addAll(call.args());
        return cmd;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String sha1Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JDK", e);
        }
    }
}
