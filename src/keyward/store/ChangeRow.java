package keyward.store;

/**
 * One changelog entry: a change id (ordered as strings), the node it was made on, the kind and id
 * of the object it changed, and its payload (opaque to the store).
 */
public record ChangeRow(String changeId, String origin, String kind, String objectId, byte[] payload) {
}
