package keyward.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import keyward.store.AuditCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The head file: heads only move forward, it is replaced whole, and a damaged one is named. */
class HeadFileTest {

    @TempDir
    Path dir;

    private static AuditCheckpoint head(String node, long seq) {
        return new AuditCheckpoint(node, seq, new byte[] {(byte) seq}, new byte[] {1, 2, 3}, Instant.ofEpochMilli(seq));
    }

    @Test
    void heads_onlyMoveForward_perNode() {
        HeadFile f = new HeadFile(dir.resolve(HeadFile.NAME));
        assertEquals(0, f.read().size(), "no file: no heads");
        assertEquals(2, f.advance(List.of(head("a", 10), head("b", 5))));
        assertEquals(1, f.advance(List.of(head("a", 9), head("b", 6))));
        assertEquals(0, f.advance(List.of(head("a", 10))));
        assertEquals(10, f.read().get("a").seq());
        assertEquals(6, f.read().get("b").seq());
        assertEquals(6, f.read().get("b").hash()[0]);
        assertEquals(Instant.ofEpochMilli(6), f.read().get("b").time());
        assertFalse(Files.exists(dir.resolve(HeadFile.NAME + ".tmp")), "written beside its name, then renamed");
    }

    @Test
    void damagedFile_isNamed_andNotOverwritten() throws Exception {
        Path p = dir.resolve(HeadFile.NAME);
        Files.writeString(p, "{\"format\": \"keyward-audit-heads-v1\", \"nodes\": {\"a\": {\"seq\": \"ten\"}}}");
        HeadFile f = new HeadFile(p);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.advance(List.of(head("a", 1))));
        assertTrue(e.getMessage().startsWith("audit head file " + p + " is malformed"), e.getMessage());
        assertTrue(Files.readString(p).contains("\"ten\""));
    }

    @Test
    void partnerHeads_areKeptApartFromTheNodes_andSurviveTheNodesMovingOn() throws Exception {
        Path p = dir.resolve(HeadFile.NAME);
        Files.writeString(p, "{\"format\": \"keyward-audit-heads-v1\", \"nodes\": {}}"); // as builds before partners wrote it
        HeadFile f = new HeadFile(p);
        assertEquals(0, f.partners().size());
        f.putPartner(new HeadFile.PartnerHead(head("far", 7), "repl://b:8444", null));
        f.advance(List.of(head("a", 3)));
        f.putPartner(new HeadFile.PartnerHead(head("far", 7), "repl://b:8444", "lost: entry seq 5"));
        assertEquals(List.of("a"), List.copyOf(f.read().keySet()), "a partner's node is not a node of this database");
        HeadFile.PartnerHead far = f.partners().get("far");
        assertEquals(7, far.head().seq());
        assertEquals("repl://b:8444", far.via());
        assertEquals("lost: entry seq 5", far.lost());
        f.advance(List.of(head("a", 4)));
        assertEquals("lost: entry seq 5", f.partners().get("far").lost());
    }
}
