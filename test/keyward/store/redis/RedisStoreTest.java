package keyward.store.redis;

import keyward.store.Store;
import keyward.store.StoreConformanceTest;

/** The storage conformance suite on redis-findex, each test in its own random namespace. */
class RedisStoreTest extends StoreConformanceTest {
    private String ns;

    @Override
    protected Store newStore() {
        ns = RedisTestSupport.newNamespace();
        RedisStore s = RedisTestSupport.open(ns, "conformance");
        s.open();
        return s;
    }

    /** Redis writes each key of a bulk call atomically, not the call. */
    @Override
    protected boolean bulkWritesAreAtomic() {
        return false;
    }

    @Override
    protected Store openSameStore() {
        return RedisTestSupport.open(ns, "conformance");
    }

    @Override
    protected void dropStore() {
        RedisTestSupport.drop(ns);
    }
}
