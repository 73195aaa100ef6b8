package keyward.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The audit outcome of one batch request: "ok" when every item succeeded, the error code when
 * every item failed the same way, and otherwise the count per outcome with the failed items
 * named by index, e.g. {@code "ok=3 forbidden=2[1,4] invalid_request=1[5]"}. The counts are
 * always there; indexes that would take the text past {@link #MAX_LENGTH} end in "...".
 * Not thread-safe: one per request.
 */
final class BatchOutcome {
    /** Within the 255 characters the audit stores per field. */
    static final int MAX_LENGTH = 240;

    private final Map<String, List<Integer>> items = new TreeMap<>();

    void add(int index, String outcome) {
        items.computeIfAbsent(outcome, o -> new ArrayList<>()).add(index);
    }

    String text() {
        if (items.isEmpty()) {
            return "ok";
        }
        if (items.size() == 1) {
            return items.keySet().iterator().next();
        }
        List<Integer> ok = items.get("ok");
        // room for the indexes: what the counts, brackets and "..." markers leave
        int room = MAX_LENGTH - (ok == null ? 0 : ("ok=" + ok.size()).length());
        for (Map.Entry<String, List<Integer>> e : items.entrySet()) {
            if (!"ok".equals(e.getKey())) {
                room -= (" " + e.getKey() + "=" + e.getValue().size() + "[...]").length();
            }
        }
        StringBuilder out = new StringBuilder();
        if (ok != null) {
            out.append("ok=").append(ok.size());
        }
        for (Map.Entry<String, List<Integer>> e : items.entrySet()) {
            if ("ok".equals(e.getKey())) {
                continue;
            }
            out.append(out.length() == 0 ? "" : " ").append(e.getKey()).append('=').append(e.getValue().size()).append('[');
            List<Integer> indexes = e.getValue();
            for (int i = 0; i < indexes.size(); i++) {
                String next = (i == 0 ? "" : ",") + indexes.get(i);
                if (next.length() > room) {
                    out.append("...");
                    room = 0;
                    break;
                }
                out.append(next);
                room -= next.length();
            }
            out.append(']');
        }
        return out.toString();
    }
}
