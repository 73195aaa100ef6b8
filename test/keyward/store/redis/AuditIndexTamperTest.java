package keyward.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import keyward.audit.AuditLog;
import keyward.audit.AuditVerifier;
import keyward.audit.HeadFile;
import keyward.crypto.AuditKey;
import keyward.store.AuditQuery;
import keyward.store.AuditRecord;
import keyward.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attacker with write access to Redis deletes entries of the encrypted index that audit
 * listings by user and key read: the listing then misses entries, and verify-audit names the
 * first one it hides.
 */
class AuditIndexTamperTest {
    private static final String LABEL = "L1";

    @TempDir
    Path dir;
    private String ns;
    private RedisStore store;
    private final AuditKey key = AuditKey.generate();

    @BeforeEach
    void writeEntries() {
        ns = RedisTestSupport.newNamespace();
        store = RedisTestSupport.open(ns, LABEL);
        AuditLog log = new AuditLog(store, key, "n1", Clock.system(), heads());
        log.start();
        for (int i = 0; i < 30; i++) {
            log.record(i % 3 == 1 ? "bob" : "alice", "encrypt", "key-" + (i % 3), "ok", null);
        }
        log.close();
        assertEquals(30, store.listAudit(new AuditQuery(0, 100, "n1", null, null)).size());
    }

    @AfterEach
    void dropStore() {
        store.close();
        RedisTestSupport.drop(ns);
    }

    private HeadFile heads() {
        return new HeadFile(dir.resolve(HeadFile.NAME));
    }

    private AuditVerifier.Result verify() {
        return AuditVerifier.verify(store, key, heads().read(), null);
    }

    private long deleteIndexKey(String redisKey) {
        try (RedisPool pool = RedisTestSupport.rawPool()) {
            return (Long) pool.call("DEL", redisKey);
        }
    }

    @Test
    void untouchedIndex_verifies() {
        AuditVerifier.Result r = verify();
        assertTrue(r.ok(), r.message());
        assertEquals(10, store.listAudit(new AuditQuery(0, 100, null, null, "bob")).size());
    }

    @Test
    void deletedListOfAUser_hidesItsEntriesFromListingsByUser_andIsNamed() {
        AuditRecord firstOfBob = store.listAudit(new AuditQuery(0, 100, "n1", null, null)).get(1);
        assertEquals("bob", firstOfBob.user());

        assertEquals(1, deleteIndexKey(RedisTestSupport.keys(ns).header(LABEL, Keywords.auditUser("bob"))));
        assertEquals(List.of(), store.listAudit(new AuditQuery(0, 100, null, null, "bob")), "the attack works");

        AuditVerifier.Result r = verify();
        assertFalse(r.ok());
        assertEquals("node 'n1' entry seq 2 (position " + firstOfBob.position() + "): the listing index (the encrypted"
                + " index in Redis) does not list it under user 'bob', so listings by that user miss it", r.message());
    }

    @Test
    void headerOfAKeysListRolledBack_hidesTheLaterEntriesFromListingsByKey_andIsNamed() {
        String header = RedisTestSupport.keys(ns).header(LABEL, Keywords.auditKey("key-2"));
        byte[] saved;
        try (RedisPool pool = RedisTestSupport.rawPool()) {
            saved = (byte[]) pool.call("GET", header);
        }
        AuditLog log = new AuditLog(store, key, "n1", Clock.system(), heads());
        log.start();
        log.record("alice", "encrypt", "key-2", "ok", null); // seq 31
        log.close();
        AuditRecord later = store.listAudit(new AuditQuery(0, 100, "n1", null, null)).get(30);
        assertEquals(31, later.seq());
        assertTrue(verify().ok(), verify().message());

        try (RedisPool pool = RedisTestSupport.rawPool()) {
            pool.call(List.of("SET".getBytes(StandardCharsets.UTF_8), header.getBytes(StandardCharsets.UTF_8), saved));
        }
        List<AuditRecord> listed = store.listAudit(new AuditQuery(0, 100, null, "key-2", null));
        assertEquals(10, listed.size(), "the attack works: the listing by key misses the later entry");

        AuditVerifier.Result r = verify();
        assertFalse(r.ok());
        assertEquals("node 'n1' entry seq 31 (position " + later.position() + "): the listing index (the encrypted"
                + " index in Redis) does not list it under key 'key-2', so listings by that key miss it", r.message());
    }
}
