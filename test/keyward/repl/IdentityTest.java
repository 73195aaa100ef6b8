package keyward.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import keyward.TestNode;
import keyward.crypto.Kek;
import keyward.crypto.KekRing;
import keyward.store.sql.SqlStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IdentityTest {

    private Path dir;
    private SqlStore store;
    private final Clock clock = Clock.systemUTC();

    @BeforeEach
    void open() throws Exception {
        dir = Files.createTempDirectory("kw-identity-");
        store = SqlStore.open(SqlStore.sqlite(dir.resolve("k.db")));
        store.open();
    }

    @AfterEach
    void close() {
        store.close();
        TestNode.deleteTree(dir);
    }

    @Test
    void load_makesTheIdentityOnce_andFindsItAgain() {
        KekRing kek = KekRing.of(Kek.generate());
        String first = Identity.load(store, kek, clock).certificateBase64();
        assertEquals(first, Identity.load(store, kek, clock).certificateBase64());
        assertTrue(new String(store.getMeta(Identity.CURRENT).orElseThrow()).contains("\"kek_id\""));
    }

    @Test
    void renew_presentsTheNewCertificate_andKeepsTheOldOne() {
        KekRing kek = KekRing.of(Kek.generate());
        Identity before = Identity.load(store, kek, clock);
        String renewed = Identity.renew(store, kek, clock);
        Identity after = Identity.load(store, kek, clock);
        assertNotEquals(before.certificateBase64(), renewed);
        assertEquals(renewed, after.certificateBase64());
        assertEquals(2, after.all().size());
        assertTrue(after.byPin(before.current().pin()).isPresent());
    }

    @Test
    void load_duringAKekRotation_rewrapsUnderTheNewKek_soItOpensAfterTheOldIsGone() {
        Kek old = Kek.generate();
        Kek next = Kek.generate();
        String cert = Identity.load(store, KekRing.of(old), clock).certificateBase64();
        Identity.load(store, KekRing.of(next, old), clock);
        assertEquals(cert, Identity.load(store, KekRing.of(next), clock).certificateBase64());
    }

    @Test
    void load_withAnotherKek_failsWithAMessageNamingTheWayOut() {
        Identity.load(store, KekRing.of(Kek.generate()), clock);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Identity.load(store, KekRing.of(Kek.generate()), clock));
        assertTrue(e.getMessage().contains("renew-replication-certificate"), e.getMessage());
    }
}
