package keyward.repl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import keyward.store.KeyVersion;
import keyward.store.Permission;

/**
 * The merge rules. {@link #merge} is a join: commutative, associative and idempotent, so nodes
 * that have seen the same changes hold the same key whatever order the changes came in.
 * <ul>
 *   <li>versions: union by kid; a version destroyed on either side is destroyed; human numbers are
 *       re-assigned in (stamp, number, kid) order and the newest version is primary; the number a
 *       version was issued with stays (the highest known, where an older build left it 0);</li>
 *   <li>state (with state_before_destroy and destroy_at): highest in merge order, then newest stamp;</li>
 *   <li>plain fields: newest stamp; grants: newest stamp per user (a removal is stamped too).</li>
 * </ul>
 * A destroyed key keeps no material at all.
 */
final class Merge {

    private Merge() {
    }

    /** The document after a local write of {@code after}: the parts that changed get stamp {@code cid}. */
    static KeyDoc local(KeyDoc before, KeyRecord after, String cid) {
        Map<String, String> grants = new HashMap<>();
        Map<Integer, String> versions = new HashMap<>();
        if (before == null) {
            after.grants().keySet().forEach(u -> grants.put(u, cid));
            after.versions().forEach(v -> versions.put(v.kid(), cid));
            return new KeyDoc(after, cid, cid, cid, grants, versions);
        }
        KeyRecord b = before.key();
        grants.putAll(before.grants());
        Set<String> users = new TreeSet<>(b.grants().keySet());
        users.addAll(after.grants().keySet());
        for (String u : users) {
            if (!Objects.equals(b.grants().get(u), after.grants().get(u))) {
                grants.put(u, cid);
            }
        }
        versions.putAll(before.versions());
        for (KeyVersion v : after.versions()) {
            KeyVersion was = b.versionByKid(v.kid()).orElse(null);
            // erasing one version's material keeps its stamp: erasure wins in any merge anyway, and a
            // new stamp would move the version to the end of the (stamp, number, kid) renumbering
            if (was == null || !sameMaterial(was, v) && !(v.destroyed() && !was.destroyed())) {
                versions.put(v.kid(), cid);
            }
        }
        String fields = plainEquals(b, after) ? before.fields() : cid;
        String state = stateEquals(b, after) ? before.state() : cid;
        return new KeyDoc(after, fields, state, before.created(), grants, versions);
    }

    static KeyDoc merge(KeyDoc a, KeyDoc b) {
        KeyDoc f = a.fields().compareTo(b.fields()) >= 0 ? a : b;
        KeyDoc s = stateOrder(a, b) >= 0 ? a : b;
        KeyDoc newest = a.newest().compareTo(b.newest()) >= 0 ? a : b;
        KeyRecord.Builder out = f.key().toBuilder();
        out.state = s.key().state();
        out.stateBeforeDestroy = s.key().stateBeforeDestroy();
        out.destroyAt = s.key().destroyAt();
        out.createdAt = min(a.key().createdAt(), b.key().createdAt());
        out.updatedAt = newest.key().updatedAt();
        out.rotatedAt = newest.key().rotatedAt();
        out.rowVersion = 0;

        Map<String, String> grantStamps = new HashMap<>();
        Map<String, Set<Permission>> grants = new HashMap<>();
        Set<String> users = new TreeSet<>(a.grants().keySet());
        users.addAll(b.grants().keySet());
        users.addAll(a.key().grants().keySet());
        users.addAll(b.key().grants().keySet());
        for (String u : users) {
            String sa = a.grants().getOrDefault(u, "");
            String sb = b.grants().getOrDefault(u, "");
            KeyDoc w = sa.compareTo(sb) > 0 || (sa.equals(sb) && ops(a, u).compareTo(ops(b, u)) >= 0) ? a : b;
            grantStamps.put(u, sa.compareTo(sb) >= 0 ? sa : sb);
            Set<Permission> ops = w.key().grants().get(u);
            if (ops != null) {
                grants.put(u, ops);
            }
        }
        out.grants = grants;

        boolean destroyed = out.state == KeyState.DESTROYED;
        Map<Integer, String> versionStamps = new HashMap<>();
        Map<Integer, KeyVersion> byKid = new HashMap<>();
        for (KeyDoc d : List.of(a, b)) {
            for (KeyVersion v : d.key().versions()) {
                String stamp = d.versions().getOrDefault(v.kid(), "");
                KeyVersion other = byKid.get(v.kid());
                String otherStamp = versionStamps.getOrDefault(v.kid(), "");
                KeyVersion chosen = other == null || stamp.compareTo(otherStamp) > 0 ? v : other;
                if (other != null && v.issued() != other.issued()) { // one side's build did not know it (0)
                    int issued = Math.max(v.issued(), other.issued());
                    chosen = new KeyVersion(chosen.version(), chosen.kid(), chosen.kekId(), chosen.wrapped(),
                            chosen.publicKey(), chosen.createdAt(), issued);
                }
                boolean gone = v.destroyed() || (other != null && other.destroyed()) || destroyed;
                byKid.put(v.kid(), gone ? chosen.withoutMaterial() : chosen);
                versionStamps.put(v.kid(), other == null || stamp.compareTo(otherStamp) > 0 ? stamp : otherStamp);
            }
        }
        renumber(out, f.key(), byKid, versionStamps);
        String created = a.created().compareTo(b.created()) <= 0 ? a.created() : b.created();
        String fields = a.fields().compareTo(b.fields()) >= 0 ? a.fields() : b.fields();
        return new KeyDoc(out.build(), fields, s.state(), created, grantStamps, versionStamps);
    }

    /** Numbers versions 1..n in (stamp, number, kid) order; primary is the newest; min_decryption_version follows its kid. */
    private static void renumber(KeyRecord.Builder out, KeyRecord fieldsFrom, Map<Integer, KeyVersion> byKid,
                                 Map<Integer, String> stamps) {
        List<KeyVersion> sorted = new ArrayList<>(byKid.values());
        sorted.sort(Comparator.comparing((KeyVersion v) -> stamps.getOrDefault(v.kid(), ""))
                .thenComparingInt(KeyVersion::version).thenComparingInt(KeyVersion::kid));
        Integer minKid = fieldsFrom.version(fieldsFrom.minDecryptionVersion()).map(KeyVersion::kid).orElse(null);
        List<KeyVersion> numbered = new ArrayList<>();
        for (KeyVersion v : sorted) {
            int n = numbered.size() + 1;
            numbered.add(v.renumbered(n));
            if (minKid != null && v.kid() == minKid) {
                out.minDecryptionVersion = n;
            }
        }
        out.versions = numbered;
        out.primaryVersion = numbered.isEmpty() ? 0 : numbered.size();
    }

    /** Positive if a's state wins: higher in merge order, then newer. */
    private static int stateOrder(KeyDoc a, KeyDoc b) {
        int byRank = Integer.compare(a.key().state().rank(), b.key().state().rank());
        return byRank != 0 ? byRank : a.state().compareTo(b.state());
    }

    private static String ops(KeyDoc d, String user) {
        Set<Permission> ops = d.key().grants().get(user);
        return ops == null ? "" : "+" + String.join(",", Permission.sortedNames(ops));
    }

    static boolean plainEquals(KeyRecord a, KeyRecord b) {
        return Objects.equals(a.name(), b.name()) && Objects.equals(a.owner(), b.owner()) && a.tags().equals(b.tags())
                && a.attributes().equals(b.attributes()) && a.exportable() == b.exportable()
                && a.minDecryptionVersion() == b.minDecryptionVersion() && a.autoRotatePeriod() == b.autoRotatePeriod();
    }

    private static boolean stateEquals(KeyRecord a, KeyRecord b) {
        return a.state() == b.state() && Objects.equals(a.stateBeforeDestroy(), b.stateBeforeDestroy())
                && Objects.equals(a.destroyAt(), b.destroyAt());
    }

    private static boolean sameMaterial(KeyVersion a, KeyVersion b) {
        return a.kekId().equals(b.kekId()) && java.util.Arrays.equals(a.wrapped(), b.wrapped());
    }

    private static java.time.Instant min(java.time.Instant a, java.time.Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }
}
