package keyward.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How DocsRunTest reads a markdown file and what a run of its blocks reports. */
class DocScriptTest {
    @TempDir
    Path tmp;

    private DocScript parse(String markdown) throws Exception {
        Path doc = tmp.resolve("doc.md");
        Files.writeString(doc, markdown);
        return DocScript.of(doc);
    }

    @Test
    void shAndBashBlocksRun_othersAreLeftAlone_andNotRunNeedsItsMarker() throws Exception {
        DocScript s = parse("""
                ```sh
                echo one
                ```
                ```ini
                [x]
                ```
                <!-- not-run: needs root -->

                ```bash
                echo two
                ```
                text between
                ```bash
                echo three
                ```
                """);
        assertEquals(3, s.blocks.size());
        assertEquals(List.of(1, 3), s.runnable().stream().map(DocScript.Block::number).toList());
        assertEquals("needs root", s.blocks.get(1).reason());
        assertEquals(9, s.blocks.get(1).line());
    }

    @Test
    void notRunWithoutAReason_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> parse("<!-- not-run: -->\n```sh\ntrue\n```\n"));
    }

    @Test
    void notRunBeforeANonShellBlock_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> parse("<!-- not-run: x -->\n```yaml\na: 1\n```\n"));
    }

    @Test
    void aFailingBlock_isNamed_andWhatTheBlocksStartedIsKilled() throws Exception {
        DocScript s = parse("""
                ```sh
                sleep 600 &
                echo $! > sleeper.pid
                ```
                ```sh
                false
                echo not reached
                ```
                """);
        Path dir = Files.createDirectories(tmp.resolve("run"));
        DocRun.Result r = DocRun.run(s, dir, Map.of(), Duration.ofSeconds(30));
        assertEquals(1, r.exit(), r.output());
        assertFalse(r.output().contains("not reached"), r.output());
        assertEquals(2, s.failedBlock(r.output()).number(), r.output());
        long pid = Long.parseLong(Files.readString(dir.resolve("sleeper.pid")).trim());
        assertFalse(DocRun.running(pid), "the background sleep was killed");
    }

    @Test
    void aBlockThatHangs_isStoppedAtTheDeadline() throws Exception {
        DocScript s = parse("```sh\nsleep 600\n```\n");
        DocRun.Result r = DocRun.run(s, Files.createDirectories(tmp.resolve("run")), Map.of(), Duration.ofSeconds(1));
        assertTrue(r.timedOut(), r.output());
    }
}
