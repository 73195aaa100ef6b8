package keyward.core;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import keyward.crypto.Byok;
import keyward.crypto.DecryptionFailedException;
import keyward.crypto.KekRing;
import keyward.crypto.Pem;
import keyward.crypto.Secret;
import keyward.store.Store;

/**
 * The deployment's RSA-4096 wrapping key for bring-your-own-key imports. Made on first use (so
 * start-up stays fast), stored once per deployment in the store's metadata with the private half
 * wrapped under the KEK; every instance then uses the same one.
 *
 * <pre>
 * meta "byok.key" = u16 len | kek id | u16 len | SPKI DER | u16 len | KEK-wrapped PKCS#8
 * </pre>
 */
final class WrappingKey {
    private static final String META = "byok.key";
    private static final String PURPOSE = "wrapping-key";

    private final Store store;
    private final KekHolder kek;
    private volatile Loaded loaded;

    private record Loaded(byte[] spki, PrivateKey privateKey) {
    }

    WrappingKey(Store store, KekHolder kek) {
        this.store = store;
        this.kek = kek;
    }

    String publicPem() {
        return Pem.publicKeyPem(load().spki);
    }

    byte[] unwrap(byte[] wrapped) {
        return Byok.unwrap(load().privateKey, wrapped);
    }

    private Loaded load() {
        Loaded l = loaded;
        if (l != null) {
            return l;
        }
        synchronized (this) {
            if (loaded == null) {
                byte[] blob = store.getMeta(META).orElse(null);
                if (blob == null) {
                    store.putMetaIfAbsent(META, generate());
                    blob = store.getMeta(META).orElseThrow(() -> new IllegalStateException("wrapping key not stored"));
                }
                loaded = decode(blob);
            }
            return loaded;
        }
    }

    private byte[] generate() {
        KeyPair kp = Byok.generateWrappingKey();
        return encode(kek.get().primary(), kp.getPublic().getEncoded(), kp.getPrivate().getEncoded());
    }

    /** The stored form of a wrapping key pair, its private half wrapped under {@code k}. */
    static byte[] encode(keyward.crypto.Kek k, byte[] spki, byte[] pkcs8) {
        String kekId = k.id();
        byte[] wrapped = k.wrap(pkcs8, "byok", 0, PURPOSE);
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(kekId);
            writeBlock(out, spki);
            writeBlock(out, wrapped);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Re-wraps the stored wrapping key under the ring's primary KEK (KEK rotation); no-op when
     * there is none yet or it is already under the primary.
     */
    static void rewrap(Store store, KekRing ring) {
        byte[] blob = store.getMeta(META).orElse(null);
        if (blob == null) {
            return;
        }
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(blob))) {
            String kekId = in.readUTF();
            if (kekId.equals(ring.primary().id())) {
                return;
            }
            byte[] spki = readBlock(in);
            byte[] wrapped = readBlock(in);
            try (Secret pkcs8 = ring.unwrap(kekId, wrapped, "byok", 0, PURPOSE)) {
                store.putMeta(META, encode(ring.primary(), spki, pkcs8.revealBytes()));
            }
        } catch (IOException | DecryptionFailedException e) {
            throw new IllegalStateException("the stored BYOK wrapping key cannot be opened with the KEK ring", e);
        }
    }

    private Loaded decode(byte[] blob) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(blob))) {
            String kekId = in.readUTF();
            byte[] spki = readBlock(in);
            byte[] wrapped = readBlock(in);
            if (kek.get().get(kekId).isEmpty()) {
                kek.refresh();
            }
            try (Secret pkcs8 = kek.get().unwrap(kekId, wrapped, "byok", 0, PURPOSE)) {
                PrivateKey pk = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8.revealBytes()));
                return new Loaded(spki, pk);
            }
        } catch (IOException | java.security.GeneralSecurityException | DecryptionFailedException e) {
            throw new IllegalStateException("the stored BYOK wrapping key cannot be opened with this KEK", e);
        }
    }

    private static void writeBlock(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBlock(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 65536) {
            throw new IOException("bad block length");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
