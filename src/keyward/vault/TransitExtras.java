package keyward.vault;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import keyward.core.Core;
import keyward.core.KwException;
import keyward.core.Principal;
import keyward.json.Fields;
import keyward.store.KeyRecord;
import keyward.store.KeyVersion;

/** Transit's export, random and hash. Thread-safe. */
final class TransitExtras {
    private final Core core;
    private final TransitEngine keys;

    TransitExtras(Core core, TransitEngine keys) {
        this.core = core;
        this.keys = keys;
    }

    VaultReply export(Principal p, String type, String name, String version) {
        KeyRecord k = keys.transitKey(p, name);
        boolean fits = switch (type) {
            case "encryption-key" -> TransitTypes.aead(k.algorithm()) || TransitTypes.rsa(k.algorithm());
            case "signing-key", "public-key" -> TransitTypes.signing(k.algorithm());
            case "hmac-key" -> k.algorithm().startsWith("hmac-");
            default -> throw KwException.invalid("invalid export type '" + TransitTypes.clip(type) + "'");
        };
        if (!fits) {
            throw KwException.invalid("export type '" + type + "' does not fit a "
                    + TransitTypes.vaultType(k.algorithm()).orElse("?") + " key");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (KeyVersion v : k.versions()) {
            if (v.destroyed() || version != null && !version.equals("latest")
                    && !version.equals(Integer.toString(v.version()))
                    || "latest".equals(version) && v.version() != k.primaryVersion()) {
                continue;
            }
            String value;
            if (type.equals("public-key")) {
                value = core.crypto().publicKey(p, name, v.version()).value();
            } else {
                byte[] material = core.crypto().export(p, name, v.version(), null).bytes();
                value = TransitTypes.aead(k.algorithm()) || type.equals("hmac-key")
                        ? Base64.getEncoder().encodeToString(material) : pkcs8Pem(material);
                java.util.Arrays.fill(material, (byte) 0);
            }
            out.put(Integer.toString(v.version()), value);
        }
        if (out.isEmpty()) {
            throw new VaultErrors.NotFound();
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", name);
        d.put("type", TransitTypes.vaultType(k.algorithm()).orElseThrow());
        d.put("keys", out);
        return Answers.ok("vault.transit.export", name, d);
    }

    VaultReply random(Fields f, String bytesInPath) {
        long n = f.longValue("bytes", 32, 1, 1024);
        String format = f.string("format");
        f.string("source");
        if (bytesInPath != null && !bytesInPath.equals("all") && !bytesInPath.equals("platform")) {
            n = KvEngine.parseVersion("bytes", bytesInPath);
            if (n < 1 || n > 1024) {
                throw KwException.invalid("bytes must be 1..1024");
            }
        }
        byte[] r = core.crypto().random((int) n);
        return Answers.ok("vault.transit.random", null, Map.of("random_bytes", encode(r, format)));
    }

    VaultReply hash(Fields f, String algorithmInPath) {
        byte[] input = TransitOps.base64(f, "input", true);
        String alg = algorithmInPath != null ? algorithmInPath : f.string("algorithm");
        String format = f.string("format");
        String jca = switch (alg == null ? "sha2-256" : alg) {
            case "sha2-224" -> "SHA-224";
            case "sha2-256" -> "SHA-256";
            case "sha2-384" -> "SHA-384";
            case "sha2-512" -> "SHA-512";
            case "sha3-224" -> "SHA3-224";
            case "sha3-256" -> "SHA3-256";
            case "sha3-384" -> "SHA3-384";
            case "sha3-512" -> "SHA3-512";
            default -> throw KwException.invalid("unsupported hash algorithm '" + TransitTypes.clip(alg) + "'");
        };
        try {
            byte[] sum = MessageDigest.getInstance(jca).digest(input);
            return Answers.ok("vault.transit.hash", null, Map.of("sum", encode(sum, format)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks " + jca, e);
        }
    }

    /** PKCS#8 DER as PEM text (Vault exports private keys as PEM). */
    private static String pkcs8Pem(byte[] der) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END PRIVATE KEY-----\n";
    }

    private static String encode(byte[] b, String format) {
        if (format == null || format.equals("base64")) {
            return Base64.getEncoder().encodeToString(b);
        }
        if (format.equals("hex")) {
            return HexFormat.of().formatHex(b);
        }
        throw KwException.invalid("format must be 'hex' or 'base64'");
    }
}
