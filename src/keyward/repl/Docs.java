package keyward.repl;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import keyward.json.Json;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import keyward.store.KeyVersion;
import keyward.store.Permission;
import keyward.store.TokenRecord;
import keyward.store.UserRecord;

/**
 * The replication documents, as JSON: a key with its stamps ({@link KeyDoc}), a user or a token
 * with one stamp (absent = a tombstone). Key material stays wrapped by the KEK; its AAD binds key
 * id and kid, not the node, so the same bytes open on every node of the domain.
 */
final class Docs {

    static final String KEY = "key";
    static final String USER = "user";
    static final String TOKEN = "token";

    /** A user (null = deleted) with the change id that last set it. */
    record UserDoc(String name, UserRecord user, String stamp) {
    }

    /** A token (null = deleted) with the change id that last set it. */
    record TokenDoc(String user, String id, TokenRecord token, String stamp) {
        String objectId() {
            return user + "/" + id;
        }
    }

    private Docs() {
    }

    static byte[] key(KeyDoc d) {
        KeyRecord k = d.key();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", k.id());
        r.put("name", Fields.nullable(k.name()));
        r.put("algorithm", k.algorithm());
        r.put("state", k.state().wire());
        r.put("state_before_destroy", k.stateBeforeDestroy() == null ? Json.NULL : k.stateBeforeDestroy().wire());
        r.put("owner", Fields.nullable(k.owner()));
        r.put("tags", k.tags());
        r.put("attributes", new HashMap<>(k.attributes()));
        r.put("exportable", k.exportable());
        r.put("primary_version", (long) k.primaryVersion());
        r.put("min_decryption_version", (long) k.minDecryptionVersion());
        r.put("auto_rotate_period", k.autoRotatePeriod());
        r.put("created_at", millis(k.createdAt()));
        r.put("updated_at", millis(k.updatedAt()));
        r.put("rotated_at", millis(k.rotatedAt()));
        r.put("destroy_at", millis(k.destroyAt()));
        List<Object> versions = new ArrayList<>();
        for (KeyVersion v : k.versions()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", (long) v.version());
            m.put("kid", (long) v.kid());
            m.put("kek_id", v.kekId());
            m.put("wrapped", Fields.b64(v.wrapped()));
            m.put("public_key", Fields.b64(v.publicKey()));
            m.put("created_at", millis(v.createdAt()));
            m.put("issued", (long) v.issued());
            versions.add(m);
        }
        r.put("versions", versions);
        Map<String, Object> grants = new LinkedHashMap<>();
        k.grants().forEach((user, ops) -> grants.put(user, Permission.sortedNames(ops)));
        r.put("grants", grants);
        Map<String, Object> stamps = new LinkedHashMap<>();
        stamps.put("fields", d.fields());
        stamps.put("state", d.state());
        stamps.put("created", d.created());
        stamps.put("grants", new LinkedHashMap<>(d.grants()));
        Map<String, Object> vs = new LinkedHashMap<>();
        d.versions().forEach((kid, s) -> vs.put(Integer.toString(kid), s));
        stamps.put("versions", vs);
        return Json.writeBytes(Map.of("key", r, "stamps", stamps));
    }

    static KeyDoc key(byte[] doc) {
        Map<String, Object> top = Fields.parse(doc, "key document");
        Map<String, Object> r = Fields.obj(top, "key");
        KeyRecord.Builder b = new KeyRecord.Builder();
        b.id = Fields.str(r, "id");
        b.name = Fields.strOrNull(r, "name");
        b.algorithm = Fields.str(r, "algorithm");
        b.state = state(Fields.str(r, "state"));
        String before = Fields.strOrNull(r, "state_before_destroy");
        b.stateBeforeDestroy = before == null ? null : state(before);
        b.owner = Fields.strOrNull(r, "owner");
        List<String> tags = new ArrayList<>();
        for (Object t : Fields.list(r, "tags")) {
            tags.add(string(t, "tags"));
        }
        b.tags = tags;
        Map<String, String> attributes = new HashMap<>();
        Fields.obj(r, "attributes").forEach((name, v) -> attributes.put(name, string(v, "attributes")));
        b.attributes = attributes;
        b.exportable = Fields.bool(r, "exportable");
        b.primaryVersion = Fields.integer(r, "primary_version", 0, Integer.MAX_VALUE);
        b.minDecryptionVersion = Fields.integer(r, "min_decryption_version", 0, Integer.MAX_VALUE);
        b.autoRotatePeriod = Fields.lng(r, "auto_rotate_period");
        b.createdAt = instant(r, "created_at");
        b.updatedAt = instant(r, "updated_at");
        b.rotatedAt = instant(r, "rotated_at");
        b.destroyAt = instant(r, "destroy_at");
        List<KeyVersion> versions = new ArrayList<>();
        for (Object o : Fields.list(r, "versions")) {
            Map<String, Object> m = Fields.object(o, "version");
            // "issued" is absent in the documents of older builds: not known
            int issued = m.containsKey("issued") ? Fields.integer(m, "issued", 0, Integer.MAX_VALUE) : 0;
            versions.add(new KeyVersion(Fields.integer(m, "version", 0, Integer.MAX_VALUE),
                    Fields.integer(m, "kid", Integer.MIN_VALUE, Integer.MAX_VALUE), Fields.str(m, "kek_id"),
                    Fields.bytesOrNull(m, "wrapped"), Fields.bytesOrNull(m, "public_key"), instant(m, "created_at"),
                    issued));
        }
        b.versions = versions;
        Map<String, Set<Permission>> grants = new HashMap<>();
        Fields.obj(r, "grants").forEach((user, ops) -> {
            Set<Permission> set = new HashSet<>();
            for (Object op : Fields.list(Map.of("grants", ops), "grants")) {
                String name = string(op, "grants");
                set.add(Permission.parse(name).orElseThrow(() -> new ProtocolException(Permission.unknown(name))));
            }
            grants.put(user, set);
        });
        b.grants = grants;
        Map<String, Object> s = Fields.obj(top, "stamps");
        Map<String, String> grantStamps = new HashMap<>();
        Fields.obj(s, "grants").forEach((user, v) -> grantStamps.put(user, string(v, "grants")));
        Map<Integer, String> versionStamps = new HashMap<>();
        Fields.obj(s, "versions").forEach((kid, v) -> {
            try {
                versionStamps.put(Integer.parseInt(kid), string(v, "versions"));
            } catch (NumberFormatException e) {
                throw new ProtocolException("'versions' stamps must be keyed by kid");
            }
        });
        return new KeyDoc(b.build(), Fields.str(s, "fields"), Fields.str(s, "state"), Fields.str(s, "created"),
                grantStamps, versionStamps);
    }

    static byte[] user(UserDoc d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.name());
        m.put("stamp", d.stamp());
        if (d.user() != null) {
            m.put("admin", d.user().admin());
            m.put("created_at", millis(d.user().createdAt()));
        }
        return Json.writeBytes(m);
    }

    static UserDoc user(byte[] doc) {
        Map<String, Object> m = Fields.parse(doc, "user document");
        String name = Fields.str(m, "name");
        UserRecord u = m.containsKey("admin") ? new UserRecord(name, Fields.bool(m, "admin"), instant(m, "created_at")) : null;
        return new UserDoc(name, u, Fields.str(m, "stamp"));
    }

    static byte[] token(TokenDoc d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", d.user());
        m.put("id", d.id());
        m.put("stamp", d.stamp());
        if (d.token() != null) {
            m.put("hash", Fields.b64(d.token().hash()));
            m.put("created_at", millis(d.token().createdAt()));
            m.put("expires_at", millis(d.token().expiresAt()));
        }
        return Json.writeBytes(m);
    }

    static TokenDoc token(byte[] doc) {
        Map<String, Object> m = Fields.parse(doc, "token document");
        String user = Fields.str(m, "user");
        String id = Fields.str(m, "id");
        TokenRecord t = null;
        if (m.containsKey("hash")) {
            byte[] hash = Fields.bytesOrNull(m, "hash");
            if (hash == null) {
                throw new ProtocolException("'hash' is required");
            }
            t = new TokenRecord(id, user, hash, instant(m, "created_at"), instant(m, "expires_at"));
        }
        return new TokenDoc(user, id, t, Fields.str(m, "stamp"));
    }

    private static Object millis(Instant t) {
        return t == null ? Json.NULL : (Object) t.toEpochMilli();
    }

    private static Instant instant(Map<String, Object> m, String field) {
        Long ms = Fields.lngOrNull(m, field);
        return ms == null ? null : Instant.ofEpochMilli(ms);
    }

    private static KeyState state(String name) {
        return KeyState.parse(name).orElseThrow(() -> new ProtocolException(KeyState.unknown(name)));
    }

    private static String string(Object o, String what) {
        if (!(o instanceof String s)) {
            throw new ProtocolException("'" + what + "' must hold strings");
        }
        return s;
    }
}
