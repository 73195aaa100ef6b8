package keyward.kmip;

import java.util.Locale;
import keyward.core.Names;
import keyward.store.KeyRecord;

/**
 * The UIDs of a key pair's halves (the coordinator's mapping): a Keyward key of an asymmetric
 * algorithm is one KMIP key pair; its Private Key's UID is the Keyward key id and its Public
 * Key's UID is {@code <id>-pub}. A small resolver for the cryptographic operations, to be folded
 * into the object model's own. Stateless.
 */
final class PublicKeyUids {
    static final String SUFFIX = "-pub";

    private PublicKeyUids() {
    }

    /** Whether {@code uid} names a Public Key ({@code <uuid>-pub}). */
    static boolean isPublic(String uid) {
        return uid.length() == 36 + SUFFIX.length() && uid.endsWith(SUFFIX) && Names.isUuid(uid.substring(0, 36));
    }

    /** The Keyward key id a UID names (either half), lower case; null when it is no key's UID. */
    static String keyId(String uid) {
        String id = isPublic(uid) ? uid.substring(0, 36) : uid;
        return Names.isUuid(id) ? id.toLowerCase(Locale.ROOT) : null;
    }

    static String publicUid(String keyId) {
        return keyId + SUFFIX;
    }

    /** Whether the key has a public half (RSA, EC, Ed25519). */
    static boolean hasPublicKey(KeyRecord k) {
        String a = k.algorithm();
        return a.startsWith("rsa-") || a.startsWith("ec-") || a.equals("ed25519");
    }
}
