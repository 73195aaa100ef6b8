package keyward.store;

/**
 * Audit listing filters; null = any. Results ascending by position, strictly after {@code afterPosition}.
 */
public record AuditQuery(long afterPosition, int limit, String node, String keyRef, String user) {
}
