package keyward.repl;

import java.time.Clock;
import java.time.Instant;
import keyward.store.ChangeCapture;
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

    /** Gives every key, user and token written before capture was enabled its first document and change. */
    void baseline(ReplicaTx tx) {
        java.util.Set<String> keys = new java.util.HashSet<>(tx.docIds(Docs.KEY));
        for (String id : tx.keyIds()) {
            if (!keys.contains(id)) {
                tx.key(id).ifPresent(k -> keyWritten(tx, k));
            }
        }
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
