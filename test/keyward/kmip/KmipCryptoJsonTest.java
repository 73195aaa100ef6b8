package keyward.kmip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import keyward.Http;
import keyward.Poll;
import keyward.TestNode;
import keyward.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cryptographic operations over the JSON form of TTLV on the API port: the names of their
 * tags and enumerations as JSON clients write them, and one audit entry per item with its outcome.
 */
class KmipCryptoJsonTest {
    static TestNode node;
    static Http alice;

    @BeforeAll
    static void start() throws Exception {
        node = TestNode.start();
        alice = node.http(node.newUser("alice"));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void signVerifyMacAndARefusal_byTheirJsonNames_areAnsweredAndAudited() {
        String rsa = alice.post("/v1/keys", Map.of("algorithm", "rsa-2048")).str("id");
        String hmac = alice.post("/v1/keys", Map.of("algorithm", "hmac-sha384")).str("id");
        String data = "{\"tag\": \"Data\", \"type\": \"ByteString\", \"value\": \"6B6D6970\"}";
        String message = "{\"tag\": \"RequestMessage\", \"type\": \"Structure\", \"value\": ["
                + "{\"tag\": \"RequestHeader\", \"type\": \"Structure\", \"value\": ["
                + "{\"tag\": \"ProtocolVersion\", \"type\": \"Structure\", \"value\": ["
                + "{\"tag\": \"ProtocolVersionMajor\", \"type\": \"Integer\", \"value\": 2},"
                + "{\"tag\": \"ProtocolVersionMinor\", \"type\": \"Integer\", \"value\": 1}]},"
                + "{\"tag\": \"BatchErrorContinuationOption\", \"type\": \"Enumeration\", \"value\": \"Continue\"},"
                + "{\"tag\": \"BatchCount\", \"type\": \"Integer\", \"value\": 3}]},"
                + item("Sign", rsa, "{\"tag\": \"CryptographicParameters\", \"type\": \"Structure\", \"value\": ["
                        + "{\"tag\": \"DigitalSignatureAlgorithm\", \"type\": \"Enumeration\", \"value\": \"SHA256WithRSAEncryption\"}]},"
                        + data) + ","
                + item("MAC", hmac, "{\"tag\": \"CryptographicParameters\", \"type\": \"Structure\", \"value\": ["
                        + "{\"tag\": \"CryptographicAlgorithm\", \"type\": \"Enumeration\", \"value\": \"HMACSHA384\"}]},"
                        + data) + ","
                + item("Encrypt", rsa + "-pub", "{\"tag\": \"CryptographicParameters\", \"type\": \"Structure\", \"value\": ["
                        + "{\"tag\": \"PaddingMethod\", \"type\": \"Enumeration\", \"value\": \"OAEP\"},"
                        + "{\"tag\": \"HashingAlgorithm\", \"type\": \"Enumeration\", \"value\": \"SHA256\"},"
                        + "{\"tag\": \"MaskGeneratorHashingAlgorithm\", \"type\": \"Enumeration\", \"value\": \"SHA256\"}]},"
                        + data)
                + "]}";
        Ttlv r = post(message);
        List<Ttlv> items = Msg.items(r);
        assertEquals(3, items.size(), String.valueOf(JsonTtlv.toJson(r)));
        for (Ttlv i : items) {
            assertEquals(Enums.SUCCESS, Msg.status(i), String.valueOf(JsonTtlv.toJson(i)));
        }
        assertEquals(256, Msg.payload(items.get(0)).required(Tags.SIGNATURE_DATA).asBytes().length);
        assertEquals(48, Msg.payload(items.get(1)).required(Tags.MAC_DATA).asBytes().length);
        assertEquals(256, Msg.payload(items.get(2)).required(Tags.DATA).asBytes().length);
        String shown = new String(Json.writeBytes(JsonTtlv.toJson(r)), StandardCharsets.UTF_8);
        assertTrue(shown.contains("\"SignatureData\"") && shown.contains("\"MACData\""), shown);

        // the signature verifies, by name, and a wrong one is Invalid; an unserved scheme is refused
        Ttlv verify = post(alice, Msg.request(201, true,
                Msg.item(Op.SIGNATURE_VERIFY, Msg.uid(rsa + "-pub"), KmipCryptoTest.params(Ttlv.enumeration(
                        Tags.DIGITAL_SIGNATURE_ALGORITHM, CryptoOps.SHA256_WITH_RSA)), Ttlv.bytes(Tags.DATA,
                        "kmip".getBytes(StandardCharsets.US_ASCII)), Msg.payload(items.get(0)).required(Tags.SIGNATURE_DATA)),
                Msg.item(Op.SIGN, Msg.uid(rsa), KmipCryptoTest.params(Ttlv.enumeration(Tags.DIGITAL_SIGNATURE_ALGORITHM,
                        0x03)), Ttlv.bytes(Tags.DATA, new byte[1]))));
        String json = new String(Json.writeBytes(JsonTtlv.toJson(verify)), StandardCharsets.UTF_8);
        assertTrue(json.contains("{\"tag\":\"ValidityIndicator\",\"type\":\"Enumeration\",\"value\":\"Valid\"}"), json);
        assertEquals(Reason.FEATURE_NOT_SUPPORTED.code, Msg.reason(Msg.items(verify).get(1)));

        // one audit entry per KMIP item, with the operation and its outcome
        Poll.until("the audit of " + rsa, () -> audited(rsa).size() >= 4);
        assertEquals(List.of("kmip.sign ok", "kmip.encrypt ok", "kmip.signature_verify ok", "kmip.sign not_supported"),
                audited(rsa).subList(0, 4));
        Poll.until("the audit of " + hmac, () -> audited(hmac).size() >= 1);
        assertEquals(List.of("kmip.mac ok"), audited(hmac));
    }

    private static String item(String operation, String uid, String payload) {
        return "{\"tag\": \"BatchItem\", \"type\": \"Structure\", \"value\": ["
                + "{\"tag\": \"Operation\", \"type\": \"Enumeration\", \"value\": \"" + operation + "\"},"
                + "{\"tag\": \"RequestPayload\", \"type\": \"Structure\", \"value\": ["
                + "{\"tag\": \"UniqueIdentifier\", \"type\": \"TextString\", \"value\": \"" + uid + "\"}," + payload + "]}]}";
    }

    private static Ttlv post(String json) {
        Http.Res r = alice.send("POST", "/kmip/2_1", json.getBytes(StandardCharsets.UTF_8), "application/json");
        assertEquals(200, r.status(), r.text());
        return JsonTtlv.fromJson(Json.parse(r.raw(), Json.Limits.DEFAULT), TtlvCodec.Limits.forBytes(1 << 20));
    }

    private static Ttlv post(Http who, Ttlv request) {
        return KmipJsonTest.post(who, "/kmip/2_1", request);
    }

    private static List<String> audited(String id) {
        Http.Res audit = node.admin().get("/v1/audit?key=" + id);
        return Http.asList(audit.json().get("entries")).stream().map(Http::asMap)
                .map(e -> e.get("operation") + " " + e.get("outcome")).filter(e -> e.startsWith("kmip.")).toList();
    }
}
