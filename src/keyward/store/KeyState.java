package keyward.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The lifecycle state of a key (api.md), with the name every wire format uses (the API's JSON,
 * the stored columns and objects, backups, replication documents) and its rank in merge order:
 * active &lt; deactivated &lt; compromised &lt; destroyed; pending_destruction ranks with active because it
 * can be cancelled.
 */
public enum KeyState {
    ACTIVE("active", 0),
    DEACTIVATED("deactivated", 1),
    COMPROMISED("compromised", 2),
    PENDING_DESTRUCTION("pending_destruction", 0),
    DESTROYED("destroyed", 3);

    private final String wire;
    private final int rank;

    KeyState(String wire, int rank) {
        this.wire = wire;
        this.rank = rank;
    }

    /** The name in every wire and storage format. */
    public String wire() {
        return wire;
    }

    /** Rank in merge order: a replica's state only rises in it. */
    public int rank() {
        return rank;
    }

    /** The state with this wire name, exact match. */
    public static Optional<KeyState> parse(String wire) {
        for (KeyState s : values()) {
            if (s.wire.equals(wire)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The wire names in declaration order, for messages that list what is allowed. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (KeyState s : values()) {
            out.add(s.wire);
        }
        return out;
    }

    /** The message for a name read from storage or a peer that is not a state. */
    public static String unknown(String wire) {
        return "unknown key state '" + wire + "'; known: " + names();
    }
}
