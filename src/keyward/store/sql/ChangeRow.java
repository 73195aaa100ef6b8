package keyward.store.sql;

/** One changelog entry: a change id (ordered), the node it was made on, the object and its payload. */
public record ChangeRow(String changeId, String origin, String kind, String objectId, byte[] payload) {
}
