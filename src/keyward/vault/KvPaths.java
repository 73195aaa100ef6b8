package keyward.vault;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import keyward.core.KwException;

/**
 * Where a KV v2 secret lives among Keyward's keys: the key named {@code kv-<mount>-<hex of the
 * path's UTF-8>}. Hex keeps any path inside the key-name alphabet and makes the name unique per
 * (mount, path): a mount name has no '-' after its last one that hex could contain. Key names are
 * at most 128 characters, so a path has at most {@code (124 - mount length) / 2} bytes.
 */
final class KvPaths {
    static final String TAG = "vault-kv";
    static final String ATTR_MOUNT = "vault.kv.mount";
    static final String ATTR_PATH = "vault.kv.path";

    private KvPaths() {
    }

    /** The path without leading and trailing slashes; empty or over-long paths are a 400. */
    static String normalize(String path) {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.isEmpty()) {
            throw KwException.invalid("missing secret path");
        }
        if (p.contains("//") || p.chars().anyMatch(Character::isISOControl)) {
            throw KwException.invalid("secret path must not have empty segments or control characters");
        }
        return p;
    }

    static String keyName(String mount, String path) {
        byte[] utf8 = path.getBytes(StandardCharsets.UTF_8);
        int max = (124 - mount.length()) / 2;
        if (utf8.length > max) {
            throw KwException.invalid("secret path is longer than " + max + " bytes, the most mount '" + mount
                    + "' stores");
        }
        return "kv-" + mount + "-" + HexFormat.of().formatHex(utf8);
    }

    /** The tag every secret of a mount carries, for listing. */
    static String mountTag(String mount) {
        return TAG + ":" + mount;
    }
}
