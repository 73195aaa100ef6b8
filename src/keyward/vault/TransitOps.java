package keyward.vault;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import keyward.core.Core;
import keyward.core.CryptoService;
import keyward.core.ErrorCode;
import keyward.core.KwException;
import keyward.core.Principal;
import keyward.crypto.Algorithm;
import keyward.json.Fields;
import keyward.store.KeyRecord;

/**
 * Transit's operations on keys: encrypt, decrypt, rewrap, datakey, sign, verify, hmac (export,
 * random and hash are in {@link TransitExtras}). Ciphertexts are {@code vault:vN:} + base64 in Vault's layout ({@code keyward.crypto.VaultLayout});
 * decrypt also takes Keyward's own {@code kw:vN:} ciphertexts. Encrypt, decrypt, rewrap, sign,
 * verify and hmac take {@code batch_input} and answer {@code batch_results} in order, with 400 if
 * any item failed (as Vault).
 */
final class TransitOps {
    private static final int MAX_BATCH = 1000;

    private final Core core;
    private final TransitEngine keys;
    private final TransitExtras extras;

    TransitOps(Core core, TransitEngine keys) {
        this.core = core;
        this.keys = keys;
        this.extras = new TransitExtras(core, keys);
    }

    /** One item: reads its fields (the caller calls finish) and returns its result. */
    @FunctionalInterface
    private interface Item {
        Map<String, Object> run(Fields f);
    }

    VaultReply handle(VaultRequest r, String area, Fields f, String mount) {
        List<String> p = r.path();
        Principal who = r.principal();
        if (area.equals("random")) {
            VaultApi.requireMethod(r, "POST", "PUT");
            return extras.random(f, p.size() > 2 ? p.get(p.size() - 1) : null);
        }
        if (area.equals("hash")) {
            VaultApi.requireMethod(r, "POST", "PUT");
            return extras.hash(f, p.size() > 2 ? p.get(2) : null);
        }
        if (area.equals("export")) {
            VaultApi.requireMethod(r, "GET");
            if (p.size() < 4 || p.size() > 5) {
                throw new VaultErrors.NotFound();
            }
            return extras.export(who, p.get(2), p.get(3), p.size() == 5 ? p.get(4) : null);
        }
        if (p.size() < 3) {
            throw new VaultErrors.NotFound();
        }
        VaultApi.requireMethod(r, "POST", "PUT");
        String name = area.equals("datakey") ? (p.size() == 4 ? p.get(3) : "") : p.get(2);
        String suffix = p.size() == 4 && !area.equals("datakey") ? p.get(3) : null;
        if (p.size() > 4 || name.isEmpty()) {
            throw new VaultErrors.NotFound();
        }
        return switch (area) {
            case "encrypt" -> batch(f, "vault.transit.encrypt", name, item -> encrypt(who, name, item, f));
            case "decrypt" -> batch(f, "vault.transit.decrypt", name, item -> decrypt(who, name, item));
            case "rewrap" -> batch(f, "vault.transit.rewrap", name, item -> rewrap(who, name, item));
            case "datakey" -> datakey(who, name, p.get(2), f);
            case "sign" -> batch(f, "vault.transit.sign", name, item -> sign(who, name, suffix, item, f));
            case "verify" -> batch(f, "vault.transit.verify", name, item -> verify(who, name, suffix, item, f));
            case "hmac" -> batch(f, "vault.transit.hmac", name, item -> hmac(who, name, suffix, item, f));
            default -> throw new VaultErrors.NotFound();
        };
    }

    // ---- encryption ----

    private Map<String, Object> encrypt(Principal p, String name, Fields f, Fields top) {
        byte[] plaintext = base64(f, "plaintext", true);
        byte[] aad = base64(f, "associated_data", false);
        Long version = f.optionalLong("key_version", 0, Integer.MAX_VALUE);
        String reference = f.string("reference");
        byte[] context = context(f);
        f.string("type");
        f.bool("convergent_encryption", false);
        f.has("partial_failure_response_code");
        Integer v = version == null || version == 0 ? null : version.intValue();
        CryptoService.Sealed s;
        try {
            s = sealChecked(p, name, plaintext, aad, v, context);
        } catch (KwException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            // Vault creates a missing key on encrypt (upsert): of the type asked for or aes256-gcm96,
            // derived when a context is given, convergent if asked
            String type = top.has("type") ? top.string("type") : null;
            boolean convergent = top.bool("convergent_encryption", false);
            keys.createKey(p, name, type == null ? "aes256-gcm96" : type, false, 0, context != null, convergent);
            s = sealChecked(p, name, plaintext, aad, v, context);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ciphertext", format(s.version(), s.blob()));
        out.put("key_version", (long) s.version());
        reference(out, reference);
        return out;
    }

    private CryptoService.Sealed sealChecked(Principal p, String name, byte[] plaintext, byte[] aad, Integer v,
                                             byte[] context) {
        KeyRecord k = keys.transitKey(p, name);
        CryptoService.Derivation d = derivation(k, context);
        int minEnc = TransitEngine.minEncryption(k);
        if (v != null && v < minEnc) {
            throw KwException.invalid("requested version for encryption is less than the minimum encryption key version");
        }
        return core.crypto().sealVaultLayout(p, name, plaintext, aad, v, d);
    }

    /** The derivation a derived key needs (a context is required), null for others (a context is refused). */
    private static CryptoService.Derivation derivation(KeyRecord k, byte[] context) {
        if (TransitEngine.derived(k)) {
            if (context == null) {
                throw KwException.invalid("missing 'context' for key derivation; the key was created derived");
            }
            return new CryptoService.Derivation(context, TransitEngine.convergent(k));
        }
        if (context != null) {
            throw KwException.invalid("'context' given, but key '" + k.name() + "' is not derived");
        }
        return null;
    }

    /** The base64 'context' (null if absent); a 'nonce' is refused (only convergence version 3 is served). */
    private static byte[] context(Fields f) {
        if (f.string("nonce") != null) {
            throw KwException.invalid("'nonce' is not served: convergent keys derive their nonces");
        }
        return base64(f, "context", false);
    }

    private Map<String, Object> decrypt(Principal p, String name, Fields f) {
        String ciphertext = required(f, "ciphertext");
        byte[] aad = base64(f, "associated_data", false);
        String reference = f.string("reference");
        byte[] context = context(f);
        f.has("partial_failure_response_code");
        byte[] plain;
        if (ciphertext.startsWith("kw:v")) {
            derivation(keys.transitKey(p, name), context);
            plain = core.crypto().decrypt(p, name, ciphertext, aad);
        } else {
            Parsed c = parse("ciphertext", ciphertext);
            CryptoService.Derivation d = derivation(keys.transitKey(p, name), context);
            plain = core.crypto().openVaultLayout(p, name, c.version, c.blob, aad, d);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("plaintext", Base64.getEncoder().encodeToString(plain));
        java.util.Arrays.fill(plain, (byte) 0);
        reference(out, reference);
        return out;
    }

    private Map<String, Object> rewrap(Principal p, String name, Fields f) {
        Parsed c = parse("ciphertext", required(f, "ciphertext"));
        byte[] aad = base64(f, "associated_data", false);
        String reference = f.string("reference");
        f.optionalLong("key_version", 0, Integer.MAX_VALUE);
        CryptoService.Derivation d = derivation(keys.transitKey(p, name), context(f));
        CryptoService.Sealed s = core.crypto().rewrapVaultLayout(p, name, c.version, c.blob, aad, d);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ciphertext", format(s.version(), s.blob()));
        out.put("key_version", (long) s.version());
        reference(out, reference);
        return out;
    }

    private VaultReply datakey(Principal p, String name, String kind, Fields f) {
        if (!kind.equals("plaintext") && !kind.equals("wrapped")) {
            throw KwException.invalid("datakey type must be 'plaintext' or 'wrapped'");
        }
        long bits = f.longValue("bits", 256, 128, 512);
        byte[] aad = base64(f, "associated_data", false);
        byte[] context = context(f);
        if (bits != 128 && bits != 256 && bits != 512) {
            throw KwException.invalid("bits must be 128, 256 or 512");
        }
        byte[] key = core.crypto().random((int) bits / 8);
        try {
            CryptoService.Derivation d = derivation(keys.transitKey(p, name), context);
            CryptoService.Sealed s = core.crypto().sealVaultLayout(p, name, key, aad, null, d);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("ciphertext", format(s.version(), s.blob()));
            out.put("key_version", (long) s.version());
            if (kind.equals("plaintext")) {
                out.put("plaintext", Base64.getEncoder().encodeToString(key));
            }
            return Answers.ok("vault.transit.datakey", name, out);
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
        }
    }

    // ---- signatures and MACs ----

    private Map<String, Object> sign(Principal p, String name, String hashInPath, Fields f, Fields top) {
        byte[] input = base64(f, "input", true);
        Settings s = settings(f, top, hashInPath);
        String reference = f.string("reference");
        noDerivation(f);
        KeyRecord k = keys.transitKey(p, name);
        String scheme = TransitTypes.scheme(k.algorithm(), s.hash, s.signatureAlgorithm);
        CryptoService.Output o = core.crypto().sign(p, name, input, s.prehashed, scheme);
        byte[] signature = Base64.getDecoder().decode(o.value().substring(o.value().indexOf(':', 3) + 1));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("signature", "vault:v" + o.version() + ":" + s.marshaling.encode(algorithm(k), signature));
        out.put("key_version", (long) o.version());
        reference(out, reference);
        return out;
    }

    private Map<String, Object> verify(Principal p, String name, String hashInPath, Fields f, Fields top) {
        byte[] input = base64(f, "input", true);
        String signature = f.string("signature");
        String hmac = f.string("hmac");
        Settings s = settings(f, top, hashInPath);
        String reference = f.string("reference");
        noDerivation(f);
        if ((signature == null) == (hmac == null)) {
            throw KwException.invalid("give exactly one of 'signature' and 'hmac'");
        }
        boolean valid;
        if (hmac != null) {
            valid = core.crypto().macVerify(p, name, input, kw("hmac", hmac), hmacHash(s.hash));
        } else {
            KeyRecord k = keys.transitKey(p, name);
            String scheme = TransitTypes.scheme(k.algorithm(), s.hash, s.signatureAlgorithm);
            Prefixed sig = prefixed("signature", signature);
            byte[] bytes = s.marshaling.decode(algorithm(k), sig.text);
            // bytes that cannot be a signature of this key still go through verify (and its grant
            // check): one zero byte is never a valid signature
            String kwSignature = "kw:v" + sig.version + ":"
                    + Base64.getEncoder().encodeToString(bytes == null ? new byte[1] : bytes);
            valid = core.crypto().verify(p, name, input, s.prehashed, kwSignature, scheme);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("valid", valid);
        reference(out, reference);
        return out;
    }

    private Map<String, Object> hmac(Principal p, String name, String algorithmInPath, Fields f, Fields top) {
        byte[] input = base64(f, "input", true);
        String alg = f.string("algorithm");
        String reference = f.string("reference");
        f.optionalLong("key_version", 0, Integer.MAX_VALUE);
        String hash = hmacHash(algorithmInPath != null ? algorithmInPath : alg != null ? alg : top.string("algorithm"));
        CryptoService.Output o = core.crypto().mac(p, name, input, hash);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("hmac", "vault:" + o.value().substring(3));
        out.put("key_version", (long) o.version());
        reference(out, reference);
        return out;
    }

    /** Keyward's hash name for Transit's hmac algorithm (sha2-256 when absent); others are a 400. */
    private static String hmacHash(String alg) {
        return switch (alg == null ? "sha2-256" : alg) {
            case "sha2-224" -> "sha224";
            case "sha2-256" -> "sha256";
            case "sha2-384" -> "sha384";
            case "sha2-512" -> "sha512";
            default -> throw KwException.invalid("hmac with '" + TransitTypes.clip(alg) + "' is not served; use"
                    + " sha2-224, sha2-256, sha2-384 or sha2-512");
        };
    }

    private static Algorithm algorithm(KeyRecord k) {
        return Algorithm.parse(k.algorithm()).orElseThrow(
                () -> new IllegalStateException("unknown algorithm " + k.algorithm()));
    }

    private record Settings(String hash, String signatureAlgorithm, boolean prehashed, Marshaling marshaling) {
    }

    private static Settings settings(Fields f, Fields top, String hashInPath) {
        String hash = f.string("hash_algorithm");
        String alg = f.string("algorithm");
        String sigAlg = f.string("signature_algorithm");
        String marshaling = f.string("marshaling_algorithm");
        boolean prehashed = f.bool("prehashed", false);
        f.optionalLong("key_version", 0, Integer.MAX_VALUE);
        f.optionalLong("salt_length", 0, 1 << 16);
        if (f != top) {
            hash = hash != null ? hash : top.string("hash_algorithm");
            sigAlg = sigAlg != null ? sigAlg : top.string("signature_algorithm");
            marshaling = marshaling != null ? marshaling : top.string("marshaling_algorithm");
            prehashed = prehashed || top.bool("prehashed", false);
        }
        String h = hashInPath != null ? hashInPath : hash != null ? hash : alg;
        return new Settings(h, sigAlg, prehashed, Marshaling.of(marshaling));
    }

    // ---- batches and fields ----

    /**
     * Runs {@code item} on the body, or on each of its {@code batch_input} items, answering
     * {@code batch_results} in order; any failed item makes the answer 400, as Vault.
     */
    private VaultReply batch(Fields f, String operation, String name, Item item) {
        if (!f.has("batch_input")) {
            Map<String, Object> result = item.run(f);
            return Answers.ok(operation, name, result);
        }
        List<Object> items = f.list("batch_input");
        // top-level settings (hash_algorithm, ...) apply to every item; other top-level fields are ignored, as Vault
        if (items == null || items.isEmpty() || items.size() > MAX_BATCH) {
            throw KwException.invalid("batch_input must be a list of 1.." + MAX_BATCH + " items");
        }
        List<Object> results = new ArrayList<>(items.size());
        boolean failed = false;
        for (int i = 0; i < items.size(); i++) {
            try {
                Fields one = Fields.of(items.get(i), "batch_input[" + i + "]");
                results.add(item.run(one));
            } catch (Exception e) {
                VaultReply r = VaultErrors.reply(e, "batch", operation);
                if (r.status() >= 500) {
                    throw e;
                }
                failed = true;
                Object errors = ((Map<?, ?>) r.body()).get("errors");
                String message = errors instanceof List<?> l && !l.isEmpty() ? String.valueOf(l.get(0)) : "not found";
                Map<String, Object> err = new LinkedHashMap<>();
                err.put("error", message);
                if (items.get(i) instanceof Map<?, ?> m && m.get("reference") instanceof String ref) {
                    err.put("reference", ref);
                }
                results.add(err);
            }
        }
        Map<String, Object> data = Map.of("batch_results", results);
        return new VaultReply(failed ? 400 : 200, Answers.envelope(data), operation, name);
    }

    private static void reference(Map<String, Object> out, String reference) {
        if (reference != null) {
            out.put("reference", reference);
        }
    }

    private static void noDerivation(Fields f) {
        if (f.string("context") != null) {
            throw KwException.invalid("'context' is not served for signatures: signing keys are not derived");
        }
    }

    private static String required(Fields f, String name) {
        String s = f.string(name);
        if (s == null) {
            throw KwException.invalid("missing " + name);
        }
        return s;
    }

    /** A base64 field; Vault takes an empty plaintext, so only absence fails when required. */
    static byte[] base64(Fields f, String name, boolean required) {
        String s = f.string(name);
        if (s == null) {
            if (required) {
                throw KwException.invalid("missing " + name);
            }
            return null;
        }
        try {
            return Base64.getDecoder().decode(s.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw KwException.invalid("failed to base64-decode " + name);
        }
    }

    private record Parsed(int version, byte[] blob) {
    }

    private record Prefixed(int version, String text) {
    }

    /** vault:vN:base64, as Vault parses it; anything else is a 400 naming the field. */
    private static Parsed parse(String field, String s) {
        Prefixed p = prefixed(field, s);
        try {
            return new Parsed(p.version, Base64.getDecoder().decode(p.text));
        } catch (IllegalArgumentException e) {
            throw KwException.invalid("invalid base64 in " + field);
        }
    }

    /** The version and the text after vault:vN:; anything else is a 400 naming the field. */
    private static Prefixed prefixed(String field, String s) {
        if (s.startsWith("vault:v")) {
            int colon = s.indexOf(':', 7);
            if (colon > 7 && colon - 7 <= 9 && s.substring(7, colon).chars().allMatch(c -> c >= '0' && c <= '9')) {
                int version = Integer.parseInt(s.substring(7, colon));
                if (version > 0) {
                    return new Prefixed(version, s.substring(colon + 1));
                }
            }
        }
        throw KwException.invalid("invalid " + field + ": must be vault:v<n>:<base64> (or kw:v<n>: for decrypt)");
    }

    /** Vault's vault:vN: signature or MAC as Keyward's kw:vN: form (the same bytes). */
    private static String kw(String field, String s) {
        Parsed p = parse(field, s);
        return "kw:v" + p.version + ":" + Base64.getEncoder().encodeToString(p.blob);
    }

    private static String format(int version, byte[] blob) {
        return "vault:v" + version + ":" + Base64.getEncoder().encodeToString(blob);
    }
}
