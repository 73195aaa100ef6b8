package keyward.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import keyward.crypto.KeyDerivation;
import keyward.store.KeyQuery;
import keyward.store.StoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real open path: Argon2id from the password and the stored salt, then the key check value. */
class MasterPasswordTest {
    private final String ns = RedisTestSupport.newNamespace();

    @AfterEach
    void drop() {
        RedisTestSupport.drop(ns);
    }

    private RedisOptions options(String password) {
        return new RedisOptions(RedisTestSupport.url(), password.toCharArray(), "L1", ns, 2, 5000);
    }

    @Test
    void open_wrongPassword_isRefusedClearly_andTheRightOneStillOpens() {
        try (RedisStore s = RedisStore.open(options("correct horse"), KeyDerivation::fromPassword)) {
            s.insertKey(ConcurrentInstancesTest.key("k1"));
        }
        StoreException e = assertThrows(StoreException.class, () -> RedisStore.open(options("battery staple"), KeyDerivation::fromPassword));
        assertTrue(e.getMessage().contains("the Redis master password does not match this database"), e.getMessage());
        assertFalse(e.getMessage().contains("battery"), "the message never echoes the password");
        try (RedisStore s = RedisStore.open(options("correct horse"), KeyDerivation::fromPassword)) {
            assertEquals(1, s.locate(KeyQuery.all(10, null)).keys().size());
        }
        try (RedisPool p = RedisTestSupport.rawPool()) {
            byte[] salt = (byte[]) p.call("GET", ns + ":salt");
            assertNotNull(salt);
            assertEquals(16, salt.length);
        }
    }
}
