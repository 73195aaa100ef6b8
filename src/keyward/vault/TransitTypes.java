package keyward.vault;

import java.util.Map;
import java.util.Optional;
import keyward.core.KwException;

/** Vault Transit key types and the Keyward algorithms behind them (docs/vault.md has the table). */
final class TransitTypes {
    private static final Map<String, String> TO_KEYWARD = Map.ofEntries(
            Map.entry("aes128-gcm96", "aes-128-gcm"),
            Map.entry("aes256-gcm96", "aes-256-gcm"),
            Map.entry("chacha20-poly1305", "chacha20-poly1305"),
            Map.entry("ed25519", "ed25519"),
            Map.entry("ecdsa-p256", "ec-p256"),
            Map.entry("ecdsa-p384", "ec-p384"),
            Map.entry("ecdsa-p521", "ec-p521"),
            Map.entry("rsa-2048", "rsa-2048"),
            Map.entry("rsa-3072", "rsa-3072"),
            Map.entry("rsa-4096", "rsa-4096"),
            Map.entry("hmac", "hmac-sha256"));

    private TransitTypes() {
    }

    /** The Keyward algorithm of a Transit type; an unknown one is a 400 naming the allowed ones. */
    static String algorithm(String vaultType) {
        String a = TO_KEYWARD.get(vaultType);
        if (a == null) {
            throw KwException.invalid("unknown key type '" + clip(vaultType) + "'; use one of aes128-gcm96,"
                    + " aes256-gcm96, chacha20-poly1305, ed25519, ecdsa-p256, ecdsa-p384, ecdsa-p521, rsa-2048,"
                    + " rsa-3072, rsa-4096, hmac");
        }
        return a;
    }

    /** The Transit type of a Keyward algorithm, empty for those Transit has no name for. */
    static Optional<String> vaultType(String algorithm) {
        return TO_KEYWARD.entrySet().stream().filter(e -> e.getValue().equals(algorithm)).map(Map.Entry::getKey)
                .findFirst();
    }

    static boolean aead(String algorithm) {
        return algorithm.startsWith("aes-") || algorithm.equals("chacha20-poly1305");
    }

    static boolean rsa(String algorithm) {
        return algorithm.startsWith("rsa-");
    }

    static boolean signing(String algorithm) {
        return rsa(algorithm) || algorithm.startsWith("ec-") || algorithm.equals("ed25519");
    }

    /** Keyward's signature scheme for Vault's hash_algorithm and signature_algorithm. */
    static String scheme(String algorithm, String hash, String signatureAlgorithm) {
        String sha = switch (hash == null ? "sha2-256" : hash) {
            case "sha2-256" -> "sha256";
            case "sha2-384" -> "sha384";
            case "sha2-512" -> "sha512";
            default -> throw KwException.invalid("hash_algorithm '" + clip(hash) + "' is not served; use sha2-256,"
                    + " sha2-384 or sha2-512");
        };
        if (algorithm.equals("ed25519")) {
            return "ed25519";
        }
        if (rsa(algorithm)) {
            String sa = signatureAlgorithm == null ? "pss" : signatureAlgorithm;
            return switch (sa) {
                case "pss" -> "rsa-pss-" + sha;
                case "pkcs1v15" -> "rsa-pkcs1-" + sha;
                default -> throw KwException.invalid("signature_algorithm must be pss or pkcs1v15");
            };
        }
        return "ecdsa-" + sha;
    }

    static String clip(String s) {
        return s == null ? "null" : s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
