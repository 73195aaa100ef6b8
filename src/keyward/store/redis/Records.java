package keyward.store.redis;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import keyward.store.AuditCheckpoint;
import keyward.store.AuditRecord;
import keyward.store.KeyRecord;
import keyward.store.KeyVersion;
import keyward.store.StoreException;
import keyward.store.TokenRecord;
import keyward.store.UserRecord;

/**
 * The compact binary form of everything stored as an object: a type byte, then the fields in
 * declaration order (DataOutputStream encoding; a nullable field is preceded by a presence byte).
 * Decoding runs only on authenticated plaintext, yet every length is still bounded.
 */
final class Records {
    static final byte KEY = 1, USER = 2, TOKEN = 3, AUDIT = 4, CHECKPOINT = 5, META = 6, LEASE = 7,
            NAME_CLAIM = 8, AUDIT_NODE = 9, LABEL = 10, AUDIT_CLAIM = 11, AUDIT_LOG = 12;
    private static final int MAX_STRING = 1 << 20;
    private static final int MAX_BYTES = 16 << 20;
    private static final int MAX_ITEMS = 100_000;

    /** A claimed lease: who holds it and until when. */
    record Lease(String holder, Instant until) {
    }

    private Records() {
    }

    static byte type(byte[] plain) {
        return plain.length == 0 ? 0 : plain[0];
    }

    static byte[] key(KeyRecord k) {
        Out o = new Out(KEY);
        o.str(k.id()); o.str(k.name()); o.str(k.algorithm()); o.str(k.state()); o.str(k.stateBeforeDestroy());
        o.str(k.owner());
        o.count(k.tags().size());
        k.tags().forEach(o::str);
        o.count(k.attributes().size());
        k.attributes().forEach((a, v) -> { o.str(a); o.str(v); });
        o.bool(k.exportable()); o.i32(k.primaryVersion()); o.i32(k.minDecryptionVersion());
        o.i64(k.autoRotatePeriod());
        o.time(k.createdAt()); o.time(k.updatedAt()); o.time(k.rotatedAt()); o.time(k.destroyAt());
        o.count(k.versions().size());
        for (KeyVersion v : k.versions()) {
            o.i32(v.version()); o.i32(v.kid()); o.str(v.kekId()); o.bin(v.wrapped()); o.bin(v.publicKey());
            o.time(v.createdAt());
        }
        o.count(k.grants().size());
        k.grants().forEach((user, ops) -> { o.str(user); o.count(ops.size()); ops.forEach(o::str); });
        o.i64(k.rowVersion());
        return o.done();
    }

    static KeyRecord key(byte[] plain) {
        In i = new In(plain, KEY);
        KeyRecord.Builder b = new KeyRecord.Builder();
        b.id = i.str(); b.name = i.str(); b.algorithm = i.str(); b.state = i.str(); b.stateBeforeDestroy = i.str();
        b.owner = i.str();
        List<String> tags = new ArrayList<>();
        for (int n = i.count(); n > 0; n--) {
            tags.add(i.str());
        }
        b.tags = tags;
        Map<String, String> attributes = new HashMap<>();
        for (int n = i.count(); n > 0; n--) {
            attributes.put(i.str(), i.str());
        }
        b.attributes = attributes;
        b.exportable = i.bool(); b.primaryVersion = i.i32(); b.minDecryptionVersion = i.i32();
        b.autoRotatePeriod = i.i64();
        b.createdAt = i.time(); b.updatedAt = i.time(); b.rotatedAt = i.time(); b.destroyAt = i.time();
        List<KeyVersion> versions = new ArrayList<>();
        for (int n = i.count(); n > 0; n--) {
            versions.add(new KeyVersion(i.i32(), i.i32(), i.str(), i.bin(), i.bin(), i.time()));
        }
        b.versions = versions;
        Map<String, Set<String>> grants = new HashMap<>();
        for (int n = i.count(); n > 0; n--) {
            String user = i.str();
            Set<String> ops = new HashSet<>();
            for (int m = i.count(); m > 0; m--) {
                ops.add(i.str());
            }
            grants.put(user, ops);
        }
        b.grants = grants;
        b.rowVersion = i.i64();
        return b.build();
    }

    static byte[] user(UserRecord u) {
        Out o = new Out(USER);
        o.str(u.name()); o.bool(u.admin()); o.time(u.createdAt());
        return o.done();
    }

    static UserRecord user(byte[] plain) {
        In i = new In(plain, USER);
        return new UserRecord(i.str(), i.bool(), i.time());
    }

    static byte[] token(TokenRecord t) {
        Out o = new Out(TOKEN);
        o.str(t.id()); o.str(t.user()); o.bin(t.hash()); o.time(t.createdAt()); o.time(t.expiresAt());
        return o.done();
    }

    static TokenRecord token(byte[] plain) {
        In i = new In(plain, TOKEN);
        return new TokenRecord(i.str(), i.str(), i.bin(), i.time(), i.time());
    }

    static byte[] audit(AuditRecord a) {
        Out o = new Out(AUDIT);
        o.i64(a.position()); o.str(a.node()); o.i64(a.seq()); o.time(a.time()); o.str(a.user()); o.str(a.operation());
        o.str(a.keyRef()); o.str(a.outcome()); o.str(a.remote()); o.bin(a.prevHash()); o.bin(a.hash());
        return o.done();
    }

    static AuditRecord audit(byte[] plain) {
        In i = new In(plain, AUDIT);
        return new AuditRecord(i.i64(), i.str(), i.i64(), i.time(), i.str(), i.str(), i.str(), i.str(), i.str(),
                i.bin(), i.bin());
    }

    static byte[] checkpoint(AuditCheckpoint c) {
        Out o = new Out(CHECKPOINT);
        o.str(c.node()); o.i64(c.seq()); o.bin(c.hash()); o.bin(c.signature()); o.time(c.time());
        return o.done();
    }

    static AuditCheckpoint checkpoint(byte[] plain) {
        In i = new In(plain, CHECKPOINT);
        return new AuditCheckpoint(i.str(), i.i64(), i.bin(), i.bin(), i.time());
    }

    static byte[] lease(Lease l) {
        Out o = new Out(LEASE);
        o.str(l.holder()); o.time(l.until());
        return o.done();
    }

    static Lease lease(byte[] plain) {
        In i = new In(plain, LEASE);
        return new Lease(i.str(), i.time());
    }

    static byte[] meta(byte[] value) {
        Out o = new Out(META);
        o.bin(value);
        return o.done();
    }

    static byte[] metaValue(byte[] plain) {
        return new In(plain, META).bin();
    }

    /** One string under a type: name claims (key id), audit nodes (node name), labels. */
    static byte[] text(byte type, String s) {
        Out o = new Out(type);
        o.str(s);
        return o.done();
    }

    static String text(byte type, byte[] plain) {
        return new In(plain, type).str();
    }

    static byte[] numbers(byte type, long... n) {
        Out o = new Out(type);
        for (long x : n) {
            o.i64(x);
        }
        return o.done();
    }

    static long[] numbers(byte type, int count, byte[] plain) {
        In in = new In(plain, type);
        long[] n = new long[count];
        for (int i = 0; i < count; i++) {
            n[i] = in.i64();
        }
        return n;
    }

    /** Writer; IOExceptions cannot happen on a byte array and are rethrown unchecked. */
    private static final class Out {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        private final DataOutputStream d = new DataOutputStream(bytes);

        Out(byte type) {
            bytes.write(type);
        }

        void str(String s) {
            bin(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
        }

        void bin(byte[] b) {
            try {
                d.writeBoolean(b != null);
                if (b != null) {
                    d.writeInt(b.length);
                    d.write(b);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void time(Instant t) {
            bool(t != null);
            if (t != null) {
                i64(t.getEpochSecond());
                i32(t.getNano());
            }
        }

        void count(int n) {
            i32(n);
        }

        void bool(boolean b) {
            bytes.write(b ? 1 : 0);
        }

        void i32(int n) {
            try {
                d.writeInt(n);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        void i64(long n) {
            try {
                d.writeLong(n);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        byte[] done() {
            return bytes.toByteArray();
        }
    }

    /** Reader; any malformation is a StoreException naming the object type, never its content. */
    private static final class In {
        private final DataInputStream d;
        private final byte type;

        In(byte[] plain, byte type) {
            if (type(plain) != type) {
                throw new StoreException("stored object has type " + type(plain) + ", expected " + type);
            }
            this.type = type;
            this.d = new DataInputStream(new ByteArrayInputStream(plain, 1, plain.length - 1));
        }

        String str() {
            byte[] b = bin(MAX_STRING);
            return b == null ? null : new String(b, StandardCharsets.UTF_8);
        }

        byte[] bin() {
            return bin(MAX_BYTES);
        }

        private byte[] bin(int max) {
            try {
                if (!d.readBoolean()) {
                    return null;
                }
                int n = d.readInt();
                if (n < 0 || n > max || n > d.available()) {
                    throw bad();
                }
                return d.readNBytes(n);
            } catch (IOException e) {
                throw bad();
            }
        }

        Instant time() {
            return bool() ? Instant.ofEpochSecond(i64(), i32()) : null;
        }

        int count() {
            int n = i32();
            if (n < 0 || n > MAX_ITEMS) {
                throw bad();
            }
            return n;
        }

        boolean bool() {
            try {
                return d.readBoolean();
            } catch (IOException e) {
                throw bad();
            }
        }

        int i32() {
            try {
                return d.readInt();
            } catch (IOException e) {
                throw bad();
            }
        }

        long i64() {
            try {
                return d.readLong();
            } catch (IOException e) {
                throw bad();
            }
        }

        private StoreException bad() {
            return new StoreException("stored object of type " + type + " is malformed");
        }
    }
}
