package keyward.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
