package keyward.core;

import java.time.Instant;
import keyward.store.KeyRecord;
import keyward.store.KeyState;

/** What each key state allows (api.md); the states and their merge order are {@link KeyState}. */
final class KeyStates {

    private KeyStates() {
    }

    /** Encrypt, sign, mac and datakey need an active key. */
    static void requireActive(KeyState state, String ref) {
        if (state != KeyState.ACTIVE) {
            throw KwException.invalidState(describe(state, ref));
        }
    }

    /** As {@link #requireActive}, and not Pre-Active (waiting for its KMIP activation, {@link Activation}). */
    static void requireUsable(KeyRecord k, String ref, Instant now) {
        requireActive(k.state(), ref);
        if (Activation.preActive(k, now)) {
            throw KwException.invalidState("key '" + ref + "' is pre-active: it may not be used until it is activated"
                    + " (KMIP Activate" + Activation.date(k).map(d -> ", or its activation date " + d).orElse("")
                    + "); reading, exporting and decrypting work already");
        }
    }

    /** Decrypt, verify and mac-verify work until the key is scheduled for destruction. */
    static void requireReadable(KeyState state, String ref) {
        if (state == KeyState.PENDING_DESTRUCTION || state == KeyState.DESTROYED) {
            throw KwException.invalidState(describe(state, ref));
        }
    }

    private static String describe(KeyState state, String ref) {
        switch (state) {
            case DESTROYED:
                return "key '" + ref + "' is destroyed";
            case PENDING_DESTRUCTION:
                return "key '" + ref + "' is pending destruction; cancel the destruction to use it";
            default:
                return "key '" + ref + "' is " + state.wire() + "; it can still decrypt and verify but not encrypt,"
                        + " sign or make data keys";
        }
    }
}
