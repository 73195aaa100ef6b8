package keyward.vault;

/**
 * What a Vault-compatible route answers: a status and a JSON-able body (null for 204), with the
 * operation name and key name for the audit entry, metrics and the request log.
 */
public record VaultReply(int status, Object body, String operation, String keyRef) {
}
