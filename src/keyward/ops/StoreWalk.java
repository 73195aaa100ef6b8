package keyward.ops;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
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
 * Reads a whole deployment out of a store through the {@link Store} contract only, so that every
 * backend is read the same way, and hands it to a {@link Sink} in dependency order.
 *
 * <p>The store has no snapshots, so the walk also returns a fingerprint of what can change in
 * place (key ids with their row versions, users, token ids). A second, audit-less walk after the
 * copy that yields the same fingerprint proves that no key, user or token changed meanwhile: the
 * copy then equals the deployment as it was at the end of the first walk. The audit log is
 * append-only and copied up to the last entry seen; checkpoints are read before the entries, so
 * none refers to an entry that was not copied.
 */
final class StoreWalk {
    static final int PAGE = 500;

    /** The metadata entries a deployment needs; the store cannot list its metadata, so they are named here. */
    static final List<String> META_NAMES = List.of("kek.canary", "kek.salt", "kek.primary", "byok.key",
            "replication.identity", "replication.identity.previous", "replication.node", "replication.domain");

    record Result(Counts counts, byte[] fingerprint) {
    }

    private final Store from;
    private final Sink to;
    private final Progress progress;
    private final Counts.Tally n = new Counts.Tally();
    private final MessageDigest fingerprint;

    private StoreWalk(Store from, Sink to, Progress progress) {
        this.from = from;
        this.to = to;
        this.progress = progress;
        try {
            this.fingerprint = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Walks everything; {@code withAudit} false skips the audit log (for fingerprints and quick counts). */
    static Result run(Store from, Sink to, Progress progress, boolean withAudit) {
        StoreWalk w = new StoreWalk(from, to, progress);
        w.meta();
        w.accounts();
        w.keys();
        if (withAudit) {
            w.audit();
        }
        to.finish();
        return new Result(w.n.counts(), w.fingerprint.digest());
    }

    /** True when the store holds no key, user or audit entry (metadata such as a fresh canary does not count). */
    static boolean isEmpty(Store s) {
        return s.locate(KeyQuery.all(1, null)).keys().isEmpty() && s.listUsers().isEmpty() && s.auditNodes().isEmpty();
    }

    private void meta() {
        for (String name : META_NAMES) {
            Optional<byte[]> v = from.getMeta(name);
            if (v.isPresent()) {
                to.meta(name, v.get());
                n.meta++;
            }
        }
    }

    private void accounts() {
        List<UserRecord> users = new ArrayList<>(from.listUsers());
        users.sort(Comparator.comparing(UserRecord::name));
        for (UserRecord u : users) {
            to.user(u);
            n.users++;
            mix("u", u.name() + "/" + u.admin());
        }
        progress.done("user", n.users);
        for (UserRecord u : users) {
            for (TokenRecord t : from.listTokens(u.name())) {
                to.token(t);
                n.tokens++;
                mix("t", t.id());
            }
            progress.step("token", n.tokens);
        }
        progress.done("token", n.tokens);
    }

    private void keys() {
        String after = null;
        do {
            KeyPage page = from.locate(KeyQuery.all(PAGE, after));
            for (KeyRecord k : page.keys()) {
                to.key(k);
                n.keys++;
                n.versions += k.versions().size();
                mix("k", k.id() + "/" + k.rowVersion());
            }
            progress.step("key", n.keys);
            after = page.next();
        } while (after != null);
        progress.say(Counts.of(n.keys, "key") + " (" + Counts.of(n.versions, "version") + ")");
    }

    private void audit() {
        List<AuditCheckpoint> checkpoints = new ArrayList<>();
        for (String node : from.auditNodes()) {
            checkpoints.addAll(from.checkpoints(node));
        }
        long after = 0;
        while (true) {
            List<AuditRecord> page = from.listAudit(new AuditQuery(after, PAGE, null, null, null));
            if (page.isEmpty()) {
                break;
            }
            to.audit(page);
            n.audit += page.size();
            after = page.get(page.size() - 1).position();
            progress.step("audit entry", n.audit);
        }
        progress.done("audit entry", n.audit);
        for (AuditCheckpoint c : checkpoints) {
            to.checkpoint(c);
            n.checkpoints++;
        }
        progress.done("audit checkpoint", n.checkpoints);
    }

    private void mix(String kind, String value) {
        fingerprint.update(kind.getBytes(StandardCharsets.UTF_8));
        fingerprint.update((byte) 0);
        fingerprint.update(value.getBytes(StandardCharsets.UTF_8));
        fingerprint.update((byte) '\n');
    }
}
