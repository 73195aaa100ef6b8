package keyward.core;

import java.util.List;
import java.util.Map;

/** Typed requests of the key lifecycle, parsed and range-checked by the HTTP layer. Null = absent. */
public final class KeyRequests {
    private KeyRequests() {
    }

    public record Create(String name, String algorithm, List<String> tags, Map<String, String> attributes,
                         boolean exportable, long autoRotatePeriod) {
    }

    /** Exactly one of material / wrappedMaterial is set. */
    public record Import(String name, String algorithm, byte[] material, byte[] wrappedMaterial, List<String> tags,
                         Map<String, String> attributes, boolean exportable) {
    }

    public record Patch(String name, List<String> tags, Map<String, String> attributes,
                        Integer minDecryptionVersion, Long autoRotatePeriod, Boolean exportable) {
    }

    public record Locate(List<String> tags, String name, String algorithm, String state, String owner,
                         int limit, String after) {
    }

    /**
     * A change to a {@code secret} key computed from its fresh record (see
     * {@link KeyService#editSecret}): optional new material (appended as a new primary version),
     * version numbers whose material is to be erased, and the complete new attributes (null keeps them).
     */
    public record SecretEdit(byte[] newMaterial, java.util.Set<Integer> eraseVersions, Map<String, String> attributes) {
    }
}
