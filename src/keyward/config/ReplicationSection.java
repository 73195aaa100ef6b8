package keyward.config;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code [replication]} table and its partner tables
 * {@code [replication."repl://host:port"]}, checking that each partner has the certificate its
 * type needs. Replication is configured only in the file.
 */
final class ReplicationSection {

    private static final List<String> TYPES = List.of("mutual-pull", "pull", "allow-pull");
    private static final List<String> PARTNER_KEYS =
            List.of("type", "partner_cert", "supplier_cert", "consumer_cert", "automatic_refresh");

    private final Toml.Document doc;
    private final String file;

    private ReplicationSection(Toml.Document doc, String file) {
        this.doc = doc;
        this.file = file;
    }

    static Config.Replication parse(Object table, Toml.Document doc, String file) {
        return new ReplicationSection(doc, file).replication(table);
    }

    private Config.Replication replication(Object table) {
        if (!(table instanceof Map<?, ?>)) {
            throw fail(List.of("replication"), "must be a table");
        }
        String origin = null;
        String bindAddress = null;
        List<Config.Partner> partners = new ArrayList<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) table).entrySet()) {
            String key = (String) e.getKey();
            List<String> path = List.of("replication", key);
            if (key.equals("origin")) {
                origin = string(path, e.getValue());
                if (!isReplUrl(origin)) {
                    throw fail(path, "must be repl://host:port (got " + ConfigText.printable(origin) + ")");
                }
            } else if (key.equals("bindaddress")) {
                bindAddress = string(path, e.getValue());
                if (!isHostPort(bindAddress)) {
                    throw fail(path, "must be host:port (got " + ConfigText.printable(bindAddress) + ")");
                }
            } else if (e.getValue() instanceof Map<?, ?>) {
                partners.add(partner(key, (Map<?, ?>) e.getValue()));
            } else {
                throw new ConfigException("config: unknown key " + ConfigText.printable("replication." + key)
                        + " (" + where(path) + ")");
            }
        }
        if (origin == null) {
            throw fail(List.of("replication"), "needs 'origin' (repl://host:port)");
        }
        if (bindAddress == null) {
            throw fail(List.of("replication"), "needs 'bindaddress' (host:port)");
        }
        return new Config.Replication(origin, bindAddress, partners);
    }

    private Config.Partner partner(String url, Map<?, ?> table) {
        List<String> path = List.of("replication", url);
        if (!isReplUrl(url)) {
            throw fail(path, "partner url must be repl://host:port");
        }
        for (Object key : table.keySet()) {
            if (!PARTNER_KEYS.contains(key)) {
                List<String> at = List.of("replication", url, (String) key);
                throw new ConfigException("config: unknown key " + ConfigText.printable((String) key)
                        + " in partner " + ConfigText.printable(url) + " (" + where(at) + ")");
            }
        }
        String type = (String) optional(path, table, "type", String.class);
        if (type == null || !TYPES.contains(type)) {
            throw fail(path, "partner needs 'type' = one of " + String.join(", ", TYPES));
        }
        String partnerCert = cert(path, table, "partner_cert", type.equals("mutual-pull"));
        String supplierCert = cert(path, table, "supplier_cert", type.equals("pull"));
        String consumerCert = cert(path, table, "consumer_cert", type.equals("allow-pull"));
        Boolean refresh = (Boolean) optional(path, table, "automatic_refresh", Boolean.class);
        return new Config.Partner(url, type, partnerCert, supplierCert, consumerCert,
                refresh != null && refresh);
    }

    private String cert(List<String> path, Map<?, ?> table, String key, boolean required) {
        String cert = (String) optional(path, table, key, String.class);
        if (cert == null) {
            if (required) {
                throw fail(path, "partner of type '" + table.get("type") + "' needs '" + key + "'");
            }
            return null;
        }
        try {
            if (cert.isEmpty() || Base64.getDecoder().decode(cert).length == 0) {
                throw new IllegalArgumentException("empty");
            }
        } catch (IllegalArgumentException e) {
            throw fail(List.of("replication", path.get(1), key), "must be a base64 DER certificate");
        }
        return cert;
    }

    private Object optional(List<String> path, Map<?, ?> table, String key, Class<?> type) {
        Object v = table.get(key);
        if (v != null && !type.isInstance(v)) {
            List<String> at = List.of("replication", path.get(1), key);
            throw fail(at, type == Boolean.class ? "must be true or false" : "must be a string");
        }
        return v;
    }

    private String string(List<String> path, Object v) {
        if (!(v instanceof String)) {
            throw fail(path, "must be a string");
        }
        return (String) v;
    }

    static boolean isReplUrl(String url) {
        return url.startsWith("repl://") && isHostPort(url.substring("repl://".length()));
    }

    /** host:port with a port in 1..65535; an IPv6 host is written in brackets. */
    static boolean isHostPort(String s) {
        int colon = s.lastIndexOf(':');
        int portLength = s.length() - colon - 1;
        if (colon <= 0 || portLength < 1 || portLength > 5) {
            return false;
        }
        String host = s.substring(0, colon);
        String port = s.substring(colon + 1);
        if (SettingValues.hasControl(host) || host.contains("/") || host.contains(" ")) {
            return false;
        }
        if (host.contains(":") && !(host.startsWith("[") && host.endsWith("]"))) {
            return false;
        }
        for (int i = 0; i < port.length(); i++) {
            if (port.charAt(i) < '0' || port.charAt(i) > '9') {
                return false;
            }
        }
        int n = Integer.parseInt(port);
        return n >= 1 && n <= 65535;
    }

    /** The key path as written, e.g. 'replication."repl://b:8444".type', with its file and line. */
    private ConfigException fail(List<String> path, String what) {
        StringBuilder key = new StringBuilder();
        for (String segment : path) {
            boolean bare = segment.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '_' || c == '-');
            key.append(key.length() > 0 ? "." : "").append(bare ? segment : ConfigText.quote(segment));
        }
        return new ConfigException("config: " + ConfigText.printable(key.toString()) + " (" + where(path) + ") " + what);
    }

    private String where(List<String> path) {
        int line = doc.line(path);
        return line > 0 ? file + " line " + line : file;
    }
}
