package keyward.store.sql;

import java.net.UnknownHostException;
import java.sql.SQLException;

/**
 * A connection the driver could not open, described for an operator: which database at which
 * address, the driver's own words (any password scrubbed out), and what to check. Never carries
 * the password or the rest of the driver properties.
 */
final class ConnectFailure extends SQLException {
    private static final long serialVersionUID = 1L;

    private ConnectFailure(String message, SQLException cause) {
        super(message, cause.getSQLState(), cause.getErrorCode(), cause);
    }

    /** {@code e} described for the database {@code kind} at {@code jdbcUrl}; {@code password} is scrubbed. */
    static ConnectFailure of(String kind, String jdbcUrl, String password, SQLException e) {
        String target = target(jdbcUrl);
        String said = scrub(driverWords(e), password);
        return new ConnectFailure("cannot connect to the " + kind + " database at " + target + ": " + said
                + hint(kind, target, e), e);
    }

    /** No server of a multi-host URL answered: each one's failure, in the order tried. */
    static ConnectFailure none(java.util.List<SQLException> each) {
        StringBuilder m = new StringBuilder("no database server of the " + each.size() + " named answers: ");
        for (int i = 0; i < each.size(); i++) {
            m.append(i == 0 ? "" : "; ").append(each.get(i).getMessage());
        }
        return new ConnectFailure(m.toString(), each.get(0));
    }

    /** host:port/database for a network URL, the file for SQLite; no user info, no parameters. */
    static String target(String jdbcUrl) {
        String s = jdbcUrl.startsWith("jdbc:") ? jdbcUrl.substring(5) : jdbcUrl;
        int scheme = s.indexOf("://");
        if (s.startsWith("sqlite:")) {
            return s.substring(7);
        }
        s = scheme >= 0 ? s.substring(scheme + 3) : s;
        int query = s.indexOf('?');
        s = query >= 0 ? s.substring(0, query) : s;
        int at = s.lastIndexOf('@');
        return at >= 0 ? s.substring(at + 1) : s;
    }

    private static String driverWords(SQLException e) {
        String m = e.getMessage();
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof UnknownHostException) {
                return "unknown host " + t.getMessage();
            }
        }
        if (m == null || m.isBlank()) {
            return "no details from the driver (SQLState " + e.getSQLState() + ", code " + e.getErrorCode() + ")";
        }
        m = m.replace('\n', ' ').strip();
        return m.endsWith(".") ? m.substring(0, m.length() - 1) : m;
    }

    private static String scrub(String text, String password) {
        return password == null || password.isEmpty() ? text : text.replace(password, "***");
    }

    private static String hint(String kind, String target, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (kind.startsWith("sqlite")) {
            return "; check that the directory of " + target + " exists and this user may write there"
                    + " (for a new deployment run 'keyward init' first)";
        }
        if (state.startsWith("28") || e.getErrorCode() == 1045) {
            return "; check the user name and the password (database_password_file or the URL's user info)";
        }
        if (state.equals("3D000") || e.getErrorCode() == 1049) {
            return "; create that database first, or fix its name in database_url";
        }
        if (state.startsWith("08")) {
            return "; check that the database server runs and listens there and that the host name resolves";
        }
        return "";
    }
}
