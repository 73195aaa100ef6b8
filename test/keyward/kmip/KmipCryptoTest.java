package keyward.kmip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import keyward.Http;
import keyward.TestNode;
import keyward.core.AuditTrail;
import keyward.core.Principal;
import keyward.crypto.Kdf;
import keyward.crypto.KeyWrap;
import keyward.crypto.RawCiphers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cryptographic operations message by message through {@link Kmip} on a real node, for what
 * PyKMIP cannot send or what needs REST beside it: the version rule of raw modes across a REST
 * rotation, MACVerify, Digested Data, Keyward grants on each operation, non-exportable keys,
 * derived keys' exportability, and refusals with their result reasons.
 */
class KmipCryptoTest {
    static TestNode node;
    static Kmip kmip;
    static Http alice;
    static Http bob;
    static final Principal ALICE = new Principal("alice", false);
    static final Principal BOB = new Principal("bob", false);
    static final byte[] MSG = "kmip crypto".getBytes(StandardCharsets.UTF_8);

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start();
        alice = node.http(node.newUser("alice"));
        bob = node.http(node.newUser("bob"));
        kmip = new Kmip(node.node.core(), AuditTrail.NONE);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    static Ttlv one(Principal p, int version, Ttlv item) {
        return Msg.items(kmip.handle(p, Msg.request(version, item), "test")).get(0);
    }

    static Ttlv ok(Principal p, int version, Ttlv item) {
        Ttlv r = one(p, version, item);
        assertEquals(Enums.SUCCESS, Msg.status(r), String.valueOf(JsonTtlv.toJson(r)));
        return Msg.payload(r);
    }

    static int reason(Principal p, int version, Ttlv item) {
        Ttlv r = one(p, version, item);
        assertNotEquals(Enums.SUCCESS, Msg.status(r), "expected a failure");
        return Msg.reason(r);
    }

    static String restKey(Http who, String algorithm, boolean exportable) {
        Http.Res r = who.post("/v1/keys", Map.of("algorithm", algorithm, "exportable", exportable));
        assertEquals(201, r.status(), r.toString());
        return r.str("id");
    }

    static byte[] material(Http who, String id) {
        Http.Res r = who.post("/v1/keys/" + id + "/export", Map.of());
        assertEquals(200, r.status(), r.toString());
        return Http.unb64(r.json().get("material"));
    }

    static Ttlv params(Ttlv... items) {
        return Ttlv.structure(Tags.CRYPTOGRAPHIC_PARAMETERS, List.of(items));
    }

    static Ttlv mode(int m) {
        return Ttlv.enumeration(Tags.BLOCK_CIPHER_MODE, m);
    }

    static Ttlv item(Op op, String uid, Ttlv... more) {
        List<Ttlv> all = new ArrayList<>();
        all.add(Msg.uid(uid));
        all.addAll(List.of(more));
        return Msg.item(op, all.toArray(Ttlv[]::new));
    }

    @Test
    void rawModes_useTheCurrentVersion_gcmOpensOlderVersionsAfterARestRotation_cbcDoesNot() {
        String id = restKey(alice, "aes-256-gcm", true);
        byte[] v1 = material(alice, id);
        byte[] iv = new byte[12];
        Ttlv gcm = ok(ALICE, 104, item(Op.ENCRYPT, id, params(mode(Enums.GCM)), Ttlv.bytes(Tags.IV_COUNTER_NONCE, iv),
                Ttlv.bytes(Tags.DATA, MSG), Ttlv.bytes(Tags.AE_ADDITIONAL_DATA, new byte[] {1})));
        RawCiphers.Sealed want = RawCiphers.gcmSeal(v1, iv, MSG, new byte[] {1}, 16);
        assertArrayEquals(want.ciphertext(), gcm.required(Tags.DATA).asBytes());
        assertArrayEquals(want.tag(), gcm.required(Tags.AE_TAG).asBytes());
        byte[] cbcIv = new byte[16];
        Ttlv cbc = ok(ALICE, 104, item(Op.ENCRYPT, id, params(mode(CryptoOps.CBC)), Ttlv.bytes(Tags.IV_COUNTER_NONCE, cbcIv),
                Ttlv.bytes(Tags.DATA, MSG)));

        assertEquals(200, alice.post("/v1/keys/" + id + "/rotate", Map.of()).status());
        byte[] v2 = material(alice, id);
        assertFalse(Arrays.equals(v1, v2));

        // GCM: the tag tells a wrong key, so the older version is tried and opens it
        Ttlv opened = ok(ALICE, 200, item(Op.DECRYPT, id, params(mode(Enums.GCM)), Ttlv.bytes(Tags.IV_COUNTER_NONCE, iv),
                gcm.required(Tags.DATA), gcm.required(Tags.AE_TAG), Ttlv.bytes(Tags.AE_ADDITIONAL_DATA, new byte[] {1})));
        assertArrayEquals(MSG, opened.required(Tags.DATA).asBytes());
        // CBC: only the current version; the old ciphertext does not give the plaintext back
        Ttlv r = one(ALICE, 200, item(Op.DECRYPT, id, params(mode(CryptoOps.CBC)), Ttlv.bytes(Tags.IV_COUNTER_NONCE, cbcIv),
                cbc.required(Tags.DATA)));
        assertTrue(Msg.status(r) != Enums.SUCCESS || !Arrays.equals(MSG, Msg.payload(r).required(Tags.DATA).asBytes()));
        if (Msg.status(r) != Enums.SUCCESS) {
            assertEquals(Reason.CRYPTOGRAPHIC_FAILURE.code, Msg.reason(r));
        }
        // new encryptions use the new version
        Ttlv ctr = ok(ALICE, 200, item(Op.ENCRYPT, id, params(mode(CryptoOps.CTR)), Ttlv.bytes(Tags.DATA, MSG)));
        byte[] ctrIv = ctr.required(Tags.IV_COUNTER_NONCE).asBytes();
        assertArrayEquals(RawCiphers.encrypt(RawCiphers.Mode.CTR, false, v2, ctrIv, MSG), ctr.required(Tags.DATA).asBytes());

        // the envelope (no parameters) encrypts under the new version too
        Ttlv env = ok(ALICE, 200, item(Op.ENCRYPT, id, Ttlv.bytes(Tags.DATA, MSG)));
        assertTrue(new String(env.required(Tags.DATA).asBytes(), StandardCharsets.US_ASCII).startsWith("kw:v2:"));
    }

    @Test
    void gcm_beforeKmip14_isNotServedRaw_butTheEnvelopeIs() {
        String id = restKey(alice, "aes-128-gcm", false);
        assertEquals(Reason.FEATURE_NOT_SUPPORTED.code, reason(ALICE, 102, item(Op.ENCRYPT, id,
                params(mode(Enums.GCM), Ttlv.bool(Tags.RANDOM_IV, true)), Ttlv.bytes(Tags.DATA, MSG))));
        Ttlv env = ok(ALICE, 102, item(Op.ENCRYPT, id, params(mode(Enums.GCM)), Ttlv.bytes(Tags.DATA, MSG)));
        assertTrue(new String(env.required(Tags.DATA).asBytes(), StandardCharsets.US_ASCII).startsWith("kw:v1:"));
        // a server IV of another length, a tag of 8 bytes, a tag for CBC, AAD for CTR
        assertEquals(Reason.INVALID_FIELD.code, reason(ALICE, 200, item(Op.ENCRYPT, id,
                params(mode(Enums.GCM), Ttlv.integer(Tags.IV_LENGTH, 128)), Ttlv.bytes(Tags.DATA, MSG))));
        assertEquals(Reason.INVALID_FIELD.code, reason(ALICE, 200, item(Op.ENCRYPT, id,
                params(mode(Enums.GCM), Ttlv.integer(Tags.TAG_LENGTH, 8)), Ttlv.bytes(Tags.DATA, MSG))));
        assertEquals(Reason.INVALID_FIELD.code, reason(ALICE, 200, item(Op.DECRYPT, id, params(mode(CryptoOps.CBC)),
                Ttlv.bytes(Tags.IV_COUNTER_NONCE, new byte[16]), Ttlv.bytes(Tags.DATA, new byte[16]),
                Ttlv.bytes(Tags.AE_TAG, new byte[16]))));
        assertEquals(Reason.INVALID_FIELD.code, reason(ALICE, 200, item(Op.ENCRYPT, id, params(mode(CryptoOps.CTR)),
                Ttlv.bytes(Tags.DATA, MSG), Ttlv.bytes(Tags.AE_ADDITIONAL_DATA, new byte[1]))));
        assertEquals(Reason.INVALID_FIELD.code, reason(ALICE, 200, item(Op.ENCRYPT, id,
                params(mode(Enums.GCM), Ttlv.bool(Tags.RANDOM_IV, true)), Ttlv.bytes(Tags.IV_COUNTER_NONCE, new byte[12]),
                Ttlv.bytes(Tags.DATA, MSG))));
        assertEquals(Reason.FEATURE_NOT_SUPPORTED.code, reason(ALICE, 200, item(Op.ENCRYPT, id, params(mode(CryptoOps.CTR),
                Ttlv.integer(Tags.COUNTER_LENGTH, 32)), Ttlv.bytes(Tags.DATA, MSG))));
        // an HMAC key does not encrypt raw
        String hmac = restKey(alice, "hmac-sha256", false);
        assertEquals(Reason.INVALID_FIELD.code, reason(ALICE, 200, item(Op.ENCRYPT, hmac, params(mode(CryptoOps.CTR)),
                Ttlv.bytes(Tags.DATA, MSG))));
    }

    @Test
    void rawEncrypt_followsKeywardGrants_andKeyStates() {
        String id = restKey(alice, "aes-256-gcm", false);
        Ttlv ctr = params(mode(CryptoOps.CTR));
        assertEquals(Reason.ITEM_NOT_FOUND.code, reason(BOB, 200, item(Op.ENCRYPT, id, ctr, Ttlv.bytes(Tags.DATA, MSG))));
        assertEquals(200, alice.put("/v1/keys/" + id + "/grants/bob", Map.of("operations", List.of("encrypt"))).status());
        Ttlv sealed = ok(BOB, 200, item(Op.ENCRYPT, id, ctr, Ttlv.bytes(Tags.DATA, MSG)));
        Ttlv decrypt = item(Op.DECRYPT, id, ctr, sealed.required(Tags.IV_COUNTER_NONCE), sealed.required(Tags.DATA));
        assertEquals(Reason.PERMISSION_DENIED.code, reason(BOB, 200, decrypt));
        assertArrayEquals(MSG, ok(ALICE, 200, decrypt).required(Tags.DATA).asBytes());

        // deactivated over REST: no more encryption (Wrong Key Lifecycle State; Illegal Operation in 1.x), decryption still
        assertEquals(200, alice.post("/v1/keys/" + id + "/revoke", Map.of("reason", "retired")).status());
        assertEquals(Reason.WRONG_KEY_LIFECYCLE_STATE.code, reason(ALICE, 200, item(Op.ENCRYPT, id, ctr, Ttlv.bytes(Tags.DATA, MSG))));
        assertEquals(Reason.ILLEGAL_OPERATION.code, reason(ALICE, 104, item(Op.ENCRYPT, id, ctr, Ttlv.bytes(Tags.DATA, MSG))));
        assertArrayEquals(MSG, ok(ALICE, 200, decrypt).required(Tags.DATA).asBytes());
    }

    @Test
    void macAndMacVerify_withTheKeysHashOrAnother_andGrants() throws Exception {
        byte[] material = new byte[32];
        Arrays.fill(material, (byte) 9);
        String id = alice.post("/v1/keys/import", Map.of("algorithm", "hmac-sha256", "material", Http.b64(material))).str("id");
        Ttlv mac = ok(ALICE, 200, item(Op.MAC, id, Ttlv.bytes(Tags.DATA, MSG)));
        javax.crypto.Mac want = javax.crypto.Mac.getInstance("HmacSHA256");
        want.init(new javax.crypto.spec.SecretKeySpec(material, "HmacSHA256"));
        assertArrayEquals(want.doFinal(MSG), mac.required(Tags.MAC_DATA).asBytes());

        Ttlv verify = item(Op.MAC_VERIFY, id, Ttlv.bytes(Tags.DATA, MSG), mac.required(Tags.MAC_DATA));
        assertEquals(CryptoOps.VALID, ok(ALICE, 200, verify).required(Tags.VALIDITY_INDICATOR).asInt());
        assertEquals(CryptoOps.INVALID, ok(ALICE, 200, item(Op.MAC_VERIFY, id, Ttlv.bytes(Tags.DATA, new byte[1]),
                mac.required(Tags.MAC_DATA))).required(Tags.VALIDITY_INDICATOR).asInt());
        Ttlv sha384 = params(Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, CryptoOps.HMAC_SHA384));
        Ttlv mac384 = ok(ALICE, 104, item(Op.MAC, id, sha384, Ttlv.bytes(Tags.DATA, MSG)));
        assertEquals(48, mac384.required(Tags.MAC_DATA).asBytes().length);
        assertEquals(CryptoOps.VALID, ok(ALICE, 104, item(Op.MAC_VERIFY, id, sha384, Ttlv.bytes(Tags.DATA, MSG),
                mac384.required(Tags.MAC_DATA))).required(Tags.VALIDITY_INDICATOR).asInt());
        assertEquals(CryptoOps.INVALID, ok(ALICE, 104, item(Op.MAC_VERIFY, id, Ttlv.bytes(Tags.DATA, MSG),
                mac384.required(Tags.MAC_DATA))).required(Tags.VALIDITY_INDICATOR).asInt());
        assertEquals(Reason.FEATURE_NOT_SUPPORTED.code, reason(ALICE, 200, item(Op.MAC, id,
                params(Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, CryptoOps.HMAC_SHA1)), Ttlv.bytes(Tags.DATA, MSG))));

        // after a rotation the old MAC still verifies (the versions are tried), a new MAC is the new version's
        assertEquals(200, alice.post("/v1/keys/" + id + "/rotate", Map.of()).status());
        assertEquals(CryptoOps.VALID, ok(ALICE, 200, verify).required(Tags.VALIDITY_INDICATOR).asInt());

        // grants: verify lets bob check MACs but not make them
        assertEquals(Reason.ITEM_NOT_FOUND.code, reason(BOB, 200, verify));
        assertEquals(200, alice.put("/v1/keys/" + id + "/grants/bob", Map.of("operations", List.of("verify"))).status());
        assertEquals(CryptoOps.VALID, ok(BOB, 200, verify).required(Tags.VALIDITY_INDICATOR).asInt());
        assertEquals(Reason.PERMISSION_DENIED.code, reason(BOB, 200, item(Op.MAC, id, Ttlv.bytes(Tags.DATA, MSG))));
    }

    @Test
    void sign_digestedData_andVerifyWithEitherUid_andTheSchemeMustFitTheKey() throws Exception {
        String id = restKey(alice, "ec-p384", false);
        byte[] digest = MessageDigest.getInstance("SHA-384").digest(MSG);
        Ttlv signed = ok(ALICE, 104, item(Op.SIGN, id, Ttlv.bytes(Tags.DIGESTED_DATA, digest)));
        assertEquals(id, signed.required(Tags.UNIQUE_IDENTIFIER).asText());
        Ttlv verify = item(Op.SIGNATURE_VERIFY, id + "-pub", Ttlv.bytes(Tags.DATA, MSG), signed.required(Tags.SIGNATURE_DATA));
        Ttlv v = ok(ALICE, 104, verify);
        assertEquals(id + "-pub", v.required(Tags.UNIQUE_IDENTIFIER).asText());
        assertEquals(CryptoOps.VALID, v.required(Tags.VALIDITY_INDICATOR).asInt());
        assertEquals(Reason.INVALID_FIELD.code, reason(ALICE, 200, item(Op.SIGN, id, Ttlv.bytes(Tags.DIGESTED_DATA, new byte[32]))));
        assertEquals(Reason.INVALID_FIELD.code, reason(ALICE, 200, item(Op.SIGN, id, Ttlv.bytes(Tags.DATA, MSG),
                Ttlv.bytes(Tags.DIGESTED_DATA, digest))));
        assertEquals(Reason.INVALID_FIELD.code, reason(ALICE, 200, item(Op.SIGN, id, params(
                Ttlv.enumeration(Tags.DIGITAL_SIGNATURE_ALGORITHM, CryptoOps.RSASSA_PSS)), Ttlv.bytes(Tags.DATA, MSG))));
        assertEquals(CryptoOps.INVALID, ok(ALICE, 200, item(Op.SIGNATURE_VERIFY, id, Ttlv.bytes(Tags.DATA, MSG),
                Ttlv.bytes(Tags.SIGNATURE_DATA, new byte[7]))).required(Tags.VALIDITY_INDICATOR).asInt());
        // an AES key neither signs nor has a public key
        String aes = restKey(alice, "aes-256-gcm", false);
        assertEquals(Reason.INVALID_FIELD.code, reason(ALICE, 200, item(Op.SIGN, aes, Ttlv.bytes(Tags.DATA, MSG))));
        assertEquals(Reason.ITEM_NOT_FOUND.code, reason(ALICE, 200, item(Op.SIGNATURE_VERIFY, aes + "-pub",
                Ttlv.bytes(Tags.DATA, MSG), Ttlv.bytes(Tags.SIGNATURE_DATA, new byte[7]))));
        // bob may verify with a grant, not sign
        assertEquals(200, alice.put("/v1/keys/" + id + "/grants/bob", Map.of("operations", List.of("verify"))).status());
        assertEquals(CryptoOps.VALID, ok(BOB, 200, verify).required(Tags.VALIDITY_INDICATOR).asInt());
        assertEquals(Reason.PERMISSION_DENIED.code, reason(BOB, 200, item(Op.SIGN, id, Ttlv.bytes(Tags.DATA, MSG))));
    }

    @Test
    void getWrapped_needsExportOnTheKey_encryptOnTheWrappingKey_andAnExportableKey() throws Exception {
        String key = restKey(alice, "aes-128-gcm", true);
        String kek = restKey(alice, "aes-256-gcm", true);
        Ttlv get = wrappedGet(key, kek, CryptoOps.AES_KEY_WRAP_PADDING);
        Ttlv block = ok(ALICE, 200, get).required(Tags.SYMMETRIC_KEY).required(Tags.KEY_BLOCK);
        byte[] wrapped = block.required(Tags.KEY_VALUE).required(Tags.KEY_MATERIAL).asBytes();
        assertArrayEquals(material(alice, key), KeyWrap.unwrap(KeyWrap.Method.KWP, material(alice, kek), wrapped));
        assertEquals(128, block.required(Tags.CRYPTOGRAPHIC_LENGTH).asInt());
        Ttlv data = block.required(Tags.KEY_WRAPPING_DATA);
        assertEquals(kek, data.required(Tags.ENCRYPTION_KEY_INFORMATION).required(Tags.UNIQUE_IDENTIFIER).asText());
        assertEquals(CryptoOps.NO_ENCODING, data.required(Tags.ENCODING_OPTION).asInt());

        // an HMAC key wraps too (RFC 3394: 32 bytes)
        String hmac = restKey(alice, "hmac-sha256", true);
        Ttlv hb = ok(ALICE, 104, wrappedGet(hmac, kek, CryptoOps.NIST_KEY_WRAP)).required(Tags.SYMMETRIC_KEY).required(Tags.KEY_BLOCK);
        assertArrayEquals(material(alice, hmac), KeyWrap.unwrap(KeyWrap.Method.KW, material(alice, kek),
                hb.required(Tags.KEY_VALUE).required(Tags.KEY_MATERIAL).asBytes()));
        assertEquals(CryptoOps.HMAC_SHA256, hb.required(Tags.CRYPTOGRAPHIC_ALGORITHM).asInt());

        // not exportable: not even wrapped
        String closed = restKey(alice, "aes-256-gcm", false);
        assertEquals(Reason.PERMISSION_DENIED.code, reason(ALICE, 200, wrappedGet(closed, kek, CryptoOps.NIST_KEY_WRAP)));
        // a key cannot wrap itself; an RSA key does not wrap here; TTLV encoding is not served
        assertEquals(Reason.INVALID_FIELD.code, reason(ALICE, 200, wrappedGet(key, key, CryptoOps.NIST_KEY_WRAP)));
        String rsa = restKey(alice, "rsa-2048", false);
        assertEquals(Reason.INVALID_FIELD.code, reason(ALICE, 200, wrappedGet(key, rsa, CryptoOps.NIST_KEY_WRAP)));
        Ttlv ttlv = Msg.item(Op.GET, Msg.uid(key), Ttlv.structure(Tags.KEY_WRAPPING_SPECIFICATION, List.of(
                Ttlv.enumeration(Tags.WRAPPING_METHOD, CryptoOps.WRAP_ENCRYPT),
                Ttlv.structure(Tags.ENCRYPTION_KEY_INFORMATION, List.of(Msg.uid(kek))),
                Ttlv.enumeration(Tags.ENCODING_OPTION, 2))));
        assertEquals(Reason.FEATURE_NOT_SUPPORTED.code, reason(ALICE, 200, ttlv));

        // bob: export on the key is not enough without encrypt on alice's wrapping key; his own works
        assertEquals(200, alice.put("/v1/keys/" + key + "/grants/bob", Map.of("operations", List.of("export"))).status());
        assertEquals(Reason.ITEM_NOT_FOUND.code, reason(BOB, 200, wrappedGet(key, kek, CryptoOps.NIST_KEY_WRAP)));
        assertEquals(200, alice.put("/v1/keys/" + kek + "/grants/bob", Map.of("operations", List.of("get"))).status());
        assertEquals(Reason.PERMISSION_DENIED.code, reason(BOB, 200, wrappedGet(key, kek, CryptoOps.NIST_KEY_WRAP)));
        String bobs = restKey(bob, "aes-256-gcm", true);
        Ttlv bb = ok(BOB, 200, wrappedGet(key, bobs, CryptoOps.NIST_KEY_WRAP)).required(Tags.SYMMETRIC_KEY).required(Tags.KEY_BLOCK);
        assertArrayEquals(material(alice, key), KeyWrap.unwrap(KeyWrap.Method.KW, material(bob, bobs),
                bb.required(Tags.KEY_VALUE).required(Tags.KEY_MATERIAL).asBytes()));
    }

    @Test
    void getWrapped_privateKeysAndSecretData_wrapTheBytesAPlainGetGives() throws Exception {
        String kek = restKey(alice, "aes-256-gcm", true);
        // an EC private key: PKCS#8, wrapped with padding (its length is no multiple of 8)
        String ec = restKey(alice, "ec-p256", true);
        Ttlv plain = ok(ALICE, 200, Msg.item(Op.GET, Msg.uid(ec))).required(Tags.PRIVATE_KEY).required(Tags.KEY_BLOCK);
        byte[] pkcs8 = plain.required(Tags.KEY_VALUE).required(Tags.KEY_MATERIAL).asBytes();
        Ttlv answer = ok(ALICE, 200, wrappedGet(ec, kek, CryptoOps.AES_KEY_WRAP_PADDING));
        assertEquals(Enums.PRIVATE_KEY, answer.required(Tags.OBJECT_TYPE).asInt());
        Ttlv block = answer.required(Tags.PRIVATE_KEY).required(Tags.KEY_BLOCK);
        assertEquals(Enums.PKCS8, block.required(Tags.KEY_FORMAT_TYPE).asInt());
        assertArrayEquals(pkcs8, KeyWrap.unwrap(KeyWrap.Method.KWP, material(alice, kek),
                block.required(Tags.KEY_VALUE).required(Tags.KEY_MATERIAL).asBytes()));
        assertEquals(kek, block.required(Tags.KEY_WRAPPING_DATA).required(Tags.ENCRYPTION_KEY_INFORMATION)
                .required(Tags.UNIQUE_IDENTIFIER).asText());

        // an RSA private key in PKCS#1, as a plain Get in PKCS#1 gives it
        String rsa = restKey(alice, "rsa-2048", true);
        Ttlv plainRsa = ok(ALICE, 200, Msg.item(Op.GET, Msg.uid(rsa), Ttlv.enumeration(Tags.KEY_FORMAT_TYPE, Enums.PKCS1)))
                .required(Tags.PRIVATE_KEY).required(Tags.KEY_BLOCK);
        Ttlv wrappedRsa = ok(ALICE, 200, Msg.item(Op.GET, Msg.uid(rsa), Ttlv.enumeration(Tags.KEY_FORMAT_TYPE, Enums.PKCS1),
                wrappedGet(rsa, kek, CryptoOps.AES_KEY_WRAP_PADDING).required(Tags.REQUEST_PAYLOAD)
                        .required(Tags.KEY_WRAPPING_SPECIFICATION)))
                .required(Tags.PRIVATE_KEY).required(Tags.KEY_BLOCK);
        assertEquals(Enums.PKCS1, wrappedRsa.required(Tags.KEY_FORMAT_TYPE).asInt());
        assertArrayEquals(plainRsa.required(Tags.KEY_VALUE).required(Tags.KEY_MATERIAL).asBytes(),
                KeyWrap.unwrap(KeyWrap.Method.KWP, material(alice, kek),
                        wrappedRsa.required(Tags.KEY_VALUE).required(Tags.KEY_MATERIAL).asBytes()));

        // secret data (32 bytes: RFC 3394 wraps it without padding)
        String secret = restKey(alice, "secret", true);
        Ttlv sd = ok(ALICE, 200, wrappedGet(secret, kek, CryptoOps.NIST_KEY_WRAP)).required(Tags.SECRET_DATA);
        assertArrayEquals(material(alice, secret), KeyWrap.unwrap(KeyWrap.Method.KW, material(alice, kek),
                sd.required(Tags.KEY_BLOCK).required(Tags.KEY_VALUE).required(Tags.KEY_MATERIAL).asBytes()));

        // a Public Key is no secret to wrap; a format the object has not is refused
        assertEquals(Reason.FEATURE_NOT_SUPPORTED.code, reason(ALICE, 200, wrappedGet(ec + "-pub", kek,
                CryptoOps.AES_KEY_WRAP_PADDING)));
        assertEquals(Reason.KEY_FORMAT_TYPE_NOT_SUPPORTED.code, reason(ALICE, 200, Msg.item(Op.GET, Msg.uid(ec),
                Ttlv.enumeration(Tags.KEY_FORMAT_TYPE, Enums.RAW), wrappedGet(ec, kek, CryptoOps.AES_KEY_WRAP_PADDING)
                        .required(Tags.REQUEST_PAYLOAD).required(Tags.KEY_WRAPPING_SPECIFICATION))));
    }

    static Ttlv wrappedGet(String key, String kek, int mode) {
        return Msg.item(Op.GET, Msg.uid(key), Ttlv.structure(Tags.KEY_WRAPPING_SPECIFICATION, List.of(
                Ttlv.enumeration(Tags.WRAPPING_METHOD, CryptoOps.WRAP_ENCRYPT),
                Ttlv.structure(Tags.ENCRYPTION_KEY_INFORMATION, List.of(Msg.uid(kek), params(mode(mode)))),
                Ttlv.enumeration(Tags.ENCODING_OPTION, CryptoOps.NO_ENCODING))));
    }

    @Test
    void deriveKey_makesAPreActiveKeyTheCallerOwns_notExportableFromAClosedBase_andRefusesBadParameters() {
        String open = restKey(alice, "aes-256-gcm", true);
        Ttlv params = Ttlv.structure(Tags.DERIVATION_PARAMETERS, List.of(
                params(Ttlv.enumeration(Tags.HASHING_ALGORITHM, CryptoOps.SHA_512)),
                Ttlv.bytes(Tags.SALT, new byte[] {1, 2}), Ttlv.bytes(Tags.DERIVATION_DATA, new byte[] {3})));
        Ttlv attrs = Ttlv.structure(Tags.ATTRIBUTES, List.of(
                Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, CryptoOps.HMAC_SHA512), Ttlv.integer(Tags.CRYPTOGRAPHIC_LENGTH, 512),
                KeyObjects.name(Tags.NAME, "derived-hmac")));
        Ttlv derive = item(Op.DERIVE_KEY, open, Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.SYMMETRIC_KEY),
                Ttlv.enumeration(Tags.DERIVATION_METHOD, CryptoOps.HKDF), params, attrs);
        String made = ok(ALICE, 200, derive).required(Tags.UNIQUE_IDENTIFIER).asText();
        Http.Res r = alice.get("/v1/keys/derived-hmac");
        assertEquals(made, r.str("id"));
        assertEquals("hmac-sha512", r.str("algorithm"));
        assertEquals("alice", r.str("owner"));
        assertArrayEquals(Kdf.hkdf(Kdf.Prf.SHA512, material(alice, open), new byte[] {1, 2}, new byte[] {3}, 64),
                material(alice, made));
        // Pre-Active like Create: no MAC until activated
        assertEquals(Reason.WRONG_KEY_LIFECYCLE_STATE.code, reason(ALICE, 200, item(Op.MAC, made, Ttlv.bytes(Tags.DATA, MSG))));

        // a base that is not exportable gives a key that is not exportable either
        String closed = restKey(alice, "aes-256-gcm", false);
        Ttlv pbkdf2 = item(Op.DERIVE_KEY, closed, Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.SYMMETRIC_KEY),
                Ttlv.enumeration(Tags.DERIVATION_METHOD, CryptoOps.PBKDF2), Ttlv.structure(Tags.DERIVATION_PARAMETERS,
                        List.of(Ttlv.bytes(Tags.SALT, new byte[8]), Ttlv.integer(Tags.ITERATION_COUNT, 10))),
                Ttlv.structure(Tags.ATTRIBUTES, List.of(Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, Enums.AES),
                        Ttlv.integer(Tags.CRYPTOGRAPHIC_LENGTH, 128))));
        String sealed = ok(ALICE, 104, pbkdf2).required(Tags.UNIQUE_IDENTIFIER).asText();
        assertEquals(false, alice.get("/v1/keys/" + sealed).json().get("exportable"));
        assertEquals("aes-128-gcm", alice.get("/v1/keys/" + sealed).str("algorithm"));
        assertEquals(Reason.WRONG_KEY_LIFECYCLE_STATE.code, reason(ALICE, 200, item(Op.ENCRYPT, sealed,
                params(mode(CryptoOps.CTR)), Ttlv.bytes(Tags.DATA, MSG))));
        ok(ALICE, 200, item(Op.ACTIVATE, sealed));
        ok(ALICE, 200, item(Op.ENCRYPT, sealed, params(mode(CryptoOps.CTR)), Ttlv.bytes(Tags.DATA, MSG)));

        // bob: not without export on the base
        assertEquals(Reason.ITEM_NOT_FOUND.code, reason(BOB, 200, derive));
        assertEquals(200, alice.put("/v1/keys/" + open + "/grants/bob", Map.of("operations", List.of("encrypt"))).status());
        assertEquals(Reason.PERMISSION_DENIED.code, reason(BOB, 200, derive));

        Ttlv noSalt = item(Op.DERIVE_KEY, open, Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.SYMMETRIC_KEY),
                Ttlv.enumeration(Tags.DERIVATION_METHOD, CryptoOps.PBKDF2), Ttlv.structure(Tags.DERIVATION_PARAMETERS,
                        List.of(Ttlv.integer(Tags.ITERATION_COUNT, 10))), attrs);
        assertEquals(Reason.INVALID_FIELD.code, reason(ALICE, 200, noSalt));
        Ttlv tooMany = item(Op.DERIVE_KEY, open, Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.SYMMETRIC_KEY),
                Ttlv.enumeration(Tags.DERIVATION_METHOD, CryptoOps.PBKDF2), Ttlv.structure(Tags.DERIVATION_PARAMETERS,
                        List.of(Ttlv.bytes(Tags.SALT, new byte[8]), Ttlv.integer(Tags.ITERATION_COUNT, Kdf.MAX_ITERATIONS + 1))),
                attrs);
        assertEquals(Reason.INVALID_FIELD.code, reason(ALICE, 200, tooMany));
        Ttlv aes192 = item(Op.DERIVE_KEY, open, Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.SYMMETRIC_KEY),
                Ttlv.enumeration(Tags.DERIVATION_METHOD, CryptoOps.HKDF), Ttlv.structure(Tags.DERIVATION_PARAMETERS, List.of()),
                Ttlv.structure(Tags.ATTRIBUTES, List.of(Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, Enums.AES),
                        Ttlv.integer(Tags.CRYPTOGRAPHIC_LENGTH, 192))));
        assertEquals(Reason.INVALID_FIELD.code, reason(ALICE, 200, aes192));
        String rsa = restKey(alice, "rsa-2048", true);
        Ttlv fromRsa = item(Op.DERIVE_KEY, rsa, Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.SYMMETRIC_KEY),
                Ttlv.enumeration(Tags.DERIVATION_METHOD, CryptoOps.HKDF), Ttlv.structure(Tags.DERIVATION_PARAMETERS, List.of()),
                attrs);
        assertEquals(Reason.PERMISSION_DENIED.code, reason(ALICE, 200, fromRsa)); // an RSA key's mask has no Derive Key
    }

    @Test
    void query_listsTheNewOperations() {
        Ttlv q = ok(ALICE, 200, Msg.item(Op.QUERY, Ttlv.enumeration(Tags.QUERY_FUNCTION, Enums.QUERY_OPERATIONS)));
        List<Integer> ops = q.all(Tags.OPERATION).stream().map(Ttlv::asInt).toList();
        for (Op op : List.of(Op.SIGN, Op.SIGNATURE_VERIFY, Op.MAC, Op.MAC_VERIFY, Op.DERIVE_KEY)) {
            assertTrue(ops.contains(op.code), op.jsonName);
        }
    }
}
