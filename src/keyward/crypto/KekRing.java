package keyward.crypto;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The KEKs a node knows: the primary, which wraps everything new, and older ones still needed to
 * unwrap rows not yet re-wrapped during a KEK rotation. Each wrapped row stores the id of the KEK
 * that wrapped it. Immutable and thread-safe; changes make new rings.
 */
public final class KekRing {

    private final Kek primary;
    private final Map<String, Kek> byId;

    private KekRing(Kek primary, Map<String, Kek> byId) {
        this.primary = primary;
        this.byId = Map.copyOf(byId);
    }

    /** A ring with {@code primary} and any number of older KEKs. */
    public static KekRing of(Kek primary, Kek... older) {
        Map<String, Kek> m = new LinkedHashMap<>();
        for (Kek k : older) {
            m.put(k.id(), k);
        }
        m.put(primary.id(), primary);
        return new KekRing(primary, m);
    }

    public Kek primary() {
        return primary;
    }

    public Optional<Kek> get(String kekId) {
        return Optional.ofNullable(byId.get(kekId));
    }

    /** Every KEK in the ring, the primary included. */
    public Collection<Kek> all() {
        return byId.values();
    }

    /**
     * Unwraps with the KEK named {@code kekId}.
     *
     * @throws DecryptionFailedException if that KEK is unknown here or does not open the value
     */
    public Secret unwrap(String kekId, byte[] wrapped, String objectId, int kid, String purpose)
            throws DecryptionFailedException {
        Kek k = byId.get(kekId);
        if (k == null) {
            throw new DecryptionFailedException();
        }
        return k.unwrap(wrapped, objectId, kid, purpose);
    }

    /** A ring where {@code newPrimary} wraps from now on; the current KEKs stay for unwrapping. */
    public KekRing withPrimary(Kek newPrimary) {
        Map<String, Kek> m = new LinkedHashMap<>(byId);
        m.put(newPrimary.id(), newPrimary);
        return new KekRing(newPrimary, m);
    }

    /**
     * A ring without the KEK {@code kekId}, once no row needs it any more.
     *
     * @throws IllegalArgumentException if it is the primary
     */
    public KekRing without(String kekId) {
        if (primary.id().equals(kekId)) {
            throw new IllegalArgumentException("the primary KEK cannot leave the ring");
        }
        Map<String, Kek> m = new LinkedHashMap<>(byId);
        m.remove(kekId);
        return new KekRing(primary, m);
    }

    @Override
    public String toString() {
        return "KekRing[primary=" + primary.id() + ", " + byId.size() + " keks]";
    }
}
