package keyward.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A command's own flags and positional arguments, taken out of the argument list; what remains
 * goes to the configuration loader, which refuses anything it does not know.
 */
final class Args {
    private final List<String> rest;

    Args(List<String> args) {
        this.rest = new ArrayList<>(args);
    }

    /** Removes {@code --name} and reports whether it was there. */
    boolean flag(String name) {
        return rest.remove("--" + name);
    }

    /** Removes {@code --name=value} or {@code --name value}; null if absent. */
    String value(String name) {
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            if (a.equals("--" + name)) {
                if (i + 1 >= rest.size()) {
                    throw new UsageException("--" + name + " needs a value");
                }
                rest.remove(i);
                return rest.remove(i);
            }
            if (a.startsWith("--" + name + "=")) {
                rest.remove(i);
                return a.substring(name.length() + 3);
            }
        }
        return null;
    }

    /** Removes {@code --name N}: an integer in {@code min..max}, {@code dflt} if absent; anything else is a usage error. */
    long number(String name, long dflt, long min, long max) {
        String v = value(name);
        if (v == null) {
            return dflt;
        }
        if (!v.isEmpty() && v.length() <= 18 && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        }
        throw new UsageException("--" + name + " must be an integer " + min + ".." + max + ", not '" + v + "'");
    }

    /** Removes and returns the first argument that is not a flag (or a flag's value); null if none. */
    String positional() {
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            if (!a.startsWith("--")) {
                boolean isValue = i > 0 && rest.get(i - 1).startsWith("--") && !rest.get(i - 1).contains("=");
                if (!isValue) {
                    return rest.remove(i);
                }
            }
        }
        return null;
    }

    List<String> rest() {
        return List.copyOf(rest);
    }

    /** Wrong use of a command: exit code 2 with the command's usage. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
