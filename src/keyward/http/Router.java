package keyward.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Finds the route for a method and path; a path that exists under another method is a 405. Routes
 * are kept by their number of segments, so a request is matched against those of its own length.
 */
final class Router {
    private final Map<Integer, List<Route>> bySize = new HashMap<>();

    /** A match: the route and its captured path segments (URL-decoded). */
    record Match(Route route, String[] params) {
    }

    void add(Route r) {
        bySize.computeIfAbsent(r.segments().length, n -> new ArrayList<>()).add(r);
    }

    void addAll(List<Route> rs) {
        rs.forEach(this::add);
    }

    /** The match, or null with {@code allowed} (if not null) filled when only the method differs. */
    Match find(String method, String[] path, TreeSet<String> allowed) {
        for (Route r : bySize.getOrDefault(path.length, List.of())) {
            String[] params = r.match(path);
            if (params != null) {
                if (r.method().equals(method)) {
                    return new Match(r, params);
                }
                if (allowed != null) {
                    allowed.add(r.method());
                }
            }
        }
        return null;
    }
}
