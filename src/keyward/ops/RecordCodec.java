package keyward.ops;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
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
import keyward.store.TokenRecord;
import keyward.store.UserRecord;

/**
 * The bodies of backup records, field by field in record order. Primitives are big-endian:
 *
 * <pre>
 * str   = i32 n (-1: null) | n bytes UTF-8          (n at most 1 MiB)
 * bytes = i32 n (-1: null) | n bytes                (n at most 32 MiB)
 * time  = u8 0 (null) | u8 1, i64 epoch second, i32 nano
 * list  = i32 count | count items                   (count at most 1,000,000)
 *
 * user       = str name | bool admin | time created
 * token      = str id | str user | bytes hash | time created | time expires
 * key        = str id | str name | str algorithm | str state | str stateBeforeDestroy | str owner
 *              | list(str) tags | list(str k, str v) attributes | bool exportable
 *              | i32 primaryVersion | i32 minDecryptionVersion | i64 autoRotatePeriod
 *              | time created | time updated | time rotated | time destroyAt
 *              | list(version) | list(str user, list(str) operations) grants | i64 rowVersion
 * version    = i32 version | i32 kid | str kekId | bytes wrapped | bytes publicKey | time created
 * audit      = str node | i64 seq | time | str user | str operation | str keyRef | str outcome
 *              | str remote | bytes prevHash | bytes hash
 * checkpoint = str node | i64 seq | bytes hash | bytes signature | time
 * </pre>
 * Reading never trusts a length: every string, blob and list is bounded before it is allocated.
 */
final class RecordCodec {
    private static final int MAX_STRING = 1 << 20;
    private static final int MAX_BYTES = 32 << 20;
    private static final int MAX_LIST = 1_000_000;

    private RecordCodec() {
    }

    static void user(DataOutputStream out, UserRecord u) throws IOException {
        str(out, u.name());
        out.writeBoolean(u.admin());
        time(out, u.createdAt());
    }

    static UserRecord user(DataInputStream in) throws IOException {
        return new UserRecord(str(in), in.readBoolean(), time(in));
    }

    static void token(DataOutputStream out, TokenRecord t) throws IOException {
        str(out, t.id());
        str(out, t.user());
        bytes(out, t.hash());
        time(out, t.createdAt());
        time(out, t.expiresAt());
    }

    static TokenRecord token(DataInputStream in) throws IOException {
        return new TokenRecord(str(in), str(in), bytes(in), time(in), time(in));
    }

    static void key(DataOutputStream out, KeyRecord k) throws IOException {
        for (String s : new String[] {k.id(), k.name(), k.algorithm(), k.state(), k.stateBeforeDestroy(), k.owner()}) {
            str(out, s);
        }
        out.writeInt(k.tags().size());
        for (String t : k.tags()) {
            str(out, t);
        }
        out.writeInt(k.attributes().size());
        for (Map.Entry<String, String> a : k.attributes().entrySet()) {
            str(out, a.getKey());
            str(out, a.getValue());
        }
        out.writeBoolean(k.exportable());
        out.writeInt(k.primaryVersion());
        out.writeInt(k.minDecryptionVersion());
        out.writeLong(k.autoRotatePeriod());
        for (Instant t : new Instant[] {k.createdAt(), k.updatedAt(), k.rotatedAt(), k.destroyAt()}) {
            time(out, t);
        }
        out.writeInt(k.versions().size());
        for (KeyVersion v : k.versions()) {
            out.writeInt(v.version());
            out.writeInt(v.kid());
            str(out, v.kekId());
            bytes(out, v.wrapped());
            bytes(out, v.publicKey());
            time(out, v.createdAt());
        }
        out.writeInt(k.grants().size());
        for (Map.Entry<String, Set<String>> g : k.grants().entrySet()) {
            str(out, g.getKey());
            out.writeInt(g.getValue().size());
            for (String op : g.getValue()) {
                str(out, op);
            }
        }
        out.writeLong(k.rowVersion());
    }

    static KeyRecord key(DataInputStream in) throws IOException {
        KeyRecord.Builder b = new KeyRecord.Builder();
        b.id = str(in);
        b.name = str(in);
        b.algorithm = str(in);
        b.state = str(in);
        b.stateBeforeDestroy = str(in);
        b.owner = str(in);
        int tags = count(in);
        List<String> tagList = new ArrayList<>();
        for (int i = 0; i < tags; i++) {
            tagList.add(str(in));
        }
        b.tags = tagList;
        int attributes = count(in);
        Map<String, String> attributeMap = new HashMap<>();
        for (int i = 0; i < attributes; i++) {
            attributeMap.put(str(in), str(in));
        }
        b.attributes = attributeMap;
        b.exportable = in.readBoolean();
        b.primaryVersion = in.readInt();
        b.minDecryptionVersion = in.readInt();
        b.autoRotatePeriod = in.readLong();
        b.createdAt = time(in);
        b.updatedAt = time(in);
        b.rotatedAt = time(in);
        b.destroyAt = time(in);
        int versions = count(in);
        List<KeyVersion> versionList = new ArrayList<>();
        for (int i = 0; i < versions; i++) {
            versionList.add(new KeyVersion(in.readInt(), in.readInt(), str(in), bytes(in), bytes(in), time(in)));
        }
        b.versions = versionList;
        int grants = count(in);
        Map<String, Set<String>> grantMap = new HashMap<>();
        for (int i = 0; i < grants; i++) {
            String user = str(in);
            int ops = count(in);
            Set<String> opSet = new HashSet<>();
            for (int j = 0; j < ops; j++) {
                opSet.add(str(in));
            }
            grantMap.put(user, opSet);
        }
        b.grants = grantMap;
        b.rowVersion = in.readLong();
        return b.build();
    }

    static void audit(DataOutputStream out, AuditRecord a) throws IOException {
        str(out, a.node());
        out.writeLong(a.seq());
        time(out, a.time());
        for (String s : new String[] {a.user(), a.operation(), a.keyRef(), a.outcome(), a.remote()}) {
            str(out, s);
        }
        bytes(out, a.prevHash());
        bytes(out, a.hash());
    }

    static AuditRecord audit(DataInputStream in) throws IOException {
        return new AuditRecord(0, str(in), in.readLong(), time(in), str(in), str(in), str(in), str(in), str(in),
                bytes(in), bytes(in));
    }

    static void checkpoint(DataOutputStream out, AuditCheckpoint c) throws IOException {
        str(out, c.node());
        out.writeLong(c.seq());
        bytes(out, c.hash());
        bytes(out, c.signature());
        time(out, c.time());
    }

    static AuditCheckpoint checkpoint(DataInputStream in) throws IOException {
        return new AuditCheckpoint(str(in), in.readLong(), bytes(in), bytes(in), time(in));
    }

    // ---- primitives ----

    static void str(DataOutputStream out, String s) throws IOException {
        bytes(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    static String str(DataInputStream in) throws IOException {
        byte[] b = read(in, MAX_STRING);
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    static void bytes(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(b.length);
        out.write(b);
    }

    static byte[] bytes(DataInputStream in) throws IOException {
        return read(in, MAX_BYTES);
    }

    static void time(DataOutputStream out, Instant t) throws IOException {
        out.writeBoolean(t != null);
        if (t != null) {
            out.writeLong(t.getEpochSecond());
            out.writeInt(t.getNano());
        }
    }

    static Instant time(DataInputStream in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        long seconds = in.readLong();
        int nanos = in.readInt();
        if (nanos < 0 || nanos > 999_999_999 || seconds < Instant.MIN.getEpochSecond()
                || seconds > Instant.MAX.getEpochSecond()) {
            throw new IOException("bad time");
        }
        return Instant.ofEpochSecond(seconds, nanos);
    }

    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_LIST) {
            throw new IOException("bad list length");
        }
        return n;
    }

    private static byte[] read(DataInputStream in, int max) throws IOException {
        int n = in.readInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > max) {
            throw new IOException("bad length");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
