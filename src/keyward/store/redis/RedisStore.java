package keyward.store.redis;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocketFactory;
import keyward.crypto.KeyDerivation;
import keyward.crypto.Secret;
import keyward.store.AuditCheckpoint;
import keyward.store.AuditQuery;
import keyward.store.AuditRecord;
import keyward.store.ConflictException;
import keyward.store.KeyPage;
import keyward.store.KeyQuery;
import keyward.store.KeyRecord;
import keyward.store.PoolUsage;
import keyward.store.Store;
import keyward.store.StoreException;
import keyward.store.StoreUnavailableException;
import keyward.store.TokenRecord;
import keyward.store.UserRecord;

/**
 * The {@code redis-findex} store: Redis holds everything and sees nothing. Every object is
 * AES-256-GCM sealed under an opaque name, every search goes through the encrypted index
 * ({@link Findex}), and every candidate is re-checked against the decrypted object.
 *
 * <p>Guarantees beyond {@link Store}: a wrong master password or a label other than the one in
 * use is refused by {@link #open(RedisOptions, BiFunction)} with a clear message; any number of instances may
 * write concurrently (index appends and object writes are compare-and-swap Lua scripts); the index
 * is written before an object and cleaned after it, so a crash between the two never yields a key
 * that does not exist or does not match. Thread-safe. Failures to reach Redis raise
 * {@link StoreUnavailableException} within the configured timeout.
 */
public final class RedisStore implements Store {
    private static final int MAX_RETRIES = 5;

    private final RedisPool pool;
    private final RedisKeys keys;
    private final Generation generation;
    private final SealedObjects objects;
    private final Findex findex;
    private final KeyLocator locator;
    private final Principals principals;
    private final AuditLog audit;
    private final KeyWrites keyWrites;

    @Override
    public List<PoolUsage> pools() {
        return List.of(pool);
    }

    private RedisStore(RedisPool pool, RedisKeys keys) {
        this.pool = pool;
        this.keys = keys;
        ObjectCodec codec = new ObjectCodec(keys);
        this.generation = new Generation(pool, keys, codec);
        this.objects = new SealedObjects(pool, keys, codec, generation);
        this.findex = new Findex(pool, keys, codec, generation);
        this.locator = new KeyLocator(findex, objects);
        this.principals = new Principals(objects, findex);
        this.audit = new AuditLog(objects, findex);
        this.keyWrites = new KeyWrites(objects, findex, generation);
    }

    /**
     * Connects, derives the master key (through {@code masterKey}: from the master password and
     * the salt stored in Redis; {@code KeyDerivation::fromPassword}), checks it and the label
     * against what Redis holds (recording both on first use) and returns the open store.
     *
     * @throws StoreException if the password or the label do not match this database
     */
    public static RedisStore open(RedisOptions o, BiFunction<char[], byte[], KeyDerivation> masterKey) {
        return open(o, (SSLSocketFactory) SSLSocketFactory.getDefault(), masterKey);
    }

    /** As {@link #open(RedisOptions, BiFunction)}, with TLS ({@code rediss}) through {@code tls}. */
    public static RedisStore open(RedisOptions o, SSLSocketFactory tls, BiFunction<char[], byte[], KeyDerivation> masterKey) {
        RedisPool pool = pool(o, tls);
        try (KeyDerivation master = masterKey.apply(o.masterPassword(), salt(pool, o.namespace()))) {
            return start(pool, new RedisKeys(o.namespace(), master), o.label());
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** For tests: skips Argon2 (and the salt) with a master key made elsewhere. */
    static RedisStore openWithMasterKey(RedisOptions o, byte[] master, SSLSocketFactory tls) {
        RedisPool pool = pool(o, tls);
        try (KeyDerivation k = KeyDerivation.of(Secret.copyOf(master))) {
            return start(pool, new RedisKeys(o.namespace(), k), o.label());
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private static RedisPool pool(RedisOptions o, SSLSocketFactory tls) {
        RedisPool pool = new RedisPool(RedisUrl.parse(o.url()), o.poolSize(), o.timeoutMs(), tls,
                RedisPool.CHECK_IDLE_AFTER_MS, o.minReplicas(), RedisPool.WATCH_SENTINELS_MS);
        if (o.minReplicas() > 0) {
            pool.fenceReadsWith(o.namespace() + ":fence");
        }
        return pool;
    }

    private static byte[] salt(RedisPool pool, String ns) {
        byte[] fresh = new byte[RedisKeys.SALT_BYTES];
        new SecureRandom().nextBytes(fresh);
        pool.call(RedisConnection.setNx(ns + ":salt", fresh));
        byte[] salt = (byte[]) pool.call("GET", ns + ":salt");
        if (salt == null || salt.length != RedisKeys.SALT_BYTES) {
            throw new StoreException("the Redis master key salt at " + ns + ":salt is missing or malformed");
        }
        return salt;
    }

    private static RedisStore start(RedisPool pool, RedisKeys keys, String label) {
        RedisStore s = new RedisStore(pool, keys);
        s.checkMasterKey(true);
        s.generation.start(label);
        return s;
    }

    private void checkMasterKey(boolean recordIfNew) {
        byte[] mine = keys.checkValue();
        if (recordIfNew) {
            pool.call(RedisConnection.setNx(keys.checkKey(), mine));
        }
        byte[] stored = (byte[]) pool.call("GET", keys.checkKey());
        if (stored == null || !MessageDigest.isEqual(stored, mine)) {
            throw new StoreException("the Redis master password does not match this database (namespace '" + keys.ns + "')");
        }
    }

    /**
     * Rebuilds the whole index under {@code newLabel}, compacted to the live entries, switches
     * every instance to it and deletes the old generation. Online: other instances keep serving
     * and follow the switch by themselves. Reports progress in plain lines. An interrupted
     * rotation is resumed by calling again with the same label.
     *
     * @throws StoreException if a rotation to another label is in progress
     */
    public void rotateLabel(String newLabel, Consumer<String> progress) {
        new LabelRotation(objects, findex, generation).run(newLabel, progress);
    }

    /** Already opened by {@link #open(RedisOptions, BiFunction)}; checks again that the master key matches. Idempotent. */
    @Override
    public void open() {
        checkMasterKey(false);
        generation.refresh();
    }

    @Override
    public boolean ping() {
        try {
            return "PONG".equals(pool.call("PING"));
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public String kind() {
        return "redis-findex";
    }

    @Override
    public void close() {
        pool.close();
    }

    // ---- meta and leases: no index entries point at them ----

    @Override
    public Optional<byte[]> getMeta(String name) {
        return Optional.ofNullable(objects.plain(keys.object("meta", name))).map(Records::metaValue);
    }

    @Override
    public boolean putMetaIfAbsent(String name, byte[] value) {
        return objects.putIfAbsent(keys.object("meta", name), Records.meta(value));
    }

    @Override
    public void putMeta(String name, byte[] value) {
        objects.put(keys.object("meta", name), Records.meta(value));
    }

    @Override
    public boolean claimLease(String name, String holder, Instant now, Duration lease) {
        String key = keys.object("lease", name);
        for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
            SealedObjects.Stored cur = objects.get(key);
            if (cur != null) {
                Records.Lease l = Records.lease(cur.plain());
                // held up to and including the instant it ends
                if (!l.holder().equals(holder) && !now.isAfter(l.until())) {
                    return false;
                }
            }
            byte[] next = Records.lease(new Records.Lease(holder, now.plus(lease)));
            if (objects.write(null, List.of(new SealedObjects.Check(key, cur == null ? null : cur.sealed())),
                    List.of(new SealedObjects.Put(key, next))) == 0) {
                return true;
            }
        }
        return false;
    }

    // ---- keys ----

    @Override
    public void insertKey(KeyRecord k) throws ConflictException {
        keyWrites.insert(k);
    }

    @Override
    public Optional<KeyRecord> findKey(String id) {
        return keyWrites.find(id);
    }

    @Override
    public Optional<KeyRecord> findKeyByName(String name) {
        return keyWrites.findByName(name);
    }

    @Override
    public KeyRecord updateKey(KeyRecord k) throws ConflictException {
        return keyWrites.update(k);
    }

    /** Pipelined: see {@link KeyWrites#insertAll}. */
    @Override
    public void insertKeys(List<KeyRecord> ks) throws ConflictException {
        Store.checkBulk(ks);
        keyWrites.insertAll(ks);
    }

    /** Pipelined: see {@link KeyWrites#updateAll}. */
    @Override
    public List<String> updateKeys(List<KeyRecord> ks) throws ConflictException {
        Store.checkBulk(ks);
        return keyWrites.updateAll(ks);
    }

    @Override
    public KeyPage locate(KeyQuery query) {
        return locator.locate(query);
    }

    @Override
    public List<String> dueForDestruction(Instant now, int limit) {
        return locator.dueForDestruction(now, limit);
    }

    @Override
    public List<String> dueForRotation(Instant now, int limit) {
        return locator.dueForRotation(now, limit);
    }

    // ---- users and tokens ----

    @Override
    public void insertUser(UserRecord user) throws ConflictException {
        principals.insertUser(user);
    }

    @Override
    public Optional<UserRecord> findUser(String name) {
        return principals.findUser(name);
    }

    @Override
    public List<UserRecord> listUsers() {
        return principals.listUsers();
    }

    /** Tokens first, then grants, then the user: a crash half-way never leaves a token of a deleted user. */
    @Override
    public boolean deleteUser(String name) {
        if (principals.findUser(name).isEmpty()) {
            return false;
        }
        principals.listTokens(name).forEach(principals::deleteToken);
        for (String id : locator.candidates(List.of(Keywords.grant(name)), List.of())) {
            keyWrites.removeGrants(id, name);
        }
        return principals.deleteUserObject(name);
    }

    @Override
    public void insertToken(TokenRecord token) {
        principals.insertToken(token);
    }

    @Override
    public Optional<TokenRecord> findTokenByHash(byte[] hash) {
        return principals.findTokenByHash(hash);
    }

    @Override
    public List<TokenRecord> listTokens(String user) {
        return principals.listTokens(user);
    }

    @Override
    public boolean deleteToken(String user, String tokenId) {
        return principals.deleteToken(user, tokenId);
    }

    // ---- audit ----

    @Override
    public void appendAudit(List<AuditRecord> entries, AuditCheckpoint checkpoint) throws ConflictException {
        audit.append(entries, checkpoint);
    }

    @Override
    public List<AuditRecord> listAudit(AuditQuery query) {
        return audit.list(query);
    }

    @Override
    public Optional<AuditRecord> lastAudit(String node) {
        return audit.last(node);
    }

    @Override
    public List<String> auditNodes() {
        return audit.nodes();
    }

    @Override
    public void putCheckpoint(AuditCheckpoint checkpoint) {
        audit.putCheckpoint(checkpoint);
    }

    @Override
    public List<AuditCheckpoint> checkpoints(String node) {
        return audit.checkpoints(node);
    }

    @Override
    public keyward.store.AuditIndex auditIndex() {
        return new AuditRefs(findex);
    }

    /** For tests that look at the raw candidates. */
    Findex findex() {
        return findex;
    }

    /** Test hook: runs after a key's index entries are written and before its object is. */
    void afterIndexWrite(Runnable hook) {
        keyWrites.afterIndexWrite = hook;
    }
}
