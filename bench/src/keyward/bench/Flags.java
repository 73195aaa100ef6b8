package keyward.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arguments of a bench command that runs a server: {@code --name=value} flags (a bare
 * {@code --name} is "true"), then {@code --} and the server's command, optionally followed by
 * another {@code --} and a second command (Measure's paired ceiling).
 */
final class Flags {
    private final String command;
    private final Map<String, String> values = new LinkedHashMap<>();
    final List<String> server = new ArrayList<>();
    final List<String> second = new ArrayList<>();

    Flags(String command, String[] args) {
        this.command = command;
        List<String> all = Arrays.asList(args);
        int dashes = all.indexOf("--");
        if (dashes < 0) {
            throw new IllegalArgumentException(command + ": the server command follows '--'");
        }
        for (String a : all.subList(0, dashes)) {
            int eq = a.indexOf('=');
            values.put(eq < 0 ? a.substring(2) : a.substring(2, eq), eq < 0 ? "true" : a.substring(eq + 1));
        }
        List<String> rest = all.subList(dashes + 1, all.size());
        int again = rest.indexOf("--");
        server.addAll(again < 0 ? rest : rest.subList(0, again));
        if (again >= 0) {
            second.addAll(rest.subList(again + 1, rest.size()));
        }
    }

    /** The flag's value, or {@code fallback}; a missing flag without one is an error naming it. */
    String get(String name, String fallback) {
        String v = values.getOrDefault(name, fallback);
        if (v == null) {
            throw new IllegalArgumentException(command + ": --" + name + " is required");
        }
        return v;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }
}
