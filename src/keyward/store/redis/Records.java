package keyward.store.redis;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import keyward.store.AccountCodec;
import keyward.store.AuditCheckpoint;
import keyward.store.AuditRecord;
import keyward.store.BinaryLayout;
import keyward.store.BinaryReader;
import keyward.store.BinaryWriter;
import keyward.store.KeyRecord;
import keyward.store.KeyRecordCodec;
import keyward.store.StoreException;
import keyward.store.TokenRecord;
import keyward.store.UserRecord;

/**
 * The compact binary form of everything stored as an object: a type byte, then the fields in
 * declaration order in {@link BinaryLayout#REDIS} (keys, users and tokens in their one binary form,
 * {@link KeyRecordCodec} and {@link AccountCodec}). Decoding runs only on authenticated plaintext,
 * yet every length is still bounded.
 */
final class Records {
    static final byte KEY = 1, USER = 2, TOKEN = 3, AUDIT = 4, CHECKPOINT = 5, META = 6, LEASE = 7,
            NAME_CLAIM = 8, AUDIT_NODE = 9, LABEL = 10, AUDIT_CLAIM = 11, AUDIT_LOG = 12;

    /** A claimed lease: who holds it and until when. */
    record Lease(String holder, Instant until) {
    }

    private Records() {
    }

    static byte type(byte[] plain) {
        return plain.length == 0 ? 0 : plain[0];
    }

    static byte[] key(KeyRecord k) {
        return encode(KEY, o -> KeyRecordCodec.write(o, k));
    }

    static KeyRecord key(byte[] plain) {
        return decode(plain, KEY, KeyRecordCodec::read);
    }

    static byte[] user(UserRecord u) {
        return encode(USER, o -> AccountCodec.write(o, u));
    }

    static UserRecord user(byte[] plain) {
        return decode(plain, USER, AccountCodec::user);
    }

    static byte[] token(TokenRecord t) {
        return encode(TOKEN, o -> AccountCodec.write(o, t));
    }

    static TokenRecord token(byte[] plain) {
        return decode(plain, TOKEN, AccountCodec::token);
    }

    static byte[] audit(AuditRecord a) {
        return encode(AUDIT, o -> {
            o.i64(a.position()); o.str(a.node()); o.i64(a.seq()); o.time(a.time()); o.str(a.user());
            o.str(a.operation()); o.str(a.keyRef()); o.str(a.outcome()); o.str(a.remote()); o.bytes(a.prevHash());
            o.bytes(a.hash());
        });
    }

    static AuditRecord audit(byte[] plain) {
        return decode(plain, AUDIT, i -> new AuditRecord(i.i64(), i.str(), i.i64(), i.time(), i.str(), i.str(),
                i.str(), i.str(), i.str(), i.bytes(), i.bytes()));
    }

    static byte[] checkpoint(AuditCheckpoint c) {
        return encode(CHECKPOINT, o -> {
            o.str(c.node()); o.i64(c.seq()); o.bytes(c.hash()); o.bytes(c.signature()); o.time(c.time());
        });
    }

    static AuditCheckpoint checkpoint(byte[] plain) {
        return decode(plain, CHECKPOINT, i -> new AuditCheckpoint(i.str(), i.i64(), i.bytes(), i.bytes(), i.time()));
    }

    static byte[] lease(Lease l) {
        return encode(LEASE, o -> {
            o.str(l.holder()); o.time(l.until());
        });
    }

    static Lease lease(byte[] plain) {
        return decode(plain, LEASE, i -> new Lease(i.str(), i.time()));
    }

    static byte[] meta(byte[] value) {
        return encode(META, o -> o.bytes(value));
    }

    static byte[] metaValue(byte[] plain) {
        return decode(plain, META, BinaryReader::bytes);
    }

    /** One string under a type: name claims (key id), audit nodes (node name), labels. */
    static byte[] text(byte type, String s) {
        return encode(type, o -> o.str(s));
    }

    static String text(byte type, byte[] plain) {
        return decode(plain, type, BinaryReader::str);
    }

    static byte[] numbers(byte type, long... n) {
        return encode(type, o -> {
            for (long x : n) {
                o.i64(x);
            }
        });
    }

    static long[] numbers(byte type, int count, byte[] plain) {
        return decode(plain, type, in -> {
            long[] n = new long[count];
            for (int i = 0; i < count; i++) {
                n[i] = in.i64();
            }
            return n;
        });
    }

    private interface Body {
        void write(BinaryWriter out) throws IOException;
    }

    private interface Fields<T> {
        T read(BinaryReader in) throws IOException;
    }

    /** The type byte, then the body. */
    private static byte[] encode(byte type, Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        bytes.write(type);
        try {
            body.write(new BinaryWriter(new DataOutputStream(bytes), BinaryLayout.REDIS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);  // cannot happen on a byte array
        }
        return bytes.toByteArray();
    }

    /** Any malformation is a StoreException naming the object type, never its content. */
    private static <T> T decode(byte[] plain, byte type, Fields<T> fields) {
        if (type(plain) != type) {
            throw new StoreException("stored object has type " + type(plain) + ", expected " + type);
        }
        try {
            return fields.read(BinaryReader.of(plain, 1, BinaryLayout.REDIS));
        } catch (IOException e) {
            throw new StoreException("stored object of type " + type + " is malformed"
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }
}
