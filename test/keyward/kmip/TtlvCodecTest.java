package keyward.kmip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import keyward.json.Json;
import org.junit.jupiter.api.Test;

/** The TTLV codec: the specification's encodings, round trips of every type, and the bounds. */
class TtlvCodecTest {
    private static final TtlvCodec.Limits LIMITS = TtlvCodec.Limits.forBytes(1 << 20);

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", "").replace("|", ""));
    }

    @Test
    void encode_matchesTheSpecificationExamples() {
        // KMIP 1.4 section 9.1.2 examples
        assertArrayEquals(hex("420020 | 02 | 00000004 | 00000008 00000000"),
                TtlvCodec.encode(new Ttlv(0x420020, Ttlv.Type.INTEGER, 8)));
        assertArrayEquals(hex("420020 | 03 | 00000008 | 01B69B4BA5749200"),
                TtlvCodec.encode(new Ttlv(0x420020, Ttlv.Type.LONG_INTEGER, 123456789000000000L)));
        assertArrayEquals(hex("420020 | 04 | 00000010 | 0000000003FD35EB 6BC2DF4618080000"),
                TtlvCodec.encode(new Ttlv(0x420020, Ttlv.Type.BIG_INTEGER, new BigInteger("1234567890000000000000000000"))));
        assertArrayEquals(hex("420020 | 05 | 00000004 | 000000FF 00000000"),
                TtlvCodec.encode(new Ttlv(0x420020, Ttlv.Type.ENUMERATION, 255)));
        assertArrayEquals(hex("420020 | 06 | 00000008 | 0000000000000001"),
                TtlvCodec.encode(new Ttlv(0x420020, Ttlv.Type.BOOLEAN, true)));
        assertArrayEquals(hex("420020 | 07 | 0000000B | 48656C6C6F20576F726C64 0000000000"),
                TtlvCodec.encode(new Ttlv(0x420020, Ttlv.Type.TEXT_STRING, "Hello World")));
        assertArrayEquals(hex("420020 | 08 | 00000003 | 010203 0000000000"),
                TtlvCodec.encode(new Ttlv(0x420020, Ttlv.Type.BYTE_STRING, new byte[] {1, 2, 3})));
        assertArrayEquals(hex("420020 | 09 | 00000008 | 0000000047DA67F8"),
                TtlvCodec.encode(new Ttlv(0x420020, Ttlv.Type.DATE_TIME, 0x47DA67F8L)));
        assertArrayEquals(hex("420020 | 0A | 00000004 | 000D2F00 00000000"),
                TtlvCodec.encode(new Ttlv(0x420020, Ttlv.Type.INTERVAL, 864000)));
        assertArrayEquals(hex("420020 | 01 | 00000020 | 420004 | 05 | 00000004 | 000000FE 00000000"
                        + " | 420005 | 02 | 00000004 | 000000FF 00000000"),
                TtlvCodec.encode(Ttlv.structure(0x420020, List.of(new Ttlv(0x420004, Ttlv.Type.ENUMERATION, 254),
                        new Ttlv(0x420005, Ttlv.Type.INTEGER, 255)))));
    }

    static Ttlv everyType() {
        return Ttlv.structure(Tags.REQUEST_MESSAGE, List.of(
                Ttlv.integer(Tags.BATCH_COUNT, -7),
                new Ttlv(Tags.MAXIMUM_ITEMS, Ttlv.Type.LONG_INTEGER, Long.MIN_VALUE),
                new Ttlv(0x420020, Ttlv.Type.BIG_INTEGER, new BigInteger("-123456789012345678901234567890")),
                Ttlv.enumeration(Tags.OPERATION, Op.ENCRYPT.code),
                Ttlv.bool(Tags.EXTRACTABLE, false),
                Ttlv.text(Tags.UNIQUE_IDENTIFIER, "clé ✓"),
                Ttlv.bytes(Tags.DATA, new byte[] {0, (byte) 0xFF, 7, 8, 9, 10, 11, 12, 13}),
                Ttlv.dateTime(Tags.TIME_STAMP, 1_800_000_000L),
                new Ttlv(0x420020, Ttlv.Type.INTERVAL, 86400),
                new Ttlv(0x420021, Ttlv.Type.DATE_TIME_EXTENDED, 1_800_000_000_123_456L),
                Ttlv.structure(Tags.ATTRIBUTES, List.of()),
                Ttlv.structure(Tags.NAME, List.of(Ttlv.text(Tags.NAME_VALUE, ""), Ttlv.enumeration(Tags.NAME_TYPE, 1)))));
    }

    @Test
    void decode_ofEncode_givesEveryTypeBack() {
        Ttlv t = everyType();
        byte[] bytes = TtlvCodec.encode(t);
        assertEquals(0, bytes.length % 8);
        assertTrue(t.sameAs(TtlvCodec.decode(bytes, LIMITS)));
    }

    @Test
    void json_ofEveryType_roundTripsThroughTheJsonText() {
        Ttlv t = everyType();
        Object json = Json.parse(Json.writeBytes(JsonTtlv.toJson(t)), Json.Limits.DEFAULT);
        assertTrue(t.sameAs(JsonTtlv.fromJson(json, LIMITS)), String.valueOf(json));
    }

    @Test
    void json_namesTagsTypesAndEnumerations() {
        Map<String, Object> m = JsonTtlv.toJson(Ttlv.enumeration(Tags.OPERATION, Op.GET_ATTRIBUTES.code));
        assertEquals(Map.of("tag", "Operation", "type", "Enumeration", "value", "GetAttributes"), m);
        Ttlv parsed = JsonTtlv.fromJson(Json.parse("{\"tag\":\"0x42005C\",\"type\":\"Enumeration\",\"value\":\"0x0000000A\"}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), Json.Limits.DEFAULT), LIMITS);
        assertEquals(Tags.OPERATION, parsed.tag());
        assertEquals(Op.GET.code, parsed.asInt());
        Ttlv date = JsonTtlv.fromJson(Json.parse("{\"tag\":\"TimeStamp\",\"type\":\"DateTime\",\"value\":\"2027-01-15T08:00:00+01:00\"}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), Json.Limits.DEFAULT), LIMITS);
        assertEquals(java.time.Instant.parse("2027-01-15T07:00:00Z").getEpochSecond(), date.asLong());
    }

    @Test
    void json_refusesWhatIsNotTtlv_withInvalidMessage() {
        for (String bad : List.of("[]", "{\"tag\":\"NoSuchTag\",\"type\":\"Integer\",\"value\":1}",
                "{\"tag\":\"BatchCount\",\"type\":\"Integer\",\"value\":\"x\"}",
                "{\"tag\":\"BatchCount\",\"type\":\"Integer\",\"value\":4294967296}",
                "{\"tag\":\"BatchCount\",\"type\":\"Float\",\"value\":1}",
                "{\"tag\":\"Data\",\"type\":\"ByteString\",\"value\":\"ABC\"}",
                "{\"tag\":\"Operation\",\"type\":\"Enumeration\",\"value\":\"Fly\"}",
                "{\"tag\":\"TimeStamp\",\"type\":\"DateTime\",\"value\":\"yesterday\"}",
                "{\"tag\":\"Attributes\",\"type\":\"Structure\",\"value\":[1]}",
                "{\"tag\":\"Attributes\",\"type\":\"Structure\",\"value\":[],\"extra\":1}")) {
            KmipException e = assertThrows(KmipException.class, () -> JsonTtlv.fromJson(
                    Json.parse(bad.getBytes(java.nio.charset.StandardCharsets.UTF_8), Json.Limits.DEFAULT), LIMITS), bad);
            assertEquals(Reason.INVALID_MESSAGE, e.reason(), bad);
        }
    }

    @Test
    void decode_refusesMalformedItems_namingTheProblem() {
        Map<String, String> cases = Map.of(
                "420020 02 00000004 00000008", "declares 4 bytes",
                "420020 02 00000008 0000000800000000", "must be 4 bytes long",
                "420020 06 00000008 0000000000000002", "neither 0 nor 1",
                "420020 0C 00000000", "unknown item type",
                "420020 07 00000002 FFFE000000000000", "not UTF-8",
                "420020 04 00000004 0000000100000000", "multiple of 8",
                "420020 01 00000010 420021 02 00000004 0000000100000000 00", "bytes follow",
                "4200", "truncated");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            KmipException e = assertThrows(KmipException.class, () -> TtlvCodec.decode(hex(c.getKey()), LIMITS), c.getKey());
            assertEquals(Reason.INVALID_MESSAGE, e.reason());
            assertTrue(e.getMessage().contains(c.getValue()), c.getKey() + " -> " + e.getMessage());
        }
    }

    @Test
    void decode_boundsDepthItemsAndSize() {
        Ttlv deep = Ttlv.integer(0x420020, 1);
        for (int i = 0; i < 40; i++) {
            deep = Ttlv.structure(0x420021, List.of(deep));
        }
        byte[] deepBytes = TtlvCodec.encode(deep);
        assertTrue(assertThrows(KmipException.class, () -> TtlvCodec.decode(deepBytes, LIMITS)).getMessage()
                .contains("deeper than 16"));

        List<Ttlv> many = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            many.add(Ttlv.bool(0x420020, true));
        }
        byte[] wide = TtlvCodec.encode(Ttlv.structure(0x420021, many));
        TtlvCodec.Limits small = new TtlvCodec.Limits(1 << 20, 16, 1000);
        assertTrue(assertThrows(KmipException.class, () -> TtlvCodec.decode(wide, small)).getMessage()
                .contains("more than 1000 items"));
        assertEquals(2000, TtlvCodec.decode(wide, LIMITS).items().size());

        assertTrue(assertThrows(KmipException.class, () -> TtlvCodec.decode(wide, TtlvCodec.Limits.forBytes(1024)))
                .getMessage().contains("above the limit"));
        // a declared length far beyond the bytes present is refused without allocating it
        assertTrue(assertThrows(KmipException.class, () -> TtlvCodec.decode(hex("420020 08 7FFFFFF0 00"), LIMITS))
                .getMessage().contains("declares"));
    }

    @Test
    void limits_forBytes_allowOneItemPer16Bytes_andAtLeast1024() {
        assertEquals(1024, TtlvCodec.Limits.forBytes(1024).maxItems());
        assertEquals(65536, TtlvCodec.Limits.forBytes(1 << 20).maxItems());
    }
}
