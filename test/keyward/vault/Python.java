package keyward.vault;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a Python script shipped beside the tests with Debian's /usr/bin/python3 (which has hvac), bounded. */
final class Python {
    record Run(int exit, String output) {
    }

    private Python() {
    }

    static Run script(String resource, String... args) throws IOException, InterruptedException, URISyntaxException {
        Path script = Path.of(Python.class.getResource(resource).toURI());
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", script.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("kw-python", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("timed out: " + String.join(" ", cmd) + "\n" + Files.readString(out));
            }
            return new Run(p.exitValue(), Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
