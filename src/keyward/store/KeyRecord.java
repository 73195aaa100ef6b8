package keyward.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A key as stored: metadata, all its versions and its grants, written and read as one unit.
 *
 * <p>{@code rowVersion} is the optimistic-concurrency counter: {@link Store#updateKey} writes only
 * if the stored row still has this value, and the stored copy then carries {@code rowVersion + 1}.
 * Every collection is immutable; build changed copies with the {@code with...} methods.
 *
 * @param state             the lifecycle state
 * @param stateBeforeDestroy the state to return to on cancel-destroy (only while pending_destruction)
 * @param autoRotatePeriod  seconds, 0 = never
 * @param rotatedAt         when the primary version was made (auto-rotation counts from it)
 * @param destroyAt         when a pending destruction becomes due, else {@code null}
 * @param grants            user name (or "*") to the granted operations
 */
public record KeyRecord(
        String id, String name, String algorithm, KeyState state, KeyState stateBeforeDestroy,
        String owner, List<String> tags, Map<String, String> attributes, boolean exportable,
        int primaryVersion, int minDecryptionVersion, long autoRotatePeriod,
        Instant createdAt, Instant updatedAt, Instant rotatedAt, Instant destroyAt,
        List<KeyVersion> versions, Map<String, Set<Permission>> grants, long rowVersion) {

    public KeyRecord {
        tags = List.copyOf(tags);
        attributes = Map.copyOf(attributes);
        versions = List.copyOf(versions);
        grants = grants.entrySet().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(
                Map.Entry::getKey, e -> Set.copyOf(e.getValue())));
    }

    public Optional<KeyVersion> version(int number) {
        for (KeyVersion v : versions) {
            if (v.version() == number) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    public Optional<KeyVersion> versionByKid(int kid) {
        for (KeyVersion v : versions) {
            if (v.kid() == kid) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    public KeyVersion primary() {
        return version(primaryVersion).orElseThrow(() -> new IllegalStateException("key " + id + " has no primary version"));
    }

    /** A builder seeded with this record, for changed copies. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Mutable builder; {@link #build()} makes the immutable record. */
    public static final class Builder {
        public String id, name, algorithm, owner;
        public KeyState state, stateBeforeDestroy;
        public List<String> tags = List.of();
        public Map<String, String> attributes = Map.of();
        public boolean exportable;
        public int primaryVersion, minDecryptionVersion;
        public long autoRotatePeriod;
        public Instant createdAt, updatedAt, rotatedAt, destroyAt;
        public List<KeyVersion> versions = List.of();
        public Map<String, Set<Permission>> grants = Map.of();
        public long rowVersion;

        public Builder() {
        }

        Builder(KeyRecord r) {
            id = r.id; name = r.name; algorithm = r.algorithm; state = r.state;
            stateBeforeDestroy = r.stateBeforeDestroy; owner = r.owner; tags = r.tags;
            attributes = r.attributes; exportable = r.exportable; primaryVersion = r.primaryVersion;
            minDecryptionVersion = r.minDecryptionVersion; autoRotatePeriod = r.autoRotatePeriod;
            createdAt = r.createdAt; updatedAt = r.updatedAt; rotatedAt = r.rotatedAt;
            destroyAt = r.destroyAt; versions = r.versions; grants = r.grants; rowVersion = r.rowVersion;
        }

        public KeyRecord build() {
            return new KeyRecord(id, name, algorithm, state, stateBeforeDestroy, owner, tags, attributes,
                    exportable, primaryVersion, minDecryptionVersion, autoRotatePeriod, createdAt, updatedAt,
                    rotatedAt, destroyAt, versions, grants, rowVersion);
        }
    }
}
