package keyward.store.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import keyward.store.AuditCheckpoint;
import keyward.store.AuditQuery;
import keyward.store.AuditRecord;
import keyward.store.KeyQuery;
import keyward.store.KeyRecord;
import keyward.store.KeyState;
import keyward.store.KeyVersion;
import keyward.store.Permission;
import keyward.store.TokenRecord;
import keyward.store.UserRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Redis sees nothing: after a workload full of distinctive strings, no key name or value of any
 * Redis type holds one of them, nor a key id or any stored byte string, in raw, hex or base64 form.
 */
class LeakTest {
    private static final Instant T0 = Instant.parse("2026-03-04T05:06:07.089Z");
    private final String ns = RedisTestSupport.newNamespace();
    private final List<byte[]> secrets = new ArrayList<>();

    @AfterEach
    void drop() {
        RedisTestSupport.drop(ns);
    }

    private String remember(String s) {
        secrets.add(s.getBytes(StandardCharsets.UTF_8));
        return s;
    }

    private byte[] rememberBytes(int n) {
        byte[] b = RedisTestSupport.random(n);
        secrets.add(b);
        return b;
    }

    private String newId() {
        UUID u = UUID.randomUUID();
        secrets.add(u.toString().getBytes(StandardCharsets.UTF_8));
        secrets.add(ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array());
        return u.toString();
    }

    @Test
    void afterAWorkload_noKeyOrValueHoldsAnyNameTagOwnerIdOrSecret_andAllCellsHaveOneSize() {
        String label = remember("label-flamingo-public");
        try (RedisStore store = RedisTestSupport.open(ns, label)) {
            workload(store);
        }
        Map<String, List<byte[]>> all = RedisTestSupport.dump(ns);
        assertTrue(all.size() > 50, "the workload wrote " + all.size() + " keys");
        List<byte[]> needles = new ArrayList<>();
        secrets.forEach(s -> needles.addAll(forms(s)));
        Pattern shape = Pattern.compile(Pattern.quote(ns)
                + ":(salt|check|label|o:[A-Za-z0-9_-]{43}|i:[A-Za-z0-9_-]{12}:[A-Za-z0-9_-]{43})");
        int cells = 0;
        for (Map.Entry<String, List<byte[]>> e : all.entrySet()) {
            String key = e.getKey();
            assertTrue(shape.matcher(key).matches(), "unexpected key shape: " + key);
            byte[] suffix = key.substring(ns.length()).getBytes(StandardCharsets.UTF_8);
            for (byte[] n : needles) {
                assertFalse(contains(suffix, n), "key " + key + " holds " + show(n));
                for (byte[] v : e.getValue()) {
                    assertFalse(contains(v, n), "value of " + key + " holds " + show(n));
                }
            }
            if (key.startsWith(ns + ":i:")) {
                cells++;
                assertEquals(Findex.CELL_BYTES, e.getValue().get(0).length, "index value size at " + key);
            }
        }
        assertTrue(cells > 30, "index cells: " + cells);
    }

    @Test
    void theChecker_findsAStringHiddenInsideHexOrBase64OfLargerData() {
        byte[] secret = "owner-marzipan".getBytes(StandardCharsets.UTF_8);
        for (int pad = 0; pad < 3; pad++) {
            byte[] data = new byte[pad + secret.length + 5];
            System.arraycopy(secret, 0, data, pad, secret.length);
            byte[] b64 = Base64.getEncoder().encode(data);
            byte[] hex = HexFormat.of().formatHex(data).getBytes(StandardCharsets.US_ASCII);
            assertTrue(forms(secret).stream().anyMatch(f -> contains(b64, f)), "base64 at offset " + pad);
            assertTrue(forms(secret).stream().anyMatch(f -> contains(hex, f)), "hex at offset " + pad);
        }
    }

    private void workload(RedisStore store) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            KeyRecord.Builder b = new KeyRecord.Builder();
            b.id = newId();
            b.name = remember("zq-payments-ledger-" + i);
            b.algorithm = i % 2 == 0 ? remember("aes-256-gcm") : remember("rsa-oaep-3072");
            b.state = KeyState.parse(remember("active")).orElseThrow();
            b.owner = remember("owner-marzipan-" + i);
            b.tags = List.of(remember("tag-pineapple-" + i), remember("tag-common-quince"));
            b.attributes = Map.of(remember("attr-key-quokka"), remember("attr-value-narwhal-" + i));
            b.primaryVersion = 1;
            b.autoRotatePeriod = 86_400;
            b.createdAt = T0;
            b.rotatedAt = T0;
            b.versions = List.of(new KeyVersion(1, 0x5eed0000 + i, remember("kek-jellyfish"), rememberBytes(44),
                    rememberBytes(91), T0));
            b.grants = Map.of(remember("grantee-pangolin"), Set.of(Permission.parse(remember("datakey")).orElseThrow()), "*", Set.of(Permission.GET));
            b.rowVersion = 1;
            store.insertKey(b.build());
            ids.add(b.id);
        }
        KeyRecord.Builder changed = store.findKey(ids.get(0)).orElseThrow().toBuilder();
        changed.name = remember("renamed-wallaby-ledger");
        changed.tags = List.of(remember("tag-after-tapir"));
        changed.state = KeyState.parse(remember("pending_destruction")).orElseThrow();
        changed.destroyAt = T0.plusSeconds(60);
        store.updateKey(changed.build());

        store.insertUser(new UserRecord(remember("user-wombat"), true, T0));
        store.insertUser(new UserRecord(remember("user-gone-dingo"), false, T0));
        store.insertToken(new TokenRecord(remember("token-id-axolotl"), "user-wombat", rememberBytes(32), T0, null));
        store.insertToken(new TokenRecord(remember("token-id-gecko"), "user-gone-dingo", rememberBytes(32), T0, null));
        store.deleteUser("user-gone-dingo");

        String node = remember("node-capybara-7");
        List<AuditRecord> entries = new ArrayList<>();
        byte[] prev = null;
        for (int seq = 1; seq <= 5; seq++) {
            byte[] hash = rememberBytes(32);
            entries.add(new AuditRecord(0, node, seq, T0.plusSeconds(seq), "user-wombat", remember("operation-xylophone"),
                    ids.get(seq % ids.size()), remember("outcome-okay-zebra"), remember("203.0.113.77"), prev, hash));
            prev = hash;
        }
        store.appendAudit(entries);
        store.putCheckpoint(new AuditCheckpoint(node, 5, prev, rememberBytes(64), T0));
        store.putMeta(remember("meta-name-okapi"), rememberBytes(24));
        store.claimLease(remember("lease-job-ibex"), remember("holder-node-lynx"), T0, Duration.ofMinutes(1));

        assertEquals(3, store.locate(new KeyQuery(List.of("tag-common-quince"), null, null, null, null, null, 10, null)).keys().size());
        assertEquals(5, store.listAudit(new AuditQuery(0, 10, node, null, null)).size());
    }

    /** s in raw, hex (both cases) and base64 (standard and URL-safe, at each of the three alignments). */
    private static List<byte[]> forms(byte[] s) {
        List<byte[]> f = new ArrayList<>();
        f.add(s);
        String hex = HexFormat.of().formatHex(s);
        f.add(hex.getBytes(StandardCharsets.US_ASCII));
        f.add(hex.toUpperCase().getBytes(StandardCharsets.US_ASCII));
        for (int shift = 0; shift < 3; shift++) {
            byte[] shifted = new byte[s.length + shift];
            System.arraycopy(s, 0, shifted, shift, s.length);
            for (Base64.Encoder enc : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
                String b64 = enc.withoutPadding().encodeToString(shifted);
                // drop the characters that depend on the bytes around s
                int from = shift == 0 ? 0 : (shift * 8 + 5) / 6 + 1;
                int to = b64.length() - 2;
                if (to - from >= 6) {
                    f.add(b64.substring(from, to).getBytes(StandardCharsets.US_ASCII));
                }
            }
        }
        return f;
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static String show(byte[] needle) {
        return HexFormat.of().formatHex(needle);
    }
}
