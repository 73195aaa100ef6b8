package keyward.repl;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import keyward.crypto.DecryptionFailedException;
import keyward.crypto.KekRing;
import keyward.crypto.Rand;
import keyward.crypto.Secret;
import keyward.json.Json;
import keyward.log.Log;
import keyward.store.Store;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * This node's replication identity: an EC P-256 key pair and a self-signed certificate, made on
 * first use and kept in the store's metadata with the private key wrapped by the KEK. After a
 * renewal the previous identity is kept too, and presented to partners that still pin it, so
 * replication never stops while partners update their configuration.
 *
 * <p>Immutable snapshot; {@link #load} again to see a renewal made elsewhere. Thread-safe.
 */
public final class Identity {

    static final String CURRENT = "replication.identity";
    static final String PREVIOUS = "replication.identity.previous";
    private static final String PURPOSE = "replication-identity";
    private static final Duration VALIDITY = Duration.ofDays(3650);

    /** One certificate with its private key. */
    record Cert(X509Certificate certificate, PrivateKey key, byte[] der) {
        String pin() {
            return Identity.pin(der);
        }
    }

    private final List<Cert> certs;

    private Identity(List<Cert> certs) {
        this.certs = List.copyOf(certs);
    }

    /**
     * Loads the identity, making it first if the store has none. A stored key wrapped under an
     * older KEK of the ring is re-wrapped under the primary (so it survives the end of a KEK rotation).
     *
     * @throws IllegalStateException if the current identity does not open with this node's KEK
     */
    public static Identity load(Store store, KekRing kek, Clock clock) {
        if (store.getMeta(CURRENT).isEmpty()) {
            store.putMetaIfAbsent(CURRENT, make(kek, clock));
        }
        rewrap(store, kek);
        List<Cert> certs = new ArrayList<>();
        try {
            certs.add(read(store.getMeta(CURRENT).orElseThrow(), kek));
        } catch (DecryptionFailedException e) {
            throw new IllegalStateException("replication: this node's identity key does not open with its master key"
                    + " (was the KEK rotated while the node was down?); 'keyward renew-replication-certificate' makes"
                    + " a new identity, whose certificate the partners then need");
        }
        store.getMeta(PREVIOUS).ifPresent(b -> {
            try {
                certs.add(read(b, kek));
            } catch (DecryptionFailedException e) {
                Log.warn("replication: the previous identity does not open with this node's master key; only the"
                        + " current one is presented");
            }
        });
        return new Identity(certs);
    }

    /**
     * Re-wraps the stored identities under the ring's primary KEK where an older KEK of the ring
     * wrapped them; identities the ring cannot open are left as they are. For KEK rotation.
     */
    public static void rewrap(Store store, KekRing kek) {
        for (String name : List.of(CURRENT, PREVIOUS)) {
            byte[] stored = store.getMeta(name).orElse(null);
            if (stored == null) {
                continue;
            }
            Map<String, Object> m = Fields.parse(stored, "replication identity");
            if (kek.primary().id().equals(Fields.str(m, "kek_id"))) {
                continue;
            }
            byte[] wrapped = Fields.bytesOrNull(m, "key");
            try (Secret s = kek.unwrap(Fields.str(m, "kek_id"), wrapped, PURPOSE, 0, PURPOSE)) {
                store.putMeta(name, stored(Fields.bytesOrNull(m, "certificate"), s.revealBytes(), kek));
            } catch (DecryptionFailedException e) {
                // not this ring's: load reports it if it is the current one
            }
        }
    }

    /** Replaces the certificate; the one before stays acceptable (as the previous identity). Returns the new base64 DER. */
    public static String renew(Store store, KekRing kek, Clock clock) {
        byte[] old = store.getMeta(CURRENT).orElse(null);
        byte[] fresh = make(kek, clock);
        boolean oldOpens = false;
        if (old != null) {
            try {
                read(old, kek);
                oldOpens = true;
            } catch (DecryptionFailedException e) {
                Log.warn("replication: the old identity does not open with this node's master key; it is dropped");
            }
        }
        if (oldOpens) {
            store.putMeta(PREVIOUS, old);
        }
        store.putMeta(CURRENT, fresh);
        try {
            return Base64.getEncoder().encodeToString(read(fresh, kek).der());
        } catch (DecryptionFailedException e) {
            throw new IllegalStateException("replication: a new identity does not open with the KEK that made it", e);
        }
    }

    /** The current certificate, base64 DER: what partners put in their configuration. */
    public String certificateBase64() {
        return Base64.getEncoder().encodeToString(current().der());
    }

    Cert current() {
        return certs.get(0);
    }

    /** Current first, then the previous one if a renewal kept it. */
    List<Cert> all() {
        return certs;
    }

    Optional<Cert> byPin(String pin) {
        return certs.stream().filter(c -> c.pin().equals(pin)).findFirst();
    }

    /** SHA-256 of the DER certificate, hex: what pinning compares. */
    static String pin(byte[] der) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    static X509Certificate parse(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a DER X.509 certificate");
        }
    }

    private static byte[] make(KekRing kek, Clock clock) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = g.generateKeyPair();
            Instant now = clock.instant();
            String serialHex = HexFormat.of().formatHex(Rand.bytes(8));
            X500Name name = new X500Name("CN=keyward replication " + serialHex);
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(serialHex, 16),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), name, pair.getPublic());
            byte[] der = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())).getEncoded();
            byte[] pkcs8 = pair.getPrivate().getEncoded();
            try {
                return stored(der, pkcs8, kek);
            } finally {
                java.util.Arrays.fill(pkcs8, (byte) 0);
            }
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("replication: cannot make an identity certificate: " + e.getMessage(), e);
        }
    }

    /** The stored form: certificate, KEK id and the private key wrapped under the ring's primary. */
    private static byte[] stored(byte[] der, byte[] pkcs8, KekRing kek) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("certificate", Base64.getEncoder().encodeToString(der));
        m.put("kek_id", kek.primary().id());
        m.put("key", Base64.getEncoder().encodeToString(kek.primary().wrap(pkcs8, PURPOSE, 0, PURPOSE)));
        return Json.writeBytes(m);
    }

    private static Cert read(byte[] stored, KekRing kek) throws DecryptionFailedException {
        Map<String, Object> m = Fields.parse(stored, "replication identity");
        byte[] der = Fields.bytesOrNull(m, "certificate");
        byte[] wrapped = Fields.bytesOrNull(m, "key");
        if (der == null || wrapped == null) {
            throw new IllegalStateException("replication identity in the database is incomplete");
        }
        try (Secret s = kek.unwrap(Fields.str(m, "kek_id"), wrapped, PURPOSE, 0, PURPOSE)) {
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(s.revealBytes()));
            return new Cert(parse(der), key, der);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("replication identity key is unreadable", e);
        }
    }
}
