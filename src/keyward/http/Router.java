package keyward.http;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Finds the route for a method and path; a path that exists under another method is a 405. */
final class Router {
    private final List<Route> routes = new ArrayList<>();

    /** A match: the route and its captured path segments (URL-decoded). */
    record Match(Route route, String[] params) {
    }

    void add(Route r) {
        routes.add(r);
    }

    void addAll(List<Route> rs) {
        routes.addAll(rs);
    }

    /** The match, or null with {@code allowed} filled when only the method differs. */
    Match find(String method, String[] path, TreeSet<String> allowed) {
        for (Route r : routes) {
            String[] params = r.match(path);
            if (params != null) {
                if (r.method().equals(method)) {
                    return new Match(r, params);
                }
                allowed.add(r.method());
            }
        }
        return null;
    }
}
