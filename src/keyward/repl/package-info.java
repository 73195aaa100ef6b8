/**
 * Peer replication: each node keeps its own SQL database and pulls the others' changes over
 * mutually pinned TLS 1.3 (see docs/replication.md).
 *
 * <pre>
 *   local write ── Store ───(same transaction)── Capture: change id (Hlc), stamped document,
 *                                                  kw_changelog row, vector entry
 *   SupplierServer (SSLServerSocket, pinned client certs) ── answers pull / snapshot frames,
 *                                                  holds a waiting pull until ChangeSignal fires
 *   Consumer (one thread per supplier, long-polls) ── Link (pinned server cert) ── Applier:
 *            Merge (a join) + NameClaims + write + changelog row under the original id
 *   Refresher ── full copy on "domain mismatch" / "refresh required" (automatic_refresh or CLI)
 *   Replicator wires it all; Status feeds GET /v1/replication/status and the lag gauges.
 * </pre>
 *
 * Replication sees the store only through {@link keyward.store.Replica} (the SQL stores implement
 * it); the store holds no merge policy: it runs the functions given here inside its transactions.
 */
package keyward.repl;
