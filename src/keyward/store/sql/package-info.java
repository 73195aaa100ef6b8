/**
 * The {@link keyward.store.Store} over raw JDBC for SQLite, PostgreSQL and MySQL/MariaDB.
 *
 * <pre>
 *   SqlStore ── KeyWrites / KeyReads / Locate / Accounts / AuditLog   every statement, once
 *      └── Jdbc: transactions, statement timeouts, SQL failure → store exception
 *            ├── Pool (bounded, validated, self-healing; SQLite: one writer pool + a reader pool)
 *            └── Dialect: SqliteDialect | PostgresDialect | MysqlDialect   DDL types, upsert,
 *                          schema lock, snapshot reads, error codes
 *   Hosts: a MySQL URL naming several servers (Galera, master-master) → the first ready, writable one
 *   Migrations: numbered steps in kw_schema_version, run by open() under a database lock
 *   SqlReplica ── SqlReplicaTx / Changelog: the store.Replica (changelog, version vector, merged writes)
 *      (a store.ChangeCapture hooks every key, user and token write into the same transaction)
 *   JdbcUrls, SqlOptions: what the operator configures
 * </pre>
 *
 * Operators: {@code --database-url} takes {@code postgres://user:pass@host:5432/db?sslmode=require}
 * (also multi-host with {@code target_session_attrs=read-write}), {@code mysql://user:pass@host:3306/db}
 * (also {@code host1:3306,host2:3306}: see {@code Hosts})
 * (MariaDB too) or a {@code jdbc:} URL; driver properties, such as a MySQL client certificate
 * ({@code clientCertificateKeyStoreUrl}, {@code clientCertificateKeyStorePassword},
 * {@code clientCertificateKeyStoreType=PKCS12}, {@code sslMode=VERIFY_CA}), go in
 * {@link keyward.store.sql.SqlOptions#extra()}.
 */
package keyward.store.sql;
