package keyward.ops;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import keyward.store.AuditCheckpoint;
import keyward.store.AuditQuery;
import keyward.store.AuditRecord;
import keyward.store.KeyPage;
import keyward.store.KeyQuery;
import keyward.store.KeyRecord;
import keyward.store.Store;
import keyward.store.TokenRecord;
import keyward.store.UserRecord;

/**
 * Everything a store holds, read through the Store contract alone (independently of the code under
 * test), in a form that compares with equals: two deployments are the same when their snapshots are.
 */
record Snapshot(Map<String, KeyRecord> keys, List<UserRecord> users, List<TokenRecord> tokens,
                List<AuditRecord> audit, List<String> checkpoints, Map<String, String> meta) {

    static Snapshot of(Store s) {
        Map<String, KeyRecord> keys = new TreeMap<>();
        String after = null;
        do {
            KeyPage page = s.locate(KeyQuery.all(100, after));
            page.keys().forEach(k -> keys.put(k.id(), k));
            after = page.next();
        } while (after != null);
        List<UserRecord> users = new ArrayList<>(s.listUsers());
        users.sort(Comparator.comparing(UserRecord::name));
        List<TokenRecord> tokens = new ArrayList<>();
        users.forEach(u -> tokens.addAll(s.listTokens(u.name())));
        tokens.sort(Comparator.comparing(TokenRecord::id));
        List<AuditRecord> audit = new ArrayList<>();
        long position = 0;
        List<AuditRecord> page;
        while (!(page = s.listAudit(new AuditQuery(position, 100, null, null, null))).isEmpty()) {
            audit.addAll(page);
            position = page.get(page.size() - 1).position();
        }
        List<String> checkpoints = new ArrayList<>();
        for (String node : s.auditNodes()) {
            for (AuditCheckpoint c : s.checkpoints(node)) {
                checkpoints.add(c.node() + "/" + c.seq() + "/" + hex(c.hash()) + "/" + hex(c.signature()) + "/" + c.time());
            }
        }
        checkpoints.sort(null);
        Map<String, String> meta = new TreeMap<>();
        for (String name : List.of("kek.canary", "kek.salt", "byok.key")) {
            s.getMeta(name).ifPresent(v -> meta.put(name, hex(v)));
        }
        return new Snapshot(keys, users, tokens, audit, checkpoints, meta);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
