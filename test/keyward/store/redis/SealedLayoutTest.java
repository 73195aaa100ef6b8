package keyward.store.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import keyward.crypto.KeyDerivation;
import keyward.crypto.Secret;
import keyward.store.StoreException;
import org.junit.jupiter.api.Test;

/**
 * Known answers made by the Redis store's own HMAC and AES-GCM code before both moved into
 * keyward.crypto: every name and every sealed value already in Redis must stay reachable.
 */
class SealedLayoutTest {
    private static final HexFormat HEX = HexFormat.of();

    private static RedisKeys keys() {
        byte[] master = new byte[32];
        for (int i = 0; i < 32; i++) {
            master[i] = (byte) i;
        }
        try (KeyDerivation k = KeyDerivation.of(Secret.of(master))) {
            return new RedisKeys("kw", k);
        }
    }

    @Test
    void objectAndIndexNames_areThoseOfTheFormerCode() {
        RedisKeys k = keys();
        assertEquals("kw:o:uYiCCgd933vwARC0ZN1-aS_7qwyOYWPbWQmw5qlR1cY", k.object("key", "k1"));
        assertEquals("kw:o:aTc6BAjSr8aIn6zwG3U2rVl8Ou0Mub9wm6sRhLfjPyI", k.object("meta", "canary"));
        assertEquals("kw:o:tYGHGno_59DqoEsVN81pMX77r0sFpzDBQ2fkb4ZMS7k", k.auditCounter());
        assertEquals("kw:i:gx-1PGYJh3xy:", k.generation("blue"));
        assertEquals("kw:i:gx-1PGYJh3xy:bac2CUk0vGQJl77aJ4GdJ7tdDNwfY9XtzYqIKiA-S2o", k.header("blue", "name:alpha"));
        assertEquals("kw:i:gx-1PGYJh3xy:kheZELuSoujy386I5uD-jxA8uOITDI7lp-lw1GslY7I", k.cell("blue", "name:alpha", 1));
    }

    @Test
    void masterKeyCheck_isThatOfTheFormerCode() {
        assertArrayEquals(HEX.parseHex("802e905bc7e576718e724de0cdafa970165daacc02682afa7c3cf8197379b125"), keys().checkValue());
    }

    @Test
    void valuesSealedByTheFormerCode_open() {
        ObjectCodec codec = new ObjectCodec(keys());
        assertEquals("hello redis", utf8(codec.open("kw:o:x",
                HEX.parseHex("01e7bf79b46af45b5e74cfcc041bc2fd1907a477ebc2d5671dbff2d51545bffc9711ff75137b8437"))));
        assertEquals("cell plain", utf8(codec.openCell("kw:i:y",
                HEX.parseHex("01c2470599ed62204b1c48a16e8742c987537ac4f69a6406d15fe15d87480357385ba9eee9d7ab"))));
    }

    @Test
    void newValues_keepTheFormerLayout() {
        ObjectCodec codec = new ObjectCodec(keys());
        byte[] sealed = codec.seal("kw:o:x", "hello redis".getBytes(StandardCharsets.UTF_8));
        assertEquals(1 + 12 + 11 + 16, sealed.length);
        assertEquals(1, sealed[0]);
        assertEquals("hello redis", utf8(codec.open("kw:o:x", sealed)));
    }

    @Test
    void aValueUnderAnotherNameOrTheOtherSubKey_isRefusedNamingTheRedisKey() {
        ObjectCodec codec = new ObjectCodec(keys());
        byte[] sealed = codec.seal("kw:o:x", new byte[] {1});
        StoreException moved = assertThrows(StoreException.class, () -> codec.open("kw:o:y", sealed));
        assertEquals("Redis value kw:o:y does not decrypt: it was changed, moved or written under another master key",
                moved.getMessage());
        assertThrows(StoreException.class, () -> codec.openCell("kw:o:x", sealed));
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
