package keyward.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Version and git revision baked into the jar by build.sh. */
public final class Version {
    private static final Properties PROPS = load();

    private Version() {
    }

    public static String version() {
        return PROPS.getProperty("version", "dev");
    }

    public static String git() {
        return PROPS.getProperty("git", "unknown");
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/keyward-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // no version file: a development build
        }
        return p;
    }
}
