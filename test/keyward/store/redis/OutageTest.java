package keyward.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import javax.net.ssl.SSLSocketFactory;
import keyward.store.KeyQuery;
import keyward.store.StoreUnavailableException;
import keyward.store.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Redis going away (reset or black hole) gives StoreUnavailable within the timeout; the store recovers alone. */
class OutageTest {
    private final String ns = RedisTestSupport.newNamespace();
    private TcpProxy proxy;
    private RedisStore store;

    @BeforeEach
    void open() throws Exception {
        RedisTestSupport.url();
        proxy = new TcpProxy("127.0.0.1", 6379);
        RedisOptions o = new RedisOptions("redis://127.0.0.1:" + proxy.port(), "x".toCharArray(), "L1", ns, 2, 400);
        store = RedisStore.openWithMasterKey(o, RedisTestSupport.MASTER, (SSLSocketFactory) SSLSocketFactory.getDefault());
        store.insertKey(ConcurrentInstancesTest.key("k1"));
    }

    @AfterEach
    void close() {
        store.close();
        proxy.close();
        RedisTestSupport.drop(ns);
    }

    private int located() {
        return store.locate(new KeyQuery(List.of(), null, null, null, null, null, 10, null)).keys().size();
    }

    @Test
    void cut_givesStoreUnavailable_andTheStoreRecoversWhenRedisIsBack() {
        proxy.cut();
        assertThrows(StoreUnavailableException.class, this::located);
        assertThrows(StoreUnavailableException.class, () -> store.insertKey(ConcurrentInstancesTest.key("k2")));
        assertFalse(store.ping());
        proxy.restore();
        assertTrue(store.ping());
        assertEquals(1, located());
        store.insertKey(ConcurrentInstancesTest.key("k2"));
        assertEquals(2, located());
    }

    @Test
    void blackHole_givesStoreUnavailable_withinTheTimeout() {
        proxy.stall();
        long start = System.nanoTime();
        assertThrows(StoreUnavailableException.class, () -> store.findKey("k1"));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 2000, ms + " ms");
        proxy.restore();
        assertEquals("k1", store.findKey("k1").orElseThrow().id());
    }
}
