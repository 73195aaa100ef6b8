package keyward.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one binary form of a {@link KeyRecord}, shared by backups and the Redis objects (each in
 * its {@link BinaryLayout}). Fields in record order:
 *
 * <pre>
 * key     = str id | str name | str algorithm | str state | str stateBeforeDestroy | str owner
 *           | list(str) tags | list(str k, str v) attributes | bool exportable
 *           | i32 primaryVersion | i32 minDecryptionVersion | i64 autoRotatePeriod
 *           | time created | time updated | time rotated | time destroyAt
 *           | list(version) | list(str user, list(str) operations) grants | i64 rowVersion
 *           | list(i32 issued)                 one per version, in the same order; see below
 * version = i32 version | i32 kid | str kekId | bytes wrapped | bytes publicKey | time created
 * </pre>
 * The last list (each version's {@link KeyVersion#issued} number) was added after the rest was on
 * disk: a record written before has none, and its versions read back with 0 (not known). Older
 * builds stop reading before it, so they still read records that carry it.
 * States and granted operations are their wire names; a name this build does not know is an
 * {@link IOException} that names it (it was written by a newer Keyward).
 */
public final class KeyRecordCodec {
    private KeyRecordCodec() {
    }

    public static void write(BinaryWriter out, KeyRecord k) throws IOException {
        out.str(k.id());
        out.str(k.name());
        out.str(k.algorithm());
        out.str(k.state().wire());
        out.str(k.stateBeforeDestroy() == null ? null : k.stateBeforeDestroy().wire());
        out.str(k.owner());
        out.count(k.tags().size());
        for (String t : k.tags()) {
            out.str(t);
        }
        out.count(k.attributes().size());
        for (Map.Entry<String, String> a : k.attributes().entrySet()) {
            out.str(a.getKey());
            out.str(a.getValue());
        }
        out.bool(k.exportable());
        out.i32(k.primaryVersion());
        out.i32(k.minDecryptionVersion());
        out.i64(k.autoRotatePeriod());
        out.time(k.createdAt());
        out.time(k.updatedAt());
        out.time(k.rotatedAt());
        out.time(k.destroyAt());
        out.count(k.versions().size());
        for (KeyVersion v : k.versions()) {
            out.i32(v.version());
            out.i32(v.kid());
            out.str(v.kekId());
            out.bytes(v.wrapped());
            out.bytes(v.publicKey());
            out.time(v.createdAt());
        }
        out.count(k.grants().size());
        for (Map.Entry<String, Set<Permission>> g : k.grants().entrySet()) {
            out.str(g.getKey());
            out.count(g.getValue().size());
            for (Permission p : g.getValue()) {
                out.str(p.wire());
            }
        }
        out.i64(k.rowVersion());
        out.count(k.versions().size());
        for (KeyVersion v : k.versions()) {
            out.i32(v.issued());
        }
    }

    /** Reads a record from a byte array ({@link BinaryReader#of}): the issued numbers if bytes are left for them. */
    public static KeyRecord read(BinaryReader in) throws IOException {
        return read(in, null);
    }

    /**
     * Reads a record from a stream; {@code issued}: whether it ends with the versions' issued
     * numbers (written by a build that kept them), else they read back as 0.
     */
    public static KeyRecord read(BinaryReader in, boolean issued) throws IOException {
        return read(in, Boolean.valueOf(issued));
    }

    private static KeyRecord read(BinaryReader in, Boolean issued) throws IOException {
        KeyRecord.Builder b = new KeyRecord.Builder();
        b.id = in.str();
        b.name = in.str();
        b.algorithm = in.str();
        b.state = state(in.str());
        String before = in.str();
        b.stateBeforeDestroy = before == null ? null : state(before);
        b.owner = in.str();
        List<String> tags = new ArrayList<>();
        for (int n = in.count(); n > 0; n--) {
            tags.add(in.str());
        }
        b.tags = tags;
        Map<String, String> attributes = new HashMap<>();
        for (int n = in.count(); n > 0; n--) {
            attributes.put(in.str(), in.str());
        }
        b.attributes = attributes;
        b.exportable = in.bool();
        b.primaryVersion = in.i32();
        b.minDecryptionVersion = in.i32();
        b.autoRotatePeriod = in.i64();
        b.createdAt = in.time();
        b.updatedAt = in.time();
        b.rotatedAt = in.time();
        b.destroyAt = in.time();
        List<KeyVersion> versions = new ArrayList<>();
        for (int n = in.count(); n > 0; n--) {
            versions.add(new KeyVersion(in.i32(), in.i32(), in.str(), in.bytes(), in.bytes(), in.time(), 0));
        }
        Map<String, Set<Permission>> grants = new HashMap<>();
        for (int n = in.count(); n > 0; n--) {
            String user = in.str();
            Set<Permission> ops = new HashSet<>();
            for (int m = in.count(); m > 0; m--) {
                String op = in.str();
                ops.add(Permission.parse(op).orElseThrow(() -> new IOException(Permission.unknown(op))));
            }
            grants.put(user, ops);
        }
        b.grants = grants;
        b.rowVersion = in.i64();
        if (issued != null ? issued : in.hasMore()) {
            if (in.count() != versions.size()) {
                throw new IOException("the versions' issued numbers do not match the versions");
            }
            for (int i = 0; i < versions.size(); i++) {
                KeyVersion v = versions.get(i);
                versions.set(i, new KeyVersion(v.version(), v.kid(), v.kekId(), v.wrapped(), v.publicKey(),
                        v.createdAt(), in.i32()));
            }
        }
        b.versions = versions;
        return b.build();
    }

    private static KeyState state(String wire) throws IOException {
        if (wire == null) {
            throw new IOException("key state is missing");
        }
        return KeyState.parse(wire).orElseThrow(() -> new IOException(KeyState.unknown(wire)));
    }
}
