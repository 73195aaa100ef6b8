package keyward.kmip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import keyward.Http;
import keyward.TestNode;
import keyward.core.AuditTrail;
import keyward.core.Principal;
import keyward.json.Json;
import org.junit.jupiter.api.Test;

/**
 * The cryptographic operations under mutated requests on real keys (AES, RSA, EC, Ed25519, HMAC):
 * fields dropped, repeated, retyped, enumerations and integers set to random values, byte
 * strings to random lengths. Every item is answered, and never with General Failure (the KMIP
 * form of a 500); the JSON endpoint never answers 5xx. Seeded, so a failure repeats.
 */
class KmipCryptoFuzzTest {
    private static final int[] ENUM_TAGS = {Tags.BLOCK_CIPHER_MODE, Tags.PADDING_METHOD, Tags.HASHING_ALGORITHM,
        Tags.CRYPTOGRAPHIC_ALGORITHM, Tags.DIGITAL_SIGNATURE_ALGORITHM, Tags.DERIVATION_METHOD, Tags.WRAPPING_METHOD,
        Tags.ENCODING_OPTION, Tags.MASK_GENERATOR_HASHING_ALGORITHM, Tags.OBJECT_TYPE, Tags.KEY_FORMAT_TYPE};

    static List<Ttlv> seeds(String aes, String kek, String rsa, String ec, String ed, String hmac) {
        byte[] data = "fuzz".getBytes(StandardCharsets.UTF_8);
        Ttlv d = Ttlv.bytes(Tags.DATA, data);
        return List.of(
                KmipCryptoTest.item(Op.ENCRYPT, aes, KmipCryptoTest.params(KmipCryptoTest.mode(Enums.GCM),
                        Ttlv.integer(Tags.TAG_LENGTH, 16)), Ttlv.bytes(Tags.IV_COUNTER_NONCE, new byte[12]), d,
                        Ttlv.bytes(Tags.AE_ADDITIONAL_DATA, data)),
                KmipCryptoTest.item(Op.DECRYPT, aes, KmipCryptoTest.params(KmipCryptoTest.mode(Enums.GCM)),
                        Ttlv.bytes(Tags.IV_COUNTER_NONCE, new byte[12]), d, Ttlv.bytes(Tags.AE_TAG, new byte[16])),
                KmipCryptoTest.item(Op.ENCRYPT, aes, KmipCryptoTest.params(KmipCryptoTest.mode(CryptoOps.CBC),
                        Ttlv.enumeration(Tags.PADDING_METHOD, CryptoOps.PAD_PKCS5), Ttlv.bool(Tags.RANDOM_IV, true)), d),
                KmipCryptoTest.item(Op.DECRYPT, aes, KmipCryptoTest.params(KmipCryptoTest.mode(CryptoOps.CTR),
                        Ttlv.integer(Tags.COUNTER_LENGTH, 128)), Ttlv.bytes(Tags.IV_COUNTER_NONCE, new byte[16]), d),
                KmipCryptoTest.item(Op.ENCRYPT, rsa + "-pub", KmipCryptoTest.params(
                        Ttlv.enumeration(Tags.PADDING_METHOD, CryptoOps.PAD_OAEP),
                        Ttlv.enumeration(Tags.HASHING_ALGORITHM, CryptoOps.SHA_256)), d),
                KmipCryptoTest.item(Op.DECRYPT, rsa, KmipCryptoTest.params(
                        Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, CryptoOps.RSA)), Ttlv.bytes(Tags.DATA, new byte[256])),
                KmipCryptoTest.item(Op.SIGN, rsa, KmipCryptoTest.params(
                        Ttlv.enumeration(Tags.DIGITAL_SIGNATURE_ALGORITHM, CryptoOps.RSASSA_PSS),
                        Ttlv.enumeration(Tags.HASHING_ALGORITHM, CryptoOps.SHA_384)), d),
                KmipCryptoTest.item(Op.SIGNATURE_VERIFY, ec + "-pub", Ttlv.bytes(Tags.DIGESTED_DATA, new byte[32]),
                        Ttlv.bytes(Tags.SIGNATURE_DATA, new byte[70])),
                KmipCryptoTest.item(Op.SIGN, ed, KmipCryptoTest.params(
                        Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, CryptoOps.ED25519)), d),
                KmipCryptoTest.item(Op.MAC, hmac, KmipCryptoTest.params(
                        Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, CryptoOps.HMAC_SHA384)), d),
                KmipCryptoTest.item(Op.MAC_VERIFY, hmac, d, Ttlv.bytes(Tags.MAC_DATA, new byte[32])),
                KmipCryptoTest.item(Op.DERIVE_KEY, hmac, Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.SYMMETRIC_KEY),
                        Ttlv.enumeration(Tags.DERIVATION_METHOD, CryptoOps.PBKDF2),
                        Ttlv.structure(Tags.DERIVATION_PARAMETERS, List.of(Ttlv.bytes(Tags.SALT, data),
                                Ttlv.integer(Tags.ITERATION_COUNT, 3))),
                        Ttlv.structure(Tags.ATTRIBUTES, List.of(Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, Enums.AES),
                                Ttlv.integer(Tags.CRYPTOGRAPHIC_LENGTH, 128)))),
                KmipCryptoTest.item(Op.DERIVE_KEY, aes, Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.SYMMETRIC_KEY),
                        Ttlv.enumeration(Tags.DERIVATION_METHOD, CryptoOps.HKDF),
                        Ttlv.structure(Tags.DERIVATION_PARAMETERS, List.of(Ttlv.bytes(Tags.DERIVATION_DATA, data))),
                        Ttlv.structure(Tags.TEMPLATE_ATTRIBUTE, List.of(
                                KmipOperationsTest.v1("Cryptographic Algorithm", Ttlv.enumeration(0, CryptoOps.HMAC_SHA256)),
                                KmipOperationsTest.v1("Cryptographic Length", Ttlv.integer(0, 256))))),
                KmipCryptoTest.wrappedGet(hmac, kek, CryptoOps.AES_KEY_WRAP_PADDING),
                KmipCryptoTest.wrappedGet(aes, kek, CryptoOps.NIST_KEY_WRAP));
    }

    /** {@code t} with one random change somewhere inside. */
    static Ttlv mutate(Ttlv t, Random r, int depth) {
        if (t.type() == Ttlv.Type.STRUCTURE && !t.items().isEmpty() && (depth == 0 || r.nextInt(3) != 0)) {
            List<Ttlv> items = new ArrayList<>(t.items());
            int i = r.nextInt(items.size());
            switch (r.nextInt(6)) {
                case 0 -> items.remove(i);
                case 1 -> items.add(items.get(i));
                default -> items.set(i, mutate(items.get(i), r, depth + 1));
            }
            return Ttlv.structure(t.tag(), items);
        }
        return switch (r.nextInt(6)) {
            case 0 -> new Ttlv(t.tag(), Ttlv.Type.INTEGER, r.nextBoolean() ? r.nextInt() : r.nextInt(20) - 2);
            case 1 -> new Ttlv(t.tag(), Ttlv.Type.ENUMERATION, r.nextInt(0x40));
            case 2 -> {
                byte[] b = new byte[r.nextInt(300)];
                r.nextBytes(b);
                yield new Ttlv(t.tag(), Ttlv.Type.BYTE_STRING, b);
            }
            case 3 -> new Ttlv(t.tag(), Ttlv.Type.TEXT_STRING, r.nextBoolean() ? "x-pub" : "0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000-pub");
            case 4 -> new Ttlv(ENUM_TAGS[r.nextInt(ENUM_TAGS.length)], Ttlv.Type.ENUMERATION, r.nextInt(20));
            default -> r.nextBoolean() ? new Ttlv(t.tag(), Ttlv.Type.BOOLEAN, r.nextBoolean())
                    : new Ttlv(t.tag(), Ttlv.Type.BIG_INTEGER, BigInteger.valueOf(r.nextLong()));
        };
    }

    @Test
    void mutatedCryptoRequests_areAnsweredItemByItem_neverWithGeneralFailure() throws Exception {
        try (TestNode node = TestNode.start()) {
            Http http = node.http(node.newUser("fuzzer"));
            Principal caller = new Principal("fuzzer", false);
            Kmip kmip = new Kmip(node.node.core(), AuditTrail.NONE);
            List<Ttlv> seeds = seeds(key(http, "aes-256-gcm"), key(http, "aes-128-gcm"), key(http, "rsa-2048"),
                    key(http, "ec-p256"), key(http, "ed25519"), key(http, "hmac-sha256"));
            for (Ttlv s : seeds) {
                Ttlv answer = Msg.items(kmip.handle(caller, Msg.request(200, s), "fuzz")).get(0);
                assertNotEquals(Reason.GENERAL_FAILURE.code, Msg.reason(answer), String.valueOf(JsonTtlv.toJson(answer)));
            }
            Random r = new Random(4242);
            int succeeded = 0;
            for (int i = 0; i < 3000; i++) {
                Ttlv item = seeds.get(r.nextInt(seeds.size()));
                for (int n = 1 + r.nextInt(3); n > 0; n--) {
                    item = mutate(item, r, 0);
                }
                int version = Kmip.VERSIONS.get(r.nextInt(Kmip.VERSIONS.size()));
                Ttlv response = kmip.handle(caller, Msg.request(version, item), "fuzz");
                List<Ttlv> items = Msg.items(response);
                assertEquals(1, items.size());
                assertNotEquals(Reason.GENERAL_FAILURE.code, Msg.reason(items.get(0)),
                        "for " + JsonTtlv.toJson(item) + ": " + JsonTtlv.toJson(items.get(0)));
                TtlvCodec.encode(response);
                if (Msg.status(items.get(0)) == Enums.SUCCESS) {
                    succeeded++;
                }
            }
            assertTrue(succeeded > 50, "some mutated requests still succeed: " + succeeded);

            // the same over the JSON endpoint: never 5xx
            for (int i = 0; i < 150; i++) {
                Ttlv item = mutate(seeds.get(r.nextInt(seeds.size())), r, 0);
                byte[] doc = Json.writeBytes(JsonTtlv.toJson(Msg.request(201, item)));
                Http.Res res = http.send("POST", "/kmip/2_1", doc, "application/json");
                assertTrue(res.status() == 200 || res.status() >= 400 && res.status() < 500, res.status() + ": " + res);
                if (res.status() == 200) {
                    assertTrue(!res.text().contains("GeneralFailure"), res.text());
                }
            }
        }
    }

    private static String key(Http http, String algorithm) {
        Http.Res r = http.post("/v1/keys", Map.of("algorithm", algorithm, "exportable", true));
        assertEquals(201, r.status(), r.toString());
        return r.str("id");
    }
}
