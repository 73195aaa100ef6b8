package keyward.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The servers a MySQL/MariaDB URL names, for a Galera cluster or a master-master pair: {@code
 * jdbc:mysql://db1:3306,db2:3306,db3:3306/keyward} becomes one URL per server. New connections go
 * to the server that last worked; when it refuses, times out or cannot serve, the next one in the
 * list is tried, and the one that answers becomes the server that last worked. A server "cannot
 * serve" when it is read-only (the passive server of a master-master pair) or, on Galera, not
 * ready: a node outside the primary component accepts connections but answers queries with error
 * 1047. Connections made earlier to a server that
 * fails die with their statements (the pool then drops its idle ones), so the pool moves over as
 * a whole within one request.
 *
 * <p>Connector/J's own multi-host failover is not used: it makes a failed-over connection
 * read-only unless told otherwise, and it does not treat error 1047 as a reason to move. A URL with
 * one host, or with Connector/J's {@code loadbalance:}, {@code replication:} or address-list
 * syntax, is used as written. Thread-safe.
 */
final class Hosts {

    /** Opens a connection to one URL. */
    interface Opener {
        Connection open(String url) throws SQLException;
    }

    private final List<String> urls;
    private final AtomicInteger current = new AtomicInteger();

    private Hosts(List<String> urls) {
        this.urls = List.copyOf(urls);
    }

    /** The servers of {@code jdbcUrl}; one entry (the URL itself) unless it is a plain MySQL multi-host URL. */
    static Hosts of(String kind, String jdbcUrl) {
        String prefix = "jdbc:mysql://";
        if (!kind.equals("mysql") || !jdbcUrl.startsWith(prefix)) {
            return new Hosts(List.of(jdbcUrl));
        }
        String rest = jdbcUrl.substring(prefix.length());
        int end = rest.length();
        for (int i = 0; i < rest.length(); i++) {
            if (rest.charAt(i) == '/' || rest.charAt(i) == '?') {
                end = i;
                break;
            }
        }
        String hostList = rest.substring(0, end);
        if (!hostList.contains(",") || hostList.contains("(") || hostList.contains("[") || hostList.contains("@")) {
            return new Hosts(List.of(jdbcUrl));
        }
        List<String> urls = new ArrayList<>();
        for (String host : hostList.split(",")) {
            if (!host.isBlank()) {
                urls.add(prefix + host.strip() + rest.substring(end));
            }
        }
        return new Hosts(urls);
    }

    /** The URLs, one per server, in the order given. */
    List<String> urls() {
        return urls;
    }

    /** Index of the server new connections try first. */
    int current() {
        return current.get();
    }

    /**
     * A connection to the server that last worked, else to the next that does, trying each once.
     * If none works, the failure names each server's.
     */
    Connection connect(Opener opener) throws SQLException {
        if (urls.size() == 1) {
            return opener.open(urls.get(0));
        }
        int start = current.get();
        List<SQLException> failures = new ArrayList<>();
        for (int k = 0; k < urls.size(); k++) {
            int i = (start + k) % urls.size();
            Connection c = null;
            try {
                c = opener.open(urls.get(i));
                serves(c, urls.get(i));
                current.compareAndSet(start, i);
                return c;
            } catch (SQLException e) {
                if (c != null) {
                    closeQuietly(c);
                }
                // the next connection starts with the next server, even if this call finds none
                current.compareAndSet(i, (i + 1) % urls.size());
                failures.add(e);
            }
        }
        throw ConnectFailure.none(failures);
    }

    /**
     * Whether the server takes writes: not {@code read_only} (the passive server of a master-master
     * pair), and on Galera in the primary component and ready ({@code wsrep_ready}; a node outside
     * it refuses the query itself with error 1047).
     */
    private static void serves(Connection c, String url) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT @@read_only, (SELECT VARIABLE_VALUE FROM"
                + " information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'wsrep_ready'), (SELECT VARIABLE_VALUE FROM"
                + " information_schema.GLOBAL_VARIABLES WHERE VARIABLE_NAME = 'wsrep_on')")) {
            ps.setQueryTimeout(5);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                String where = "the mysql server at " + ConnectFailure.target(url);
                if (rs.getInt(1) != 0) {
                    throw new SQLException(where + " is read-only (read_only=ON): Keyward writes only to a writable server",
                            "08004");
                }
                if ("ON".equalsIgnoreCase(rs.getString(3)) && !"ON".equalsIgnoreCase(rs.getString(2))) {
                    throw new SQLException(where + " is a Galera node that is not ready (wsrep_ready=OFF)", "08004");
                }
            }
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException | RuntimeException e) {
            // it failed already; nothing more to release
        }
    }
}
