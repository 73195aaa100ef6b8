package keyward.repl;

import java.util.Map;
import java.util.TreeMap;
import keyward.store.KeyRecord;

/**
 * A key as replication merges it: the record and the change id that last set each part of it.
 *
 * @param key      the record (row version meaningless here)
 * @param fields   stamp of the plain fields (name, owner, tags, attributes, exportable,
 *                 min_decryption_version, auto_rotate_period)
 * @param state    stamp of state, state_before_destroy and destroy_at
 * @param created  change id that created the key (earliest seen)
 * @param grants   per user, the stamp of its grant; a user stamped here but without a grant had it removed
 * @param versions per kid, the stamp of the version (its creation, or its destruction or re-wrap)
 */
record KeyDoc(KeyRecord key, String fields, String state, String created, Map<String, String> grants,
              Map<Integer, String> versions) {

    KeyDoc {
        grants = Map.copyOf(new TreeMap<>(grants));
        versions = Map.copyOf(versions);
    }

    /** The stamp of the newest change in this document. */
    String newest() {
        String max = fields;
        for (String s : new String[] {state, created}) {
            max = s.compareTo(max) > 0 ? s : max;
        }
        for (String s : grants.values()) {
            max = s.compareTo(max) > 0 ? s : max;
        }
        for (String s : versions.values()) {
            max = s.compareTo(max) > 0 ? s : max;
        }
        return max;
    }
}
