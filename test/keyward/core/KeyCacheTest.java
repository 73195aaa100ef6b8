package keyward.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.file.Path;
import keyward.ManualClock;
import keyward.crypto.KeyMaterial;
import keyward.crypto.Secret;
import keyward.store.Store;
import keyward.store.sql.SqlOptions;
import keyward.store.sql.SqlStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyCacheTest {
    @TempDir
    Path dir;
    private Store store;
    private KeyCache cache;

    @BeforeEach
    void open() {
        store = SqlStore.open(SqlOptions.sqlite(dir.resolve("keyward.db")));
        store.open();
        cache = new KeyCache(store, 60_000, new ManualClock());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static KeyMaterial material() {
        return KeyMaterial.symmetric(Secret.random(32));
    }

    @Test
    void material_isFoundByKeyVersionAndKek_only() {
        KeyMaterial m = material();
        cache.putMaterial("k1", 7, "kek-a", m);

        assertSame(m, cache.material("k1", 7, "kek-a"));
        assertNull(cache.material("k1", 8, "kek-a"));
        assertNull(cache.material("k1", 7, "kek-b"));
        assertNull(cache.material("k2", 7, "kek-a"));
    }

    @Test
    void forget_dropsEveryVersionOfThatKey_andKeepsTheOthers() {
        KeyMaterial other = material();
        cache.putMaterial("k1", 1, "kek-a", material());
        cache.putMaterial("k1", 2, "kek-a", material());
        cache.putMaterial("k1", 2, "kek-b", material());
        cache.putMaterial("k2", 1, "kek-a", other);

        cache.forget("k1");

        assertNull(cache.material("k1", 1, "kek-a"));
        assertNull(cache.material("k1", 2, "kek-a"));
        assertNull(cache.material("k1", 2, "kek-b"));
        assertSame(other, cache.material("k2", 1, "kek-a"));
        assertEquals(1, cache.keysWithMaterial());
    }

    @Test
    void material_isBoundedByTheNumberOfKeys() {
        KeyMaterial m = material();
        for (int i = 0; i < 50_001; i++) {
            cache.putMaterial("key-" + i, 1, "kek-a", m);
        }
        assertEquals(1, cache.keysWithMaterial()); // cleared when full, then the newest added
    }

    @Test
    void nothingIsCached_withoutATtl() {
        KeyCache off = new KeyCache(store, 0, new ManualClock());
        off.putMaterial("k1", 1, "kek-a", material());
        assertNull(off.material("k1", 1, "kek-a"));
    }
}
