package keyward.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import keyward.json.Json;
import keyward.json.JsonException;
import keyward.store.AuditCheckpoint;

/**
 * The newest signed checkpoint of every node this instance has seen, kept outside the database
 * ({@code <data dir>/audit-heads.json}), so that {@link AuditVerifier} notices a database that
 * holds less than it once did: a truncated tail, deleted checkpoints, emptied audit tables.
 *
 * <pre>
 *   {"format": "keyward-audit-heads-v1",
 *    "nodes": {"&lt;node&gt;": {"seq": 1000, "hash": "&lt;base64&gt;", "time_ms": 1764680000000, "seal": "&lt;base64&gt;"}},
 *    "partners": {"&lt;node&gt;": {"seq": .., "hash": .., "time_ms": .., "seal": .., "via": "repl://b:8444"[, "lost": ".."]}}}
 * </pre>
 * The seal is the checkpoint's signature bytes ({@link Seal}): a head is as trustworthy as its
 * signature, and the verifier checks it. "nodes" are the nodes writing to this instance's
 * database; "partners" the nodes of replication partners, each with its own database, whose heads
 * they report over replication ({@link PartnerHeads}); "lost" says what a partner's database no
 * longer held when it last reported (builds before partners ignore that part). A head only moves forward (a higher seq); the file is
 * written beside its name, synced and renamed into place with mode 0600, so a reader sees the old
 * file or the new one. Thread-safe within a process; two processes writing at once may lose one
 * update, never corrupt the file (the next checkpoint writes it again).
 */
public final class HeadFile {

    /** The file's name in the data dir. */
    public static final String NAME = "audit-heads.json";
    private static final String FORMAT = "keyward-audit-heads-v1";
    private static final int MAX_BYTES = 4 << 20;

    private final Path path;

    public HeadFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    public boolean exists() {
        return Files.exists(path);
    }

    /**
     * Every node's recorded head; empty if the file does not exist.
     *
     * @throws IllegalStateException naming the file if it cannot be read or is malformed
     */
    /**
     * The newest signed checkpoint of a replication partner's node seen, the partner it came
     * through, and what that partner's database lost since, if it did (null: nothing).
     */
    public record PartnerHead(AuditCheckpoint head, String via, String lost) {
    }

    /** What the file holds. */
    private record Doc(Map<String, AuditCheckpoint> nodes, Map<String, PartnerHead> partners) {
    }

    public synchronized Map<String, AuditCheckpoint> read() {
        return load().nodes();
    }

    /**
     * Every replication partner's recorded head; empty if the file does not exist.
     *
     * @throws IllegalStateException naming the file if it cannot be read or is malformed
     */
    public synchronized Map<String, PartnerHead> partners() {
        return load().partners();
    }

    /**
     * Records a partner's head (replacing what was recorded for its node).
     *
     * @throws IllegalStateException naming the file if it cannot be read or written
     */
    public synchronized void putPartner(PartnerHead p) {
        Doc doc = load();
        doc.partners().put(p.head().node(), p);
        write(doc);
    }

    private Doc load() {
        byte[] raw;
        try {
            if (Files.size(path) > MAX_BYTES) {
                throw new IllegalStateException("audit head file " + path + " is larger than " + MAX_BYTES + " bytes");
            }
            raw = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return new Doc(new TreeMap<>(), new TreeMap<>());
        } catch (IOException e) {
            throw new IllegalStateException("audit head file " + path + " cannot be read: " + keyward.log.Log.reason(e), e);
        }
        try {
            Map<?, ?> doc = (Map<?, ?>) Json.parse(raw, new Json.Limits(8, 1 << 16, MAX_BYTES));
            if (!FORMAT.equals(doc.get("format"))) {
                throw new IllegalArgumentException("unknown format");
            }
            Map<String, AuditCheckpoint> nodes = new TreeMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) doc.get("nodes")).entrySet()) {
                nodes.put((String) e.getKey(), head((String) e.getKey(), (Map<?, ?>) e.getValue()));
            }
            Map<String, PartnerHead> partners = new TreeMap<>();
            Map<?, ?> listed = doc.get("partners") == null ? Map.of() : (Map<?, ?>) doc.get("partners");
            for (Map.Entry<?, ?> e : listed.entrySet()) {
                Map<?, ?> h = (Map<?, ?>) e.getValue();
                partners.put((String) e.getKey(), new PartnerHead(head((String) e.getKey(), h), (String) h.get("via"),
                        (String) h.get("lost")));
            }
            return new Doc(nodes, partners);
        } catch (JsonException | ClassCastException | NullPointerException | IllegalArgumentException e) {
            throw new IllegalStateException("audit head file " + path + " is malformed; restore it from a backup"
                    + " or move it away to start a new record", e);
        }
    }

    /**
     * Records each of {@code heads} whose seq is above its node's recorded head; rewrites the file
     * only if one was. Returns how many moved.
     *
     * @throws IllegalStateException naming the file if it cannot be read or written
     */
    public synchronized int advance(Collection<AuditCheckpoint> heads) {
        Doc doc = load();
        Map<String, AuditCheckpoint> all = doc.nodes();
        int moved = 0;
        for (AuditCheckpoint h : heads) {
            AuditCheckpoint was = all.get(h.node());
            if (was == null || h.seq() > was.seq()) {
                all.put(h.node(), h);
                moved++;
            }
        }
        if (moved > 0) {
            write(doc);
        }
        return moved;
    }

    private void write(Doc all) {
        Map<String, Object> nodes = new LinkedHashMap<>();
        all.nodes().values().forEach(h -> nodes.put(h.node(), json(h)));
        Map<String, Object> partners = new LinkedHashMap<>();
        for (PartnerHead p : all.partners().values()) {
            Map<String, Object> m = json(p.head());
            m.put("via", p.via());
            if (p.lost() != null) {
                m.put("lost", p.lost());
            }
            partners.put(p.head().node(), m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", FORMAT);
        doc.put("nodes", nodes);
        if (!partners.isEmpty()) {
            doc.put("partners", partners);
        }
        byte[] bytes = Json.writeBytes(doc);
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new IllegalStateException("audit head file " + path + " cannot be written: " + keyward.log.Log.reason(e), e);
        }
    }

    private static Map<String, Object> json(AuditCheckpoint h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", h.seq());
        m.put("hash", Base64.getEncoder().encodeToString(h.hash()));
        m.put("time_ms", h.time().toEpochMilli());
        m.put("seal", Base64.getEncoder().encodeToString(h.signature()));
        return m;
    }

    private static AuditCheckpoint head(String node, Map<?, ?> h) {
        return new AuditCheckpoint(node, (Long) h.get("seq"), b64((String) h.get("hash")), b64((String) h.get("seal")),
                Instant.ofEpochMilli((Long) h.get("time_ms")));
    }

    private static byte[] b64(String s) {
        return Base64.getDecoder().decode(s);
    }
}
