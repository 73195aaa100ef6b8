package keyward.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The version baked in by build.sh: the VERSION file's semantic version and a short git revision. */
class VersionTest {

    @Test
    void version_isTheVersionFile_aSemanticVersion() throws Exception {
        assertEquals(Files.readString(Path.of("VERSION")).trim(), Version.version());
        assertTrue(Version.version().matches("\\d+\\.\\d+\\.\\d+"), Version.version());
    }

    @Test
    void git_isAShortRevision_orUnknownOutsideAGitCheckout() {
        assertTrue(Version.git().matches("[0-9a-f]{7,40}|unknown"), Version.git());
    }
}
