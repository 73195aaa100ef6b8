package keyward.repl;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import keyward.store.ChangeCapture;
import keyward.store.ChangeRow;
import keyward.store.KeyRecord;
import keyward.store.ReplicaTx;
import keyward.store.TokenRecord;
import keyward.store.UserRecord;

/**
 * Records every local write as a change: takes a change id under the origin's vector lock,
 * stamps the changed parts of the object's document, stores the document and appends it to the
 * changelog, all in the write's own transaction. Thread-safe.
 */
final class Capture implements ChangeCapture {

    private final Hlc hlc;
    private final Clock clock;
    /** Bumped after each committed local write. */
    final ChangeSignal signal = new ChangeSignal();

    Capture(Hlc hlc, Clock clock) {
        this.hlc = hlc;
        this.clock = clock;
    }

    /** Every write of this node, local or applied, first locks the node's vector entry: one lock order for all. */
    @Override
    public void beforeWrite(ReplicaTx tx) {
        tx.lockOrigin(hlc.node());
    }

    @Override
    public void committed() {
        signal.changed();
    }

    private String nextId(ReplicaTx tx) {
        hlc.observe(tx.lockOrigin(hlc.node()));
        return hlc.next();
    }

    @Override
    public void keyWritten(ReplicaTx tx, KeyRecord after) {
        String cid = nextId(tx);
        KeyDoc before = tx.doc(Docs.KEY, after.id()).map(Docs::key).orElse(null);
        byte[] doc = Docs.key(Merge.local(before, after, cid));
        record(tx, cid, Docs.KEY, after.id(), doc, false);
    }

    @Override
    public void userWritten(ReplicaTx tx, String name, UserRecord after) {
        String cid = nextId(tx);
        record(tx, cid, Docs.USER, name, Docs.user(new Docs.UserDoc(name, after, cid)), after == null);
    }

    @Override
    public void tokenWritten(ReplicaTx tx, String user, String tokenId, TokenRecord after) {
        String cid = nextId(tx);
        Docs.TokenDoc d = new Docs.TokenDoc(user, tokenId, after, cid);
        record(tx, cid, Docs.TOKEN, d.objectId(), Docs.token(d), after == null);
    }

    private void record(ReplicaTx tx, String cid, String kind, String id, byte[] doc, boolean tombstone) {
        Instant now = clock.instant();
        tx.putDoc(kind, id, doc, tombstone, now);
        tx.append(cid, hlc.node(), kind, id, doc, now);
    }

    /** Keys read, documented and appended per round of {@link #baseline}. */
    private static final int BASELINE_PAGE = 1000;

    /**
     * Gives every key, user and token written before capture was enabled its first document and
     * change. Keys go a page at a time (one read of a page of keys without a document, one batch
     * of documents and one of changes), so a million keys cost a thousand rounds and one page of
     * memory, and a start with every key documented costs one query; the caller's transaction
     * holds the origin's vector lock throughout.
     */
    void baseline(ReplicaTx tx) {
        hlc.observe(tx.lockOrigin(hlc.node()));
        String after = "";
        List<KeyRecord> page;
        do {
            page = tx.keysWithoutDoc(after, BASELINE_PAGE);
            if (page.isEmpty()) {
                break;
            }
            List<ReplicaTx.DocWrite> docs = new ArrayList<>();
            List<ChangeRow> changes = new ArrayList<>();
            for (KeyRecord k : page) {
                String cid = hlc.next();
                byte[] doc = Docs.key(Merge.local(null, k, cid));
                docs.add(new ReplicaTx.DocWrite(Docs.KEY, k.id(), doc, false));
                changes.add(new ChangeRow(cid, hlc.node(), Docs.KEY, k.id(), doc));
            }
            Instant now = clock.instant();
            tx.putDocs(docs, now);
            tx.appendAll(changes, now);
            after = page.get(page.size() - 1).id();
        } while (page.size() == BASELINE_PAGE);
        java.util.Set<String> users = new java.util.HashSet<>(tx.docIds(Docs.USER));
        for (UserRecord u : tx.users()) {
            if (!users.contains(u.name())) {
                userWritten(tx, u.name(), u);
            }
        }
        java.util.Set<String> tokens = new java.util.HashSet<>(tx.docIds(Docs.TOKEN));
        for (TokenRecord t : tx.tokens()) {
            if (!tokens.contains(t.user() + "/" + t.id())) {
                tokenWritten(tx, t.user(), t.id(), t);
            }
        }
    }
}
