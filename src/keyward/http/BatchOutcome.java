package keyward.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The audit outcome of one batch request: "ok" when every item succeeded, the error code when
 * every item failed the same way, and otherwise the count per outcome with the failed items
 * named by index, e.g. {@code "ok=3 forbidden=2[1,4] invalid_request=1[5]"}. Kept within the
 * audit's field length: indexes that do not fit end in "...", the counts are always there.
 */
final class BatchOutcome {
    /** The audit stores at most 255 characters per field; leave room for the counts. */
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
        StringBuilder counts = new StringBuilder();
        List<Integer> ok = items.get("ok");
        if (ok != null) {
            counts.append("ok=").append(ok.size());
        }
        int budget = MAX_LENGTH;
        for (Map.Entry<String, List<Integer>> e : items.entrySet()) {
            if (!"ok".equals(e.getKey())) {
                counts.append(counts.length() == 0 ? "" : " ").append(e.getKey()).append('=').append(e.getValue().size());
            }
        }
        budget -= counts.length();
        StringBuilder out = new StringBuilder();
        if (ok != null) {
            out.append("ok=").append(ok.size());
        }
        for (Map.Entry<String, List<Integer>> e : items.entrySet()) {
            if ("ok".equals(e.getKey())) {
                continue;
            }
            out.append(out.length() == 0 ? "" : " ").append(e.getKey()).append('=').append(e.getValue().size()).append('[');
            budget -= 2;
            List<Integer> indexes = e.getValue();
            for (int i = 0; i < indexes.size(); i++) {
                String next = (i == 0 ? "" : ",") + indexes.get(i);
                if (next.length() > budget - 3) {
                    out.append("...");
                    budget = 0;
                    break;
                }
                out.append(next);
                budget -= next.length();
            }
            out.append(']');
        }
        return out.toString();
    }
}
