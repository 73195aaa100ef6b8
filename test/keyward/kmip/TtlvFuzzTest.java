package keyward.kmip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import keyward.Http;
import keyward.TestNode;
import keyward.core.AuditTrail;
import keyward.core.Principal;
import keyward.json.Json;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated messages: the binary decoder and the JSON converter give a value or a
 * clean Invalid Message, never another exception; the message processor answers every message
 * that decodes with a Response Message; the JSON endpoint never answers 5xx. Seeded, so a
 * failure repeats.
 */
class TtlvFuzzTest {
    private static final TtlvCodec.Limits LIMITS = TtlvCodec.Limits.forBytes(64 * 1024);

    static List<Ttlv> seeds() {
        return List.of(TtlvCodecTest.everyType(),
                Msg.request(102, Msg.create2(256, "fuzz"), Msg.item(Op.ACTIVATE), Msg.item(Op.GET)),
                Msg.request(200, true, Msg.item(Op.LOCATE, Ttlv.integer(Tags.MAXIMUM_ITEMS, 3),
                        Ttlv.structure(Tags.ATTRIBUTES, List.of(Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.SYMMETRIC_KEY))))),
                Msg.request(104, Msg.item(Op.ENCRYPT, Msg.uid("01890000-0000-7000-8000-000000000000"),
                        Ttlv.bytes(Tags.DATA, new byte[20])), Msg.item(Op.QUERY, Ttlv.enumeration(Tags.QUERY_FUNCTION, 1)),
                        Msg.item(Op.DISCOVER_VERSIONS)));
    }

    static byte[] mutate(byte[] in, Random r) {
        byte[] b = in.clone();
        switch (r.nextInt(5)) {
            case 0 -> {
                for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
            }
            case 1 -> b = Arrays.copyOf(b, r.nextInt(b.length + 1));
            case 2 -> {
                int at = r.nextInt(b.length) / 8 * 8; // a length field: make it lie
                if (at + 8 <= b.length) {
                    int len = r.nextBoolean() ? r.nextInt() : r.nextInt(64);
                    b[at + 4] = (byte) (len >>> 24);
                    b[at + 5] = (byte) (len >>> 16);
                    b[at + 6] = (byte) (len >>> 8);
                    b[at + 7] = (byte) len;
                }
            }
            case 3 -> { // an item's type byte
                int at = r.nextInt(b.length) / 8 * 8 + 3;
                if (at < b.length) {
                    b[at] = (byte) r.nextInt(14);
                }
            }
            default -> { // a slice repeated
                int from = r.nextInt(b.length) / 8 * 8;
                int to = Math.min(b.length, from + 8 * (1 + r.nextInt(4)));
                byte[] out = new byte[b.length + to - from];
                System.arraycopy(b, 0, out, 0, to);
                System.arraycopy(b, from, out, to, b.length - from);
                b = out;
            }
        }
        return b;
    }

    /** The decoded message, or null after a clean refusal; anything else fails the test. */
    private static Ttlv decodeCleanly(byte[] bytes) {
        try {
            Ttlv t = TtlvCodec.decode(bytes, LIMITS);
            Ttlv again = JsonTtlv.fromJson(Json.parse(Json.writeBytes(JsonTtlv.toJson(t)), Json.Limits.DEFAULT), LIMITS);
            assertTrue(t.sameAs(again), "JSON round trip");
            return t;
        } catch (KmipException e) {
            assertEquals(Reason.INVALID_MESSAGE, e.reason());
            return null;
        }
    }

    @Test
    void decode_randomBytes_givesValuesOrInvalidMessage() {
        Random r = new Random(15);
        int decoded = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] b = new byte[r.nextBoolean() ? 8 * (1 + r.nextInt(8)) : r.nextInt(200)];
            r.nextBytes(b);
            if (b.length >= 8 && b.length % 8 == 0) {
                // a plausible header (tag, type, a length that fits), so that the decoder looks at the value
                b[0] = 0x42;
                b[3] = (byte) (1 + r.nextInt(11));
                int length = Math.max(0, b.length - 8 - r.nextInt(8));
                b[4] = 0;
                b[5] = 0;
                b[6] = (byte) (length >>> 8);
                b[7] = (byte) length;
            }
            if (decodeCleanly(b) != null) {
                decoded++;
            }
        }
        assertTrue(decoded > 0, "some random items decode");
    }

    @Test
    void decode_mutatedMessages_givesValuesOrInvalidMessage_andKmipAnswersEachDecodedOne() throws Exception {
        Random r = new Random(1515);
        List<byte[]> seeds = new ArrayList<>();
        for (Ttlv s : seeds()) {
            seeds.add(TtlvCodec.encode(s));
        }
        try (TestNode node = TestNode.start()) {
            Kmip kmip = new Kmip(node.node.core(), AuditTrail.NONE);
            node.newUser("fuzzer");
            Principal caller = new Principal("fuzzer", false);
            int answered = 0;
            for (int i = 0; i < 20_000; i++) {
                byte[] b = seeds.get(r.nextInt(seeds.size()));
                for (int n = 1 + r.nextInt(3); n > 0 && b.length > 0; n--) {
                    b = mutate(b, r);
                }
                Ttlv t = decodeCleanly(b);
                if (t != null && i % 10 == 0) {
                    Ttlv answer = kmip.handle(caller, t, "fuzz");
                    assertEquals(Tags.RESPONSE_MESSAGE, answer.tag());
                    assertTrue(Msg.items(answer).size() >= 1);
                    TtlvCodec.encode(answer);
                    answered++;
                }
            }
            assertTrue(answered > 100, "answered " + answered);
        }
    }

    @Test
    void jsonEndpoint_mutatedAndRandomDocuments_neverAnswer5xx() throws Exception {
        Random r = new Random(2121);
        List<String> seeds = new ArrayList<>();
        for (Ttlv s : seeds()) {
            seeds.add(new String(Json.writeBytes(JsonTtlv.toJson(s)), StandardCharsets.UTF_8));
        }
        String[] junk = {"{", "}", "[", "]", "\"", ",", ":", "0x", "null", "true", "-1", "1e99", "\"Structure\"",
                "\"tag\"", "\"value\"", "\\u0000", "4294967296", "\"0xFFFFFFFFFFFFFFFFFF\""};
        try (TestNode node = TestNode.start()) {
            Http http = node.http(node.newUser("fuzzer"));
            int ok = 0;
            for (int i = 0; i < 400; i++) {
                String doc = seeds.get(r.nextInt(seeds.size()));
                for (int n = 1 + r.nextInt(3); n > 0; n--) {
                    int at = r.nextInt(doc.length());
                    int to = Math.min(doc.length(), at + r.nextInt(12));
                    doc = doc.substring(0, at) + (r.nextBoolean() ? junk[r.nextInt(junk.length)] : "") + doc.substring(to);
                }
                Http.Res res = http.send("POST", r.nextBoolean() ? "/kmip/2_1" : "/kmip",
                        doc.getBytes(StandardCharsets.UTF_8), "application/json");
                assertTrue(res.status() == 200 || res.status() >= 400 && res.status() < 500, res.status() + " for " + doc);
                if (res.status() == 200) {
                    assertEquals("ResponseMessage", res.json().get("tag"));
                    ok++;
                }
            }
            assertTrue(ok > 20, "answered with a Response Message: " + ok);
        }
    }
}
