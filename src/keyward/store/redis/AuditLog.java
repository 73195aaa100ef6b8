package keyward.store.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import keyward.store.AuditCheckpoint;
import keyward.store.AuditQuery;
import keyward.store.AuditRecord;
import keyward.store.ConflictException;

/**
 * Audit entries and checkpoints. Thread-safe.
 *
 * <p>Positions come from INCRBY on an opaque counter (a crashed append leaves a gap, never a
 * duplicate). In the same script as each entry go a claim object named by (node, seq), which
 * makes (node, seq) unique, and an RPUSH of the sealed (position, seq) onto the node's log, an
 * opaque list: a node's listing and its last entry come from that list without reading the rest.
 * Listings by user or key go through the index.
 */
final class AuditLog {
    private final SealedObjects objects;
    private final Findex findex;
    private final RedisKeys keys;
    private final Set<String> knownNodes = ConcurrentHashMap.newKeySet();

    AuditLog(SealedObjects objects, Findex findex) {
        this.objects = objects;
        this.findex = findex;
        this.keys = objects.keys();
    }

    /** All entries (and the checkpoint, if any) in one write, or none. */
    void append(List<AuditRecord> entries, AuditCheckpoint checkpoint) throws ConflictException {
        if (entries.isEmpty()) {
            if (checkpoint != null) {
                putCheckpoint(checkpoint);
            }
            return;
        }
        Set<String> seen = new HashSet<>();
        for (AuditRecord a : entries) {
            if (!seen.add(a.node() + "\n" + a.seq())) {
                throw exists(a);
            }
        }
        int failed = objects.withView(v -> {
            long last = (Long) objects.pool().call("INCRBY", keys.auditCounter(), Integer.toString(entries.size()));
            Map<String, List<Findex.Entry>> index = new LinkedHashMap<>();
            List<SealedObjects.Check> checks = new ArrayList<>();
            List<SealedObjects.Put> puts = new ArrayList<>();
            List<SealedObjects.Put> pushes = new ArrayList<>();
            for (int i = 0; i < entries.size(); i++) {
                AuditRecord a = entries.get(i);
                long position = last - entries.size() + 1 + i;
                AuditRecord stored = new AuditRecord(position, a.node(), a.seq(), a.time(), a.user(), a.operation(),
                        a.keyRef(), a.outcome(), a.remote(), a.prevHash(), a.hash());
                Keywords.merge(index, Keywords.entries(Keywords.of(a), true, 0, Long.toString(position)));
                String claim = claim(a.node(), a.seq());
                checks.add(new SealedObjects.Check(claim, null));
                puts.add(new SealedObjects.Put(claim, Records.numbers(Records.AUDIT_CLAIM, position)));
                puts.add(new SealedObjects.Put(entry(position), Records.audit(stored)));
                pushes.add(new SealedObjects.Put(nodeLog(a.node()), Records.numbers(Records.AUDIT_LOG, position, a.seq())));
                if (!knownNodes.contains(a.node())) {
                    String marker = keys.object("audit-node", a.node());
                    Keywords.merge(index, Keywords.entries(List.of(Keywords.AUDIT_NODES), true, 0, keys.handle(marker)));
                    puts.add(new SealedObjects.Put(marker, Records.text(Records.AUDIT_NODE, a.node())));
                }
            }
            if (checkpoint != null) {
                Keywords.merge(index, checkpointIndex(checkpoint));
                puts.add(new SealedObjects.Put(checkpointName(checkpoint), Records.checkpoint(checkpoint)));
            }
            findex.append(v, index);
            return objects.write(v, checks, puts, pushes);
        });
        if (failed != 0) {
            throw exists(entries.get(failed - 1));
        }
        entries.forEach(a -> knownNodes.add(a.node()));
    }

    List<AuditRecord> list(AuditQuery q) {
        Predicate<AuditRecord> check = a -> (q.node() == null || q.node().equals(a.node()))
                && (q.user() == null || q.user().equals(a.user()))
                && (q.keyRef() == null || q.keyRef().equals(a.keyRef()));
        List<AuditRecord> out = new ArrayList<>();
        if (q.node() != null) {
            String log = nodeLog(q.node());
            long length = objects.length(log);
            long first = Probe.firstTrue(0, length, at -> {
                List<byte[]> items = objects.elements(log, at);
                boolean[] later = new boolean[at.length];
                for (int i = 0; i < at.length; i++) {
                    later[i] = items.get(i) == null || logItem(items.get(i))[0] > q.afterPosition();
                }
                return later;
            });
            for (long from = first; from < length && out.size() < q.limit(); from += 1000) {
                List<Long> positions = new ArrayList<>();
                for (byte[] item : objects.range(log, from, from + 999)) {
                    if (logItem(item)[0] > q.afterPosition()) {
                        positions.add(logItem(item)[0]);
                    }
                }
                collect(positions, q.limit(), check, out);
            }
        } else if (q.user() != null || q.keyRef() != null) {
            List<String> keywords = new ArrayList<>();
            if (q.user() != null) {
                keywords.add(Keywords.auditUser(q.user()));
            }
            if (q.keyRef() != null) {
                keywords.add(Keywords.auditKey(q.keyRef()));
            }
            Map<String, NavigableSet<String>> found = findex.search(keywords);
            TreeSet<Long> positions = new TreeSet<>();
            found.get(keywords.get(0)).forEach(p -> positions.add(Long.parseLong(p)));
            keywords.forEach(k -> positions.removeIf(p -> !found.get(k).contains(Long.toString(p))));
            List<Long> after = new ArrayList<>(positions.tailSet(q.afterPosition(), false));
            for (int from = 0; from < after.size() && out.size() < q.limit(); from += 1000) {
                collect(after.subList(from, Math.min(after.size(), from + 1000)), q.limit(), check, out);
            }
        } else {
            Object counter = objects.pool().call("GET", keys.auditCounter());
            long max = counter == null ? 0 : Long.parseLong(new String((byte[]) counter, StandardCharsets.US_ASCII));
            for (long p = q.afterPosition() + 1; p <= max && out.size() < q.limit(); p += 1000) {
                List<Long> positions = new ArrayList<>();
                for (long i = p; i <= Math.min(max, p + 999); i++) {
                    positions.add(i);
                }
                collect(positions, q.limit(), check, out);
            }
        }
        return out;
    }

    /** The highest seq among the node's last 16 appends (the chain appends in seq order). */
    Optional<AuditRecord> last(String node) {
        long[] best = null;
        for (byte[] item : objects.range(nodeLog(node), -16, -1)) {
            long[] pair = logItem(item);
            if (best == null || pair[1] > best[1]) {
                best = pair;
            }
        }
        byte[] p = best == null ? null : objects.plain(entry(best[0]));
        return p == null ? Optional.empty() : Optional.of(Records.audit(p));
    }

    List<String> nodes() {
        String k = Keywords.AUDIT_NODES;
        List<String> names = findex.search(List.of(k)).get(k).stream().map(keys::objectNamed).toList();
        TreeSet<String> nodes = new TreeSet<>();
        objects.plains(names).forEach(p -> {
            if (p != null) {
                nodes.add(Records.text(Records.AUDIT_NODE, p));
            }
        });
        return new ArrayList<>(nodes);
    }

    void putCheckpoint(AuditCheckpoint c) {
        objects.withView(v -> {
            findex.append(v, checkpointIndex(c));
            return objects.write(v, List.of(), List.of(new SealedObjects.Put(checkpointName(c), Records.checkpoint(c))));
        });
    }

    /** The index entry that lists a checkpoint under its node. */
    private static Map<String, List<Findex.Entry>> checkpointIndex(AuditCheckpoint c) {
        return Keywords.entries(List.of(Keywords.checkpoints(c.node())), true, 0, Long.toString(c.seq()));
    }

    private String checkpointName(AuditCheckpoint c) {
        return keys.object("checkpoint", c.node(), Long.toString(c.seq()));
    }

    List<AuditCheckpoint> checkpoints(String node) {
        String k = Keywords.checkpoints(node);
        List<String> names = findex.search(List.of(k)).get(k).stream()
                .map(seq -> keys.object("checkpoint", node, seq)).toList();
        List<AuditCheckpoint> out = new ArrayList<>();
        objects.plains(names).forEach(p -> {
            if (p != null) {
                AuditCheckpoint c = Records.checkpoint(p);
                if (c.node().equals(node)) {
                    out.add(c);
                }
            }
        });
        out.sort(Comparator.comparingLong(AuditCheckpoint::seq));
        return out;
    }

    private void collect(List<Long> positions, int limit, Predicate<AuditRecord> check, List<AuditRecord> out) {
        List<String> names = new ArrayList<>();
        positions.forEach(p -> names.add(entry(p)));
        for (byte[] p : objects.plains(names)) {
            if (p != null && out.size() < limit) {
                AuditRecord a = Records.audit(p);
                if (check.test(a)) {
                    out.add(a);
                }
            }
        }
    }

    private String claim(String node, long seq) {
        return keys.object("audit-seq", node, Long.toString(seq));
    }

    private String nodeLog(String node) {
        return keys.object("audit-log", node);
    }

    private static long[] logItem(byte[] plain) {
        return Records.numbers(Records.AUDIT_LOG, 2, plain);
    }

    private String entry(long position) {
        return keys.object("audit", Long.toString(position));
    }

    private static ConflictException exists(AuditRecord a) {
        return new ConflictException(ConflictException.Kind.ALREADY_EXISTS,
                "audit entry " + a.seq() + " of node '" + a.node() + "' already exists");
    }
}
