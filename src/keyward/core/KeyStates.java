package keyward.core;

import java.util.List;

/** Key states and their merge order (api.md): active < deactivated < compromised < destroyed. */
public final class KeyStates {
    public static final String ACTIVE = "active";
    public static final String DEACTIVATED = "deactivated";
    public static final String COMPROMISED = "compromised";
    public static final String PENDING_DESTRUCTION = "pending_destruction";
    public static final String DESTROYED = "destroyed";
    public static final List<String> ALL = List.of(ACTIVE, DEACTIVATED, COMPROMISED, PENDING_DESTRUCTION, DESTROYED);

    private KeyStates() {
    }

    /** Rank in merge order; pending_destruction ranks with active (it can be cancelled). */
    public static int rank(String state) {
        switch (state) {
            case ACTIVE:
            case PENDING_DESTRUCTION:
                return 0;
            case DEACTIVATED:
                return 1;
            case COMPROMISED:
                return 2;
            case DESTROYED:
                return 3;
            default:
                throw new IllegalArgumentException("unknown key state");
        }
    }

    /** Encrypt, sign, mac and datakey need an active key. */
    static void requireActive(String state, String ref) {
        if (!ACTIVE.equals(state)) {
            throw KwException.invalidState(describe(state, ref));
        }
    }

    /** Decrypt, verify and mac-verify work until the key is scheduled for destruction. */
    static void requireReadable(String state, String ref) {
        if (PENDING_DESTRUCTION.equals(state) || DESTROYED.equals(state)) {
            throw KwException.invalidState(describe(state, ref));
        }
    }

    private static String describe(String state, String ref) {
        switch (state) {
            case DESTROYED:
                return "key '" + ref + "' is destroyed";
            case PENDING_DESTRUCTION:
                return "key '" + ref + "' is pending destruction; cancel the destruction to use it";
            default:
                return "key '" + ref + "' is " + state + "; it can still decrypt and verify but not encrypt, sign"
                        + " or make data keys";
        }
    }
}
