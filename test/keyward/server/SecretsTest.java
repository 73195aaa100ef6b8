package keyward.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import keyward.TestNode;
import keyward.config.Config;
import keyward.core.KekRotation;
import keyward.crypto.Kek;
import keyward.crypto.KekRing;
import keyward.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deployment's key files: which must exist, where a retired KEK lives, the ring during a rotation, the canary. */
class SecretsTest {
    @TempDir
    Path tmp;

    private static Config config(Path dir) {
        return Config.load(List.of("--data-dir=" + dir), Map.of());
    }

    private Path initialised() throws Exception {
        Path dir = tmp.resolve("data");
        TestNode.init(dir);
        return dir;
    }

    @Test
    void requireFiles_namesTheMissingDataDir_andSaysToRunInit() {
        Path dir = tmp.resolve("typo");
        SetupException e = assertThrows(SetupException.class, () -> Secrets.requireFiles(config(dir)));
        assertTrue(e.getMessage().startsWith("the data dir " + dir + " does not exist; run 'keyward init --data-dir "
                + dir + "'"), e.getMessage());
    }

    @Test
    void requireFiles_namesEachMissingKeyFile() throws Exception {
        Path dir = initialised();
        Secrets.requireFiles(config(dir));
        Files.delete(dir.resolve("audit.key"));
        assertTrue(assertThrows(SetupException.class, () -> Secrets.requireFiles(config(dir))).getMessage()
                .startsWith("no audit.key at " + dir.resolve("audit.key")));
        Files.delete(dir.resolve("pepper.key"));
        assertTrue(assertThrows(SetupException.class, () -> Secrets.requireFiles(config(dir))).getMessage()
                .startsWith("no pepper.key at " + dir.resolve("pepper.key")));
        Files.delete(dir.resolve("kek.key"));
        assertTrue(assertThrows(SetupException.class, () -> Secrets.requireFiles(config(dir))).getMessage()
                .startsWith("no master key at " + dir.resolve("kek.key")));
    }

    @Test
    void retiredKekFile_liesBesideTheKek_andOnlyForAHexId() {
        Path dir = tmp.resolve("data");
        assertEquals(dir.resolve("kek.0a1b2c.key"), Secrets.retiredKekFile(config(dir), "0a1b2c"));
        for (String bad : new String[] {"../../etc/passwd", "ABCDEF", "", "12 34", "g1", "0".repeat(65)}) {
            SetupException e = assertThrows(SetupException.class, () -> Secrets.retiredKekFile(config(dir), bad), bad);
            assertEquals("a backup names master key '" + bad + "', which is no key id", e.getMessage());
        }
    }

    @Test
    void loadRing_withANextKek_makesItPrimaryOnlyOnceAnnounced() throws Exception {
        Path dir = initialised();
        Config c = config(dir);
        String current = Kek.load(c.kekFile()).id();
        Kek next = Kek.generate();
        try (Store store = Stores.create(c)) {
            store.open();
            assertEquals(List.of(current), ids(Secrets.loadRing(c, store)), "no rotation: the current KEK alone");
            next.save(Secrets.nextKekFile(c));
            assertEquals(dir.resolve("kek.key.next"), Secrets.nextKekFile(c));
            KekRing before = Secrets.loadRing(c, store);
            assertEquals(current, before.primary().id(), "an unannounced next KEK only opens");
            assertEquals(List.of(current, next.id()).stream().sorted().toList(), ids(before));
            KekRotation.announce(store, next.id());
            KekRing after = Secrets.loadRing(c, store);
            assertEquals(next.id(), after.primary().id(), "an announced next KEK wraps");
            assertEquals(ids(before), ids(after), "and the current one still opens");
            Secrets.checkCanary(after, store); // the canary, made under the current KEK, opens with the ring
        }
    }

    private static List<String> ids(KekRing ring) {
        return ring.all().stream().map(Kek::id).sorted().collect(Collectors.toList());
    }

    @Test
    void checkCanary_withAnotherDeploymentsKek_isRefusedWithTheMismatchSentence() throws Exception {
        Path dir = initialised();
        try (Store store = Stores.create(config(dir))) {
            store.open();
            Secrets.checkCanary(Kek.load(dir.resolve("kek.key")), store);
            SetupException e = assertThrows(SetupException.class, () -> Secrets.checkCanary(Kek.generate(), store));
            assertEquals(Secrets.MISMATCH, e.getMessage());
            assertEquals("this node's master key does not match the database", e.getMessage());
        }
    }

    @Test
    void loadKek_withoutAKekFile_saysToRunInit() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("bare"));
        try (Store store = Stores.create(config(dir))) {
            store.open();
            SetupException e = assertThrows(SetupException.class, () -> Secrets.loadKek(config(dir), store));
            assertEquals("no master key at " + dir.resolve("kek.key") + "; run 'keyward init --data-dir " + dir
                    + "' first, or copy the deployment's key files there", e.getMessage());
        }
    }
}
