package keyward.server;

import java.nio.file.Files;
import keyward.config.Config;
import keyward.crypto.AuditKey;
import keyward.crypto.Kek;
import keyward.crypto.KekRing;
import keyward.crypto.Pepper;
import keyward.crypto.Rand;
import keyward.store.Store;

/**
 * The deployment's secrets, loaded from the data directory (or the passphrase) and checked
 * against the store's canary: a node whose KEK does not open the canary refuses to start.
 */
public record Secrets(KekRing kek, Pepper pepper, AuditKey auditKey) {
    public static final String CANARY = "kek.canary";
    public static final String SALT = "kek.salt";

    /** The failure every command reports when the KEK is wrong. */
    public static final String MISMATCH = "this node's master key does not match the database";

    /** Loads the secrets named by the config and checks (or, on a new database, writes) the canary. */
    public static Secrets load(Config c, Store store) {
        KekRing ring = loadRing(c, store);
        checkCanary(ring, store);
        return new Secrets(ring, Pepper.load(c.pepperFile()), AuditKey.load(c.auditKeyFile()));
    }

    /**
     * Checks that the data dir and the key files exist, before anything is created or written: a
     * server started on an empty or mistyped data dir must not leave a database file or Redis
     * metadata behind.
     */
    public static void requireFiles(Config c) {
        String fix = "; run 'keyward init --data-dir " + c.dataDir() + "' for a new deployment, or copy kek.key, "
                + "pepper.key and audit.key from an instance of the existing one";
        if (!Files.isDirectory(c.dataDir())) {
            throw new SetupException("the data dir " + c.dataDir() + " does not exist" + fix);
        }
        if (c.kekPassphraseFile() == null && !Files.exists(c.kekFile())) {
            throw new SetupException("no master key at " + c.kekFile() + fix);
        }
        for (java.nio.file.Path p : new java.nio.file.Path[] {c.pepperFile(), c.auditKeyFile()}) {
            if (!Files.exists(p)) {
                throw new SetupException("no " + p.getFileName() + " at " + p + fix);
            }
        }
    }

    /**
     * Where {@code rotate-kek} keeps a retired KEK: {@code kek.<id>.key} beside the KEK file, 0600.
     * Backups made before a rotation open with it ({@code keyward restore} looks there).
     */
    public static java.nio.file.Path retiredKekFile(Config c, String kekId) {
        if (!kekId.matches("[0-9a-f]{1,64}")) {
            throw new SetupException("a backup names master key '" + kekId + "', which is no key id");
        }
        return c.kekFile().resolveSibling("kek." + kekId + ".key");
    }

    /** The file holding the next KEK while a rotation runs. */
    public static java.nio.file.Path nextKekFile(Config c) {
        return c.kekFile().resolveSibling(c.kekFile().getFileName() + ".next");
    }

    /**
     * The KEK ring: the current KEK, plus the next one while a rotation runs ({@code kek.key.next}),
     * which is primary once the rotation has announced it in the database.
     */
    public static KekRing loadRing(Config c, Store store) {
        Kek current = loadKek(c, store);
        java.nio.file.Path next = nextKekFile(c);
        if (c.kekPassphraseFile() != null || !Files.exists(next)) {
            return KekRing.of(current);
        }
        Kek n = Kek.load(next);
        String announced = store.getMeta(keyward.core.KekRotation.PRIMARY)
                .map(b -> new String(b, java.nio.charset.StandardCharsets.UTF_8)).orElse("");
        return announced.equals(n.id()) ? KekRing.of(n, current) : KekRing.of(current, n);
    }

    public static Kek loadKek(Config c, Store store) {
        if (c.kekPassphraseFile() != null) {
            char[] pass = Stores.readSecret(c.kekPassphraseFile(), "kek_passphrase_file").toCharArray();
            store.putMetaIfAbsent(SALT, Rand.bytes(16));
            byte[] salt = store.getMeta(SALT).orElseThrow();
            try {
                return Kek.fromPassphrase(pass, salt);
            } finally {
                java.util.Arrays.fill(pass, '\0');
            }
        }
        if (!Files.exists(c.kekFile())) {
            throw new SetupException("no master key at " + c.kekFile() + "; run 'keyward init --data-dir "
                    + c.dataDir() + "' first, or copy the deployment's key files there");
        }
        return Kek.load(c.kekFile());
    }

    public static void checkCanary(Kek kek, Store store) {
        checkCanary(KekRing.of(kek), store);
    }

    /** The canary must open under one KEK of the ring (either one while a rotation runs). */
    public static void checkCanary(KekRing ring, Store store) {
        store.putMetaIfAbsent(CANARY, ring.primary().makeCanary());
        byte[] canary = store.getMeta(CANARY).orElseThrow();
        if (ring.all().stream().noneMatch(k -> k.opensCanary(canary))) {
            throw new SetupException(MISMATCH);
        }
    }
}
