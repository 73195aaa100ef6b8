package keyward.store.sql;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import keyward.store.KeyRecord;
import keyward.store.KeyVersion;
import keyward.store.Permission;

/**
 * The sizes the schema holds, checked before writing so that every database refuses the same
 * values with the same message (MySQL would otherwise refuse, PostgreSQL refuse differently and
 * SQLite store anything). Messages name the field, never the value.
 */
final class Limits {

    static final int ID = 64;
    static final int NAME = 255;
    static final int TEXT = 16_000;
    static final int TAGS = 1000;
    static final int HASH = 64;
    static final int BLOB = 16 << 20;
    static final int META = 1 << 20;

    private Limits() {
    }

    static void text(String field, String value, int max, boolean nullable) {
        if (value == null) {
            if (!nullable) {
                throw new IllegalArgumentException(field + " is required");
            }
            return;
        }
        if (value.isEmpty() || value.length() > max) {
            throw new IllegalArgumentException(field + " must be 1.." + max + " characters");
        }
    }

    static void bytes(String field, byte[] value, int max, boolean nullable) {
        if (value == null ? !nullable : value.length > max) {
            throw new IllegalArgumentException(field + (value == null ? " is required" : " is over " + max + " bytes"));
        }
    }

    static void key(KeyRecord k) {
        text("key id", k.id(), ID, false);
        String at = "key " + k.id() + ": ";
        text(at + "name", k.name(), NAME, true);
        text(at + "algorithm", k.algorithm(), NAME, false);
        if (k.state() == null) {
            throw new IllegalArgumentException(at + "state is required");
        }
        text(at + "owner", k.owner(), NAME, true);
        if (k.tags().size() > TAGS || k.attributes().size() > TAGS || k.grants().size() > TAGS) {
            throw new IllegalArgumentException(at + "at most " + TAGS + " tags, attributes and grants each");
        }
        k.tags().forEach(t -> text(at + "tag", t, NAME, false));
        for (Map.Entry<String, String> a : k.attributes().entrySet()) {
            text(at + "attribute name", a.getKey(), NAME, false);
            text(at + "attribute " + a.getKey(), a.getValue(), TEXT, false);
        }
        for (Map.Entry<String, Set<Permission>> g : k.grants().entrySet()) {
            text(at + "grant user", g.getKey(), NAME, false);
            if (KeyReads.operations(g.getValue()).length() > TEXT) {
                throw new IllegalArgumentException(at + "grant of " + g.getKey() + " is over " + TEXT + " characters");
            }
        }
        Set<Integer> numbers = new HashSet<>();
        Set<Integer> kids = new HashSet<>();
        for (KeyVersion v : k.versions()) {
            if (!numbers.add(v.version()) || !kids.add(v.kid())) {
                throw new IllegalArgumentException(at + "version " + v.version() + " repeats a version number or kid");
            }
            text(at + "KEK id of version " + v.version(), v.kekId(), NAME, false);
            if (v.createdAt() == null) {
                throw new IllegalArgumentException(at + "creation time of version " + v.version() + " is required");
            }
            bytes(at + "wrapped material of version " + v.version(), v.wrapped(), BLOB, true);
            bytes(at + "public key of version " + v.version(), v.publicKey(), BLOB, true);
        }
    }
}
