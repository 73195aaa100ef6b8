package keyward.core;

import java.time.Instant;
import java.util.Optional;
import keyward.store.KeyRecord;
import keyward.store.KeyState;

/**
 * Pre-Active keys: KMIP makes keys that may not be used until they are activated, by its
 * Activate operation or when their Activation Date passes. Both facts are Keyward attributes of
 * the key ({@link #STATE_ATTRIBUTE}, {@link #DATE_ATTRIBUTE}), so they are stored, replicated and
 * backed up with it, and the core refuses to encrypt, sign, mac, rewrap or make data keys with a
 * Pre-Active key over every front end. Removing the attribute (KMIP Activate, or a REST patch of
 * the attributes) activates the key. Stateless.
 */
public final class Activation {
    /** {@value #PRE_ACTIVE} while the key waits for activation; absent once it is active. */
    public static final String STATE_ATTRIBUTE = "kmip_state";
    public static final String PRE_ACTIVE = "pre-active";
    /** When a Pre-Active key becomes active by itself: seconds since the epoch, in decimal. */
    public static final String DATE_ATTRIBUTE = "kmip_activation_date";

    private Activation() {
    }

    /** True if the key is active in Keyward's terms but waits for its KMIP activation at {@code now}. */
    public static boolean preActive(KeyRecord k, Instant now) {
        return k.state() == KeyState.ACTIVE && PRE_ACTIVE.equals(k.attributes().get(STATE_ATTRIBUTE))
                && date(k).map(d -> d.isAfter(now)).orElse(true);
    }

    /** The Activation Date, if the key has a readable one. */
    public static Optional<Instant> date(KeyRecord k) {
        String v = k.attributes().get(DATE_ATTRIBUTE);
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.ofEpochSecond(Long.parseLong(v)));
        } catch (NumberFormatException | java.time.DateTimeException e) {
            return Optional.empty(); // edited over REST into something else: no date, activation by Activate only
        }
    }
}
