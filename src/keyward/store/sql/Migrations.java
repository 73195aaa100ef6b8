package keyward.store.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import keyward.store.StoreException;

/**
 * The versioned schema. Each step runs once per database, recorded in {@code kw_schema_version};
 * {@link #run} takes a database-wide lock first, so several instances starting together migrate
 * exactly once. Where DDL is transactional (PostgreSQL, SQLite) the whole run is one transaction;
 * on MySQL every statement is idempotent, so a step cut short is redone safely.
 *
 * <p>Steps are append-only: a released step is never edited, a change is a new step.
 * {@code {NAME}}-style placeholders are filled by the {@link Dialect}.
 */
final class Migrations {

    /** One numbered step. */
    record Step(int version, String description, List<String> statements) {
    }

    static final List<Step> STEPS = List.of(
            new Step(1, "initial schema", List.of(
                    "CREATE TABLE IF NOT EXISTS kw_meta (name {NAME} NOT NULL PRIMARY KEY, value {BLOB} NOT NULL){TABLE}",
                    "CREATE TABLE IF NOT EXISTS kw_keys (id {ID} NOT NULL PRIMARY KEY, name {NAME},"
                            + " algorithm {NAME} NOT NULL, state {NAME} NOT NULL, state_before_destroy {NAME}, owner {NAME},"
                            + " exportable {INT} NOT NULL, primary_version {INT} NOT NULL, min_decryption_version {INT} NOT NULL,"
                            + " auto_rotate_period {BIGINT} NOT NULL, created_at {BIGINT}, updated_at {BIGINT}, rotated_at {BIGINT},"
                            + " destroy_at {BIGINT}, rotate_at {BIGINT}, row_version {BIGINT} NOT NULL,"
                            + " CONSTRAINT kw_keys_name_uq UNIQUE (name)){TABLE}",
                    "{CREATE_INDEX} kw_keys_owner ON kw_keys (owner, id)",
                    "{CREATE_INDEX} kw_keys_algorithm ON kw_keys (algorithm, id)",
                    "{CREATE_INDEX} kw_keys_state ON kw_keys (state, id)",
                    "{CREATE_INDEX} kw_keys_destroy ON kw_keys (state, destroy_at)",
                    "{CREATE_INDEX} kw_keys_rotate ON kw_keys (state, rotate_at)",
                    "CREATE TABLE IF NOT EXISTS kw_key_versions (key_id {ID} NOT NULL, version {INT} NOT NULL,"
                            + " kid {INT} NOT NULL, kek_id {NAME} NOT NULL, wrapped {BLOB}, public_key {BLOB}, created_at {BIGINT},"
                            + " PRIMARY KEY (key_id, version), FOREIGN KEY (key_id) REFERENCES kw_keys (id)){TABLE}",
                    "CREATE TABLE IF NOT EXISTS kw_key_tags (key_id {ID} NOT NULL, tag {NAME} NOT NULL, pos {INT} NOT NULL,"
                            + " PRIMARY KEY (key_id, tag), FOREIGN KEY (key_id) REFERENCES kw_keys (id)){TABLE}",
                    "{CREATE_INDEX} kw_key_tags_tag ON kw_key_tags (tag, key_id)",
                    "CREATE TABLE IF NOT EXISTS kw_key_attributes (key_id {ID} NOT NULL, name {NAME} NOT NULL,"
                            + " value {TEXT} NOT NULL, PRIMARY KEY (key_id, name),"
                            + " FOREIGN KEY (key_id) REFERENCES kw_keys (id)){TABLE}",
                    "CREATE TABLE IF NOT EXISTS kw_key_grants (key_id {ID} NOT NULL, user_name {NAME} NOT NULL,"
                            + " operations {TEXT} NOT NULL, PRIMARY KEY (key_id, user_name),"
                            + " FOREIGN KEY (key_id) REFERENCES kw_keys (id)){TABLE}",
                    "{CREATE_INDEX} kw_key_grants_user ON kw_key_grants (user_name, key_id)",
                    "CREATE TABLE IF NOT EXISTS kw_users (name {NAME} NOT NULL PRIMARY KEY, admin {INT} NOT NULL,"
                            + " created_at {BIGINT}){TABLE}",
                    "CREATE TABLE IF NOT EXISTS kw_tokens (user_name {NAME} NOT NULL, id {NAME} NOT NULL,"
                            + " hash {HASH} NOT NULL, created_at {BIGINT}, expires_at {BIGINT},"
                            + " PRIMARY KEY (user_name, id), CONSTRAINT kw_tokens_hash_uq UNIQUE (hash)){TABLE}",
                    "CREATE TABLE IF NOT EXISTS kw_audit (position {SERIAL}, node {NAME} NOT NULL, seq {BIGINT} NOT NULL,"
                            + " time_ms {BIGINT} NOT NULL, user_name {NAME}, operation {NAME} NOT NULL, key_ref {NAME},"
                            + " outcome {NAME} NOT NULL, remote {NAME}, prev_hash {HASH}, hash {HASH} NOT NULL,"
                            + " CONSTRAINT kw_audit_node_seq_uq UNIQUE (node, seq)){TABLE}",
                    "{CREATE_INDEX} kw_audit_node ON kw_audit (node, position)",
                    "{CREATE_INDEX} kw_audit_key ON kw_audit (key_ref, position)",
                    "{CREATE_INDEX} kw_audit_user ON kw_audit (user_name, position)",
                    "CREATE TABLE IF NOT EXISTS kw_audit_checkpoints (node {NAME} NOT NULL, seq {BIGINT} NOT NULL,"
                            + " hash {HASH} NOT NULL, signature {BLOB} NOT NULL, time_ms {BIGINT} NOT NULL,"
                            + " PRIMARY KEY (node, seq)){TABLE}",
                    "CREATE TABLE IF NOT EXISTS kw_leases (name {NAME} NOT NULL PRIMARY KEY, holder {NAME} NOT NULL,"
                            + " until_ms {BIGINT} NOT NULL){TABLE}")),
            new Step(2, "replication changelog", List.of(
                    "CREATE TABLE IF NOT EXISTS kw_changelog (change_id {ID} NOT NULL PRIMARY KEY, origin {ID} NOT NULL,"
                            + " kind {NAME} NOT NULL, object_id {NAME} NOT NULL, payload {BLOB} NOT NULL,"
                            + " created_at {BIGINT} NOT NULL){TABLE}",
                    "{CREATE_INDEX} kw_changelog_origin ON kw_changelog (origin, change_id)",
                    "{CREATE_INDEX} kw_changelog_created ON kw_changelog (created_at)",
                    "CREATE TABLE IF NOT EXISTS kw_repl_objects (kind {ID} NOT NULL, object_id {NAME} NOT NULL,"
                            + " doc {BLOB} NOT NULL, tombstone {INT} NOT NULL, updated_at {BIGINT} NOT NULL,"
                            + " PRIMARY KEY (kind, object_id)){TABLE}",
                    "CREATE TABLE IF NOT EXISTS kw_repl_vector (origin {ID} NOT NULL PRIMARY KEY,"
                            + " change_id {ID} NOT NULL, trimmed {ID}){TABLE}")),
            // Audit entries are written on every request: three secondary indexes made each one five
            // B-tree inserts. Now each append also stores, per key and per user in it, the range of
            // positions holding their entries (kw_audit_refs: one row per batch, not per entry), and a
            // filtered listing scans those ranges (AuditLog). Existing entries get ranges of at most
            // 10,000 positions. A listing by node pages through positions and filters;
            // kw_audit_node_seq_uq still finds a node's last entry.
            new Step(3, "audit: position ranges per key and user instead of three indexes", List.of(
                    "CREATE TABLE IF NOT EXISTS kw_audit_refs (kind {NAME} NOT NULL, ref {NAME} NOT NULL,"
                            + " first_position {BIGINT} NOT NULL, last_position {BIGINT} NOT NULL){TABLE}",
                    "{CREATE_INDEX} kw_audit_refs_ref ON kw_audit_refs (kind, ref, last_position)",
                    "INSERT INTO kw_audit_refs (kind, ref, first_position, last_position) SELECT 'key', key_ref,"
                            + " MIN(position), MAX(position) FROM kw_audit WHERE key_ref IS NOT NULL"
                            + " GROUP BY key_ref, {POSITION_BUCKET}",
                    "INSERT INTO kw_audit_refs (kind, ref, first_position, last_position) SELECT 'user', user_name,"
                            + " MIN(position), MAX(position) FROM kw_audit WHERE user_name IS NOT NULL"
                            + " GROUP BY user_name, {POSITION_BUCKET}",
                    "{DROP_INDEX kw_audit_node ON kw_audit}",
                    "{DROP_INDEX kw_audit_key ON kw_audit}",
                    "{DROP_INDEX kw_audit_user ON kw_audit}")),
            // one row per appended batch instead of per entry: a SQLite row cost the audit writer 3-5 µs per
            // request; entries stored before stay in kw_audit and keep their positions, all below the base
            new Step(4, "audit entries stored in blocks", List.of(
                    "CREATE TABLE IF NOT EXISTS kw_audit_blocks (position {SERIAL}, node {NAME} NOT NULL,"
                            + " first_seq {BIGINT} NOT NULL, last_seq {BIGINT} NOT NULL, data {BLOB} NOT NULL,"
                            + " CONSTRAINT kw_audit_blocks_node_seq_uq UNIQUE (node, first_seq)){TABLE}",
                    "{CREATE_INDEX} kw_audit_blocks_node ON kw_audit_blocks (node, position)",
                    "CREATE TABLE IF NOT EXISTS kw_audit_block_base (base {BIGINT} NOT NULL){TABLE}",
                    "INSERT INTO kw_audit_block_base (base) SELECT m.b FROM (SELECT COALESCE(MAX(position), 0) + 1 AS b"
                            + " FROM kw_audit) m WHERE NOT EXISTS (SELECT 1 FROM kw_audit_block_base)")),
            // the number a version was made with, which its ciphertexts' kw:vN: prefix must name after
            // replication renumbered it (core.CryptoService); 0 for versions stored before: not known
            new Step(5, "key versions keep the number they were issued with", List.of(
                    "ALTER TABLE kw_key_versions ADD COLUMN issued {INT} NOT NULL DEFAULT 0")),
            // A key's children are written only in the transaction that inserts the key's row or
            // compare-and-sets it (KeyWrites, KeyBatches: the row is locked), and only a refresh deletes
            // keys, with all their children (Changelog.wipe). The foreign keys guarded nothing more and
            // cost an index lookup and a row lock on the key per child row written, and per key deleted
            // a lookup in each of the four child tables: a refresh's wipe of 100,000 keys took 5.4 s on
            // PostgreSQL with them and 0.04 s without. SQLite's are declared and no longer enforced
            // (SqliteDialect: foreign_keys stays off); dropping them there would rebuild the tables.
            new Step(6, "key children without foreign keys", List.of(
                    "{DROP_FOREIGN_KEY key_id ON kw_key_versions}",
                    "{DROP_FOREIGN_KEY key_id ON kw_key_tags}",
                    "{DROP_FOREIGN_KEY key_id ON kw_key_attributes}",
                    "{DROP_FOREIGN_KEY key_id ON kw_key_grants}")));

    /** {@code {TYPE}}, {@code {DROP_INDEX index ON table}} or {@code {DROP_FOREIGN_KEY column ON table}}. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Z_]+)(?: (\\w+) ON (\\w+))?}");

    private Migrations() {
    }

    static int latest() {
        return STEPS.get(STEPS.size() - 1).version();
    }

    /** Brings the schema up to {@link #latest()}; returns how many steps it applied. */
    static int run(Connection c, Jdbc db, int lockWaitMs) throws SQLException {
        Dialect d = db.dialect;
        boolean tx = d.transactionalDdl();
        boolean locked = false;
        int networkTimeout = networkTimeout(c, -1);
        if (networkTimeout >= 0) {
            // waiting for another instance's migration may outlast the socket timeout of ordinary statements
            networkTimeout(c, lockWaitMs + 10_000);
        }
        c.setAutoCommit(!tx);
        try {
            d.lockSchema(c, lockWaitMs);
            locked = true;
            exec(c, db, "CREATE TABLE IF NOT EXISTS kw_schema_version (version {INT} NOT NULL PRIMARY KEY,"
                    + " description {NAME} NOT NULL, applied_at {BIGINT} NOT NULL){TABLE}");
            int current = current(c, db);
            if (current > latest()) {
                throw new StoreException(d.kind() + ": the database schema is at version " + current
                        + ", newer than this build knows (" + latest() + "); upgrade keyward");
            }
            int applied = 0;
            for (Step step : STEPS) {
                if (step.version() > current) {
                    apply(c, db, step);
                    applied++;
                }
            }
            if (tx) {
                c.commit();
            }
            return applied;
        } catch (SQLException | RuntimeException e) {
            if (tx) {
                try {
                    c.rollback();
                } catch (SQLException rollbackFailed) {
                    e.addSuppressed(rollbackFailed);
                }
            }
            throw e;
        } finally {
            if (locked && !tx) {
                d.unlockSchema(c);
            }
            c.setAutoCommit(true);
            if (networkTimeout >= 0) {
                networkTimeout(c, networkTimeout);
            }
        }
    }

    /** Sets the socket timeout if {@code ms >= 0}; returns the one before, or -1 where there is none (SQLite). */
    private static int networkTimeout(Connection c, int ms) throws SQLException {
        try {
            int before = c.getNetworkTimeout();
            if (ms >= 0) {
                c.setNetworkTimeout(Runnable::run, ms);
            }
            return before;
        } catch (java.sql.SQLFeatureNotSupportedException e) {
            return -1;
        }
    }

    private static void apply(Connection c, Jdbc db, Step step) throws SQLException {
        for (String sql : step.statements()) {
            db.dialect.renewSchemaLock(c);
            try {
                exec(c, db, sql);
            } catch (SQLException e) {
                if (!db.dialect.alreadyApplied(e)) {
                    throw e;
                }
            }
        }
        try (PreparedStatement ps = db.prepare(c,
                "INSERT INTO kw_schema_version (version, description, applied_at) VALUES (?, ?, ?)")) {
            ps.setInt(1, step.version());
            ps.setString(2, step.description());
            ps.setLong(3, System.currentTimeMillis());
            ps.executeUpdate();
        }
    }

    private static int current(Connection c, Jdbc db) throws SQLException {
        try (PreparedStatement ps = db.prepare(c, "SELECT MAX(version) FROM kw_schema_version");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    /** Runs one statement; one that expands to nothing (a step with no work on this database) is skipped. */
    private static void exec(Connection c, Jdbc db, String template) throws SQLException {
        String sql = expand(template, db.dialect);
        if (sql.isBlank()) {
            return;
        }
        try (PreparedStatement ps = db.prepare(c, sql)) {
            ps.execute();
        }
    }

    static String expand(String template, Dialect d) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String sql = m.group(2) == null ? d.ddl(m.group(1))
                    : m.group(1).equals("DROP_FOREIGN_KEY") ? d.dropForeignKey(m.group(2), m.group(3))
                    : d.dropIndex(m.group(2), m.group(3));
            m.appendReplacement(out, Matcher.quoteReplacement(sql));
        }
        return m.appendTail(out).toString();
    }
}
