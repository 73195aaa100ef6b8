package keyward.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import keyward.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's curl session, run verbatim with bash and curl against a real server. */
class ReadmeQuickstartTest {
    @TempDir
    Path tmp;

    @Test
    void readmeCurlSession_worksAsWritten() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int begin = readme.indexOf("<!-- quickstart:begin -->");
        int end = readme.indexOf("<!-- quickstart:end -->");
        assertTrue(begin > 0 && end > begin, "README has the quickstart markers");
        String block = readme.substring(begin, end);
        String script = block.substring(block.indexOf("```sh") + 5, block.lastIndexOf("```"));
        Path file = tmp.resolve("quickstart.sh");
        Files.writeString(file, "set -euo pipefail\n" + script);
        try (TestNode node = TestNode.start()) {
            ProcessBuilder pb = new ProcessBuilder("bash", file.toString()).redirectErrorStream(true);
            pb.environment().put("KW", node.base());
            pb.environment().put("TOKEN", node.adminToken);
            Path out = tmp.resolve("out.txt");
            pb.redirectOutput(out.toFile());
            Process p = pb.start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "quickstart did not finish");
            String text = Files.readString(out);
            assertEquals(0, p.exitValue(), text);
            assertEquals(2, text.split("card 4111", -1).length - 1, text);
            assertTrue(text.contains("kw:v1:"), text);
            assertTrue(text.contains("\"valid\":true"), text);
            assertTrue(text.contains("BEGIN PUBLIC KEY"), text);
            assertTrue(text.contains("\"primary_version\":2"), text);
            assertTrue(!text.contains("\"error\""), text);
        }
    }
}
