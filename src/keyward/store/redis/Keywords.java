package keyward.store.redis;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import keyward.store.AuditCheckpoint;
import keyward.store.AuditRecord;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import keyward.store.TokenRecord;

/**
 * The typed keywords each kind of object is indexed under, in one place for the writers and for
 * the label rotation's rebuild. Values: key ids for keys, object handles for users, tokens and
 * audit nodes, positions for audit entries, seqs for checkpoints.
 */
final class Keywords {
    static final String KEYS = "type:key";
    static final String USERS = "type:user";
    static final String AUDIT_NODES = "type:audit-node";
    static final String AUTO_ROTATE = "rotate:on";

    private Keywords() {
    }

    static Set<String> of(KeyRecord k) {
        Set<String> s = new TreeSet<>();
        s.add(KEYS);
        s.add(state(k.state()));
        s.add(algorithm(k.algorithm()));
        if (k.owner() != null) {
            s.add(owner(k.owner()));
        }
        if (k.name() != null) {
            s.add(name(k.name()));
        }
        k.tags().forEach(t -> s.add(tag(t)));
        k.grants().keySet().forEach(u -> s.add(grant(u)));
        if (k.autoRotatePeriod() > 0) {
            s.add(AUTO_ROTATE);
        }
        return s;
    }

    static String tag(String t) {
        return "tag:" + t;
    }

    static String name(String n) {
        return "name:" + n;
    }

    static String owner(String o) {
        return "owner:" + o;
    }

    static String algorithm(String a) {
        return "alg:" + a;
    }

    static String state(KeyState s) {
        return "state:" + s.wire();
    }

    static String grant(String user) {
        return "grant:" + user;
    }

    static String tokens(String user) {
        return "tokens:" + user;
    }

    static String auditUser(String user) {
        return "audit-user:" + user;
    }

    static String auditKey(String keyRef) {
        return "audit-key:" + keyRef;
    }

    static String checkpoints(String node) {
        return "checkpoints:" + node;
    }

    static List<String> of(AuditRecord a) {
        List<String> s = new ArrayList<>(2);
        if (a.user() != null) {
            s.add(auditUser(a.user()));
        }
        if (a.keyRef() != null) {
            s.add(auditKey(a.keyRef()));
        }
        return s;
    }

    /** The same entry under each keyword. */
    static Map<String, List<Findex.Entry>> entries(Collection<String> keywords, boolean add, long version, String value) {
        Map<String, List<Findex.Entry>> m = new LinkedHashMap<>();
        for (String k : keywords) {
            m.computeIfAbsent(k, x -> new ArrayList<>()).add(new Findex.Entry(add, version, value));
        }
        return m;
    }

    /** Adds {@code more} into {@code into}, keeping order. */
    static void merge(Map<String, List<Findex.Entry>> into, Map<String, List<Findex.Entry>> more) {
        more.forEach((k, list) -> into.computeIfAbsent(k, x -> new ArrayList<>()).addAll(list));
    }

    /** What a full rebuild indexes for one stored object (nothing for claims, leases, meta). */
    static Map<String, List<Findex.Entry>> forObject(String handle, byte[] plain) {
        switch (Records.type(plain)) {
            case Records.KEY: {
                KeyRecord k = Records.key(plain);
                return entries(of(k), true, k.rowVersion(), k.id());
            }
            case Records.USER:
                return entries(List.of(USERS), true, 0, handle);
            case Records.TOKEN: {
                TokenRecord t = Records.token(plain);
                return entries(List.of(tokens(t.user())), true, 0, handle);
            }
            case Records.AUDIT: {
                AuditRecord a = Records.audit(plain);
                return entries(of(a), true, 0, Long.toString(a.position()));
            }
            case Records.AUDIT_NODE:
                return entries(List.of(AUDIT_NODES), true, 0, handle);
            case Records.CHECKPOINT: {
                AuditCheckpoint c = Records.checkpoint(plain);
                return entries(List.of(checkpoints(c.node())), true, 0, Long.toString(c.seq()));
            }
            default:
                return Map.of();
        }
    }
}
