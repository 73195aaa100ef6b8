package keyward.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import keyward.json.Json;
import keyward.store.KeyRecord;
import keyward.store.KeyVersion;
import keyward.store.RandomRecords;
import org.junit.jupiter.api.Test;

/**
 * Key metadata as the API shows it, field by field, after going through JSON text: one way only
 * (the API never reads a whole key back); no material, grants or row version among the fields.
 */
class KeyJsonTest {

    @Test
    void randomKeys_showEveryMetadataField_asApiMdNamesIt() {
        RandomRecords random = new RandomRecords(3);
        for (int i = 0; i < 200; i++) {
            KeyRecord.Builder b = random.key().toBuilder();
            b.createdAt = b.createdAt == null ? random.instant() : b.createdAt;  // a served key always has both
            b.updatedAt = b.updatedAt == null ? random.instant() : b.updatedAt;
            KeyRecord k = b.build();
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) Json.parse(Json.writeBytes(KeyJson.metadata(k)),
                    Json.Limits.DEFAULT);
            assertEquals(List.of("id", "name", "algorithm", "state", "owner", "tags", "attributes", "exportable",
                    "primary_version", "min_decryption_version", "auto_rotate_period", "versions", "created_at",
                    "updated_at", "destroy_at"), List.copyOf(m.keySet()));
            assertEquals(k.id(), m.get("id"));
            assertEquals(k.name() == null ? Json.NULL : k.name(), m.get("name"));
            assertEquals(k.algorithm(), m.get("algorithm"));
            assertEquals(k.state().wire(), m.get("state"));
            assertEquals(k.owner() == null ? Json.NULL : k.owner(), m.get("owner"));
            assertEquals(k.tags(), m.get("tags"));
            assertEquals(k.attributes(), m.get("attributes"));
            assertEquals(k.exportable(), m.get("exportable"));
            assertEquals((long) k.primaryVersion(), m.get("primary_version"));
            assertEquals((long) k.minDecryptionVersion(), m.get("min_decryption_version"));
            assertEquals(k.autoRotatePeriod(), m.get("auto_rotate_period"));
            List<Object> versions = new ArrayList<>();
            for (KeyVersion v : k.versions()) {
                versions.add(Map.of("version", (long) v.version(), "created_at", v.createdAt().toString()));
            }
            assertEquals(versions, m.get("versions"));
            assertEquals(k.createdAt(), Instant.parse((String) m.get("created_at")));
            assertEquals(k.updatedAt(), Instant.parse((String) m.get("updated_at")));
            assertEquals(k.destroyAt() == null ? Json.NULL : k.destroyAt().toString(), m.get("destroy_at"));
        }
    }
}
