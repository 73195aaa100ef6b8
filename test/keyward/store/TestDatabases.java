package keyward.store;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import keyward.store.sql.SqlOptions;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases of this project's machines, for every DB-backed test: PostgreSQL at
 * 127.0.0.1:5432 (user postgres, trust auth, database {@code test}), MariaDB at 127.0.0.1:3306
 * (root, empty password, database {@code test}) and Redis at 127.0.0.1:6379.
 *
 * <p>Tests make their own database ({@code kw_t_<random>}) and drop it afterwards. A service that
 * does not answer fails the test when {@code CI=true} and otherwise skips it with one loud line on
 * stderr, so a laptop with only a JDK still passes. Reachability is probed once per JVM with a
 * short timeout. Thread-safe.
 */
public final class TestDatabases {

    public static final String POSTGRES = "PostgreSQL";
    public static final String MARIADB = "MariaDB";
    public static final String REDIS = "Redis";

    private record Service(String host, int port, String howToStart) {
    }

    private static final Map<String, Service> SERVICES = Map.of(
            POSTGRES, new Service("127.0.0.1", 5432, "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"),
            MARIADB, new Service("127.0.0.1", 3306, "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd"),
            REDIS, new Service("127.0.0.1", 6379, "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no"));
    private static final Map<String, Boolean> REACHABLE = new ConcurrentHashMap<>();
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PG_ADMIN = "jdbc:postgresql://127.0.0.1:5432/test";
    private static final String MYSQL_ADMIN = "jdbc:mysql://127.0.0.1:3306/test";

    private TestDatabases() {
    }

    /** True if the named service accepts a TCP connection (probed once per JVM, 1 s at most). */
    public static boolean reachable(String service) {
        Service s = service(service);
        return REACHABLE.computeIfAbsent(service, n -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(s.host, s.port), 1000);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** Fails (CI) or aborts (elsewhere, with one loud stderr line per service) unless {@code reachable}. */
    public static void require(String service, boolean reachable) {
        if (reachable) {
            return;
        }
        Service s = SERVICES.get(service);
        String where = s == null ? "" : " at " + s.host + ":" + s.port;
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail(service + " is required in CI but not reachable" + where
                    + (s == null ? "" : "; start it with: " + s.howToStart));
        }
        if (WARNED.add(service)) {
            System.err.println("*** SKIPPING " + service + " tests: not reachable" + where + " ***");
        }
        Assumptions.abort(service + " not reachable" + where);
    }

    public static void requirePostgres() {
        require(POSTGRES, reachable(POSTGRES));
    }

    public static void requireMariadb() {
        require(MARIADB, reachable(MARIADB));
    }

    public static void requireRedis() {
        require(REDIS, reachable(REDIS));
    }

    /** Creates an empty PostgreSQL database and returns its JDBC url (user postgres, no password). */
    public static String createPostgresDatabase() {
        requirePostgres();
        String name = newName();
        admin(PG_ADMIN, "postgres", "CREATE DATABASE " + name);
        return "jdbc:postgresql://127.0.0.1:5432/" + name;
    }

    public static void dropPostgresDatabase(String url) {
        admin(PG_ADMIN, "postgres", "DROP DATABASE IF EXISTS " + nameOf(url) + " WITH (FORCE)");
    }

    /** Creates an empty MariaDB/MySQL database (utf8mb4) and returns its JDBC url (user root, no password). */
    public static String createMysqlDatabase() {
        requireMariadb();
        String name = newName();
        admin(MYSQL_ADMIN, "root", "CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        return "jdbc:mysql://127.0.0.1:3306/" + name;
    }

    public static void dropMysqlDatabase(String url) {
        admin(MYSQL_ADMIN, "root", "DROP DATABASE IF EXISTS " + nameOf(url));
    }

    /**
     * The database flags of a Keyward node on a new database of {@code type}: "sqlite" (none: the
     * file in its data dir), "postgresql" or "mysql". {@link #dropNodeDatabase} drops it.
     */
    public static List<String> newNodeDatabase(String type) {
        return switch (type) {
            case "sqlite" -> List.of();
            case "postgresql" -> List.of("--database-type=postgresql", "--database-url=" + createPostgresDatabase() + "?user=postgres");
            case "mysql" -> List.of("--database-type=mysql", "--database-url=" + createMysqlDatabase() + "?user=root");
            default -> throw new IllegalArgumentException("no node database of type " + type);
        };
    }

    /** Drops the database of {@code flags} made by {@link #newNodeDatabase} (nothing for SQLite). */
    public static void dropNodeDatabase(List<String> flags) {
        for (String f : flags) {
            if (f.startsWith("--database-url=jdbc:postgresql:")) {
                dropPostgresDatabase(f.substring("--database-url=".length()));
            } else if (f.startsWith("--database-url=jdbc:mysql:")) {
                dropMysqlDatabase(f.substring("--database-url=".length()));
            }
        }
    }

    /** A check that needs a database of its own. */
    @FunctionalInterface
    public interface OnDatabase {
        void run(SqlOptions options) throws Exception;
    }

    /** Runs {@code check} on a new, empty PostgreSQL database, dropped afterwards. */
    public static void onNewPostgres(OnDatabase check) throws Exception {
        onNew(createPostgresDatabase(), TestDatabases::dropPostgresDatabase, check);
    }

    /** Runs {@code check} on a new, empty MariaDB database, dropped afterwards. */
    public static void onNewMariadb(OnDatabase check) throws Exception {
        onNew(createMysqlDatabase(), TestDatabases::dropMysqlDatabase, check);
    }

    private static void onNew(String url, java.util.function.Consumer<String> drop, OnDatabase check) throws Exception {
        try {
            check.run(options(url));
        } finally {
            drop.accept(url);
        }
    }

    /** The Redis URL, after checking that Redis answers. */
    public static String redisUrl() {
        requireRedis();
        return "redis://127.0.0.1:6379";
    }

    /** Store options for a database made by this class: pool of 4, 5 s timeout. */
    public static SqlOptions options(String jdbcUrl) {
        String type = jdbcUrl.startsWith("jdbc:postgresql:") ? "postgresql" : "mysql";
        return new SqlOptions(type, jdbcUrl, type.equals("mysql") ? "root" : "postgres", null, 4, 5000, null);
    }

    private static String newName() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return "kw_t_" + HexFormat.of().formatHex(b);
    }

    /** The database name of a url made here; anything else is refused, so a typo never drops a real database. */
    private static String nameOf(String url) {
        String path = url.substring(url.lastIndexOf('/') + 1);
        String name = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        if (!name.matches("kw_t_[0-9a-f]{12}")) {
            throw new IllegalArgumentException("not a test database made by TestDatabases: " + name);
        }
        return name;
    }

    private static void admin(String url, String user, String sql) {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty(url.startsWith("jdbc:postgresql:") ? "loginTimeout" : "connectTimeout",
                url.startsWith("jdbc:postgresql:") ? "5" : "5000");
        try (Connection c = DriverManager.getConnection(url, p); Statement st = c.createStatement()) {
            st.setQueryTimeout(30);
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("test database setup failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    private static Service service(String name) {
        Service s = SERVICES.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown service " + name + "; known: " + SERVICES.keySet());
        }
        return s;
    }
}
