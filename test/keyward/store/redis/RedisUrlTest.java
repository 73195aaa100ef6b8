package keyward.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RedisUrlTest {

    @Test
    void parse_fullUrl_givesEveryPart() {
        assertEquals(new RedisUrl(true, "cache.example", 6380, "kw", "p@ss:word", 3),
                RedisUrl.parse("rediss://kw:p%40ss%3Aword@cache.example:6380/3"));
    }

    @Test
    void parse_defaults_port6379_db0_noCredentials() {
        assertEquals(new RedisUrl(false, "127.0.0.1", 6379, null, null, 0), RedisUrl.parse("redis://127.0.0.1"));
        assertEquals(new RedisUrl(false, "h", 1, null, "secret", 0), RedisUrl.parse("redis://:secret@h:1/"));
    }

    @Test
    void parse_badUrls_areRefusedNamingTheSetting() {
        for (String bad : new String[] {"http://h:1", "redis:///0", "redis://h/x", "redis://h:1/0?tls=1", "", "::"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("database-url:"), e.getMessage());
        }
    }

    @Test
    void toString_masksThePassword() {
        String s = RedisUrl.parse("redis://kw:hunter2@h:1/2").toString();
        assertFalse(s.contains("hunter2"), s);
        assertEquals("redis://kw:***@h:1/2", s);
        RedisOptions o = new RedisOptions("redis://kw:hunter2@h:1", "master-secret".toCharArray(), "L", null, 0, 0);
        assertFalse(o.toString().contains("hunter2") || o.toString().contains("master-secret"), o.toString());
        assertEquals("kw", o.namespace());
        assertEquals(8, o.poolSize());
        assertEquals(2000, o.timeoutMs());
    }

    @Test
    void options_badValues_areRefusedNamingTheSetting() {
        assertThrows(IllegalArgumentException.class, () -> new RedisOptions("redis://h", new char[0], "L", null, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RedisOptions("redis://h", "p".toCharArray(), " ", null, 0, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RedisOptions("redis://h", "p".toCharArray(), "L", "kw:*", 0, 0));
        assertTrue(e.getMessage().startsWith("redis namespace"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RedisOptions("redis://h", "p".toCharArray(), "L", null, 0, -1));
    }

    @Test
    void parse_sentinelUrl_givesTheSentinelsTheMasterAndTheCredentialsOfRedis() {
        RedisUrl u = RedisUrl.parse("redis-sentinel://kw:p%40ss@s1.example:26380,s2.example,[::1]:26381/mymaster/4");
        assertTrue(u.viaSentinel());
        assertEquals(List.of(new RedisUrl.Endpoint("s1.example", 26380), new RedisUrl.Endpoint("s2.example", 26379),
                new RedisUrl.Endpoint("::1", 26381)), u.sentinels());
        assertEquals("mymaster", u.master());
        assertEquals(4, u.db());
        assertEquals("kw", u.user());
        assertEquals("p@ss", u.password());
        assertFalse(u.tls());
        assertEquals(null, u.host(), "the primary is found through the Sentinels");
        assertEquals(new RedisUrl(false, "10.0.0.7", 6380, "kw", "p@ss", 4), u.at("10.0.0.7", 6380),
                "the primary gets the credentials and the database");
        assertEquals(new RedisUrl(false, "::1", 26381, null, null, 0), u.sentinel(u.sentinels().get(2)),
                "Sentinels are asked without the Redis password");
        assertEquals("redis-sentinel://kw:***@s1.example:26380,s2.example:26379,[::1]:26381/mymaster/4", u.toString());
    }

    @Test
    void parse_rediss_sentinelUrl_usesTlsEverywhere() {
        RedisUrl u = RedisUrl.parse("rediss-sentinel://127.0.0.1:26379/keyward");
        assertTrue(u.tls());
        assertTrue(u.sentinel(u.sentinels().get(0)).tls());
        assertTrue(u.at("127.0.0.1", 6379).tls());
        assertEquals(0, u.db());
        assertFalse(RedisUrl.parse("redis://h").viaSentinel());
    }

    @Test
    void parse_badSentinelUrls_areRefusedNamingTheSettingAndTheForm() {
        for (String bad : new String[] {"redis-sentinel://h1,h2", "redis-sentinel://h1,h2/", "redis-sentinel://,h2/m",
                "redis-sentinel://h1:0/m", "redis-sentinel://h1:99999/m", "redis-sentinel://h1:x/m", "redis-sentinel://h1/m/x",
                "redis-sentinel://h1/m/1/2", "redis-sentinel://h1/m?x=1", "redis-sentinel://[::1/m", "redis-sentinel://h1/m%20x",
                "redis-sentinel:///m"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("database-url:"), e.getMessage());
            assertFalse(e.getMessage().contains("Exception"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisUrl.parse("redis-sentinel://:hunter2@h1/m?x"));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void options_minReplicas_isChecked_andShown() {
        RedisOptions o = new RedisOptions("redis://h", "p".toCharArray(), "L", null, 0, 0, 1);
        assertEquals(1, o.minReplicas());
        assertTrue(o.toString().contains("minReplicas=1"), o.toString());
        assertEquals(0, new RedisOptions("redis://h", "p".toCharArray(), "L", null, 0, 0).minReplicas());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RedisOptions("redis://h", "p".toCharArray(), "L", null, 0, 0, 17));
        assertTrue(e.getMessage().startsWith("redis_min_replicas"), e.getMessage());
    }
}
