package keyward.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** conf/keyward.toml, as shipped: it must load, mean the defaults, and show every key. */
class ShippedConfigTest {

    private static final Path SHIPPED = Path.of("conf/keyward.toml");

    @TempDir
    Path dir;

    @Test
    void shippedFile_parsesToTheDefaultsWithItsDataDir() {
        Config shipped = Config.load(List.of("--config", SHIPPED.toString()), Map.of());
        assertEquals(Path.of("/var/lib/keyward"), shipped.dataDir());
        assertEquals(Config.load(List.of("--data-dir=/var/lib/keyward"), Map.of()), shipped);
        assertNull(shipped.replication());
    }

    @Test
    void shippedFile_showsEverySetting() throws IOException {
        String text = Files.readString(SHIPPED);
        for (Setting s : Setting.values()) {
            assertTrue(text.contains("\n# " + s.key + " = ") || text.contains("\n" + s.key + " = "), s.key);
        }
    }

    @Test
    void serverHelp_listsEveryFlagWithItsRangeAndDefault() {
        String help = Config.flagsHelp();
        for (Setting s : Setting.values()) {
            String line = help.lines().filter(l -> l.startsWith("  " + s.flag() + " ")).findFirst()
                    .orElseThrow(() -> new AssertionError(s.flag() + " missing from:\n" + help));
            assertTrue(line.length() > s.flag().length() + 10, "no help text for " + s.flag());
            if (s.type == Setting.Type.INT) {
                assertTrue(line.contains(s.min + ".." + s.max) && line.contains("default " + s.dflt), line);
            }
            if (s.type == Setting.Type.CHOICE) {
                assertTrue(line.contains(String.join("|", s.choices)), line);
            }
        }
        assertEquals(Setting.values().length, help.lines().count(), "one line per setting");
    }

    @Test
    void shippedFile_withEveryDefaultUncommented_stillGivesTheDefaults() throws IOException {
        List<String> out = new ArrayList<>();
        int uncommented = 0;
        for (String line : Files.readAllLines(SHIPPED)) {
            String body = line.startsWith("# ") ? line.substring(2) : "";
            String key = body.contains(" = ") ? body.substring(0, body.indexOf(" = ")) : "";
            Setting s = Setting.byKey(key);
            if (s != null && !body.contains("<data_dir>") && s.type != Setting.Type.SECRET) {
                out.add(body);
                uncommented++;
            } else {
                out.add(line);
            }
        }
        Path f = dir.resolve("all.toml");
        Files.write(f, out);
        assertTrue(uncommented > 25, "uncommented " + uncommented);
        assertEquals(Config.load(List.of("--data-dir=/var/lib/keyward"), Map.of()),
                Config.load(List.of("--config", f.toString()), Map.of()));
    }

    @Test
    void shippedReplicationExample_parsesOnceUncommentedAndGivenACertificate() throws IOException {
        String text = Files.readString(SHIPPED);
        String example = text.substring(text.indexOf("# [replication]"));
        StringBuilder toml = new StringBuilder();
        for (String line : example.split("\n", -1)) {
            toml.append(line.startsWith("# ") ? line.substring(2) : line.equals("#") ? "" : line).append('\n');
        }
        Path f = dir.resolve("repl.toml");
        Files.writeString(f, toml.toString().replace("\"MII...\"", "\"MIIBAAECAwQ=\""));
        Config.Replication r = Config.load(List.of("--config", f.toString()), Map.of()).replication();
        assertEquals(new Config.Replication("repl://node-a.example:8444", "127.0.0.1:8444", List.of(
                new Config.Partner("repl://node-b.example:8444", "mutual-pull", "MIIBAAECAwQ=", null, null, true))), r);
    }
}
