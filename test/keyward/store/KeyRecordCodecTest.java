package keyward.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The one binary form of key records, users and tokens, in both layouts: round trips over random
 * records, and bytes written by the code before this codec existed (a backup's, an object's in
 * Redis) still decode to the same record and are what the codec writes today.
 */
class KeyRecordCodecTest {

    /** Written by the backup's RecordCodec of 2026-12 for {@link #vectorRecord()}. */
    private static final String BACKUP_KEY = "000000036b2d3100000009636cc3a92df09f94910000000765632d70323536000000137065"
            + "6e64696e675f6465737472756374696f6e0000000b6465616374697661746564ffffffff00000002000000037063690000000"
            + "5c3bc6ec3af00000001000000047465616d0000000762696c6c696e67010000000200000001000000000001518001000000006"
            + "9a7bdbf054e084001ffffffffffffffff0000000500010000003afff4417f3b8b87c00000000200000001fffffffb00000005"
            + "6b656b2d31ffffffffffffffff010000000000000000000000000000000212345678000000056b656b2d3200000003010203"
            + "00000001090100000000000000010000000000000001000000012a00000001000000067665726966790000000000000007";
    /** Written by the Redis Records of 2026-12 for {@link #vectorRecord()}, after its type byte 0x01. */
    private static final String REDIS_KEY = "01000000036b2d310100000009636cc3a92df09f9491010000000765632d70323536010000"
            + "001370656e64696e675f6465737472756374696f6e010000000b6465616374697661746564000000000201000000037063690"
            + "100000005c3bc6ec3af0000000101000000047465616d010000000762696c6c696e6701000000020000000100000000000151"
            + "80010000000069a7bdbf054e084001ffffffffffffffff0000000500010000003afff4417f3b8b87c0000000020000000"
            + "1fffffffb01000000056b656b2d31000001000000000000000000000000000000021234567801000000056b656b2d3201000"
            + "00003010203010000000109010000000000000001000000000000000101000000012a0000000101000000067665726966790"
            + "000000000000007";
    /** The user then the token of the account vectors below, in each layout (Redis without type bytes). */
    private static final String BACKUP_ACCOUNTS = "00000006c3a56c696365010100000000000000010000000200000003742d3100000006"
            + "c3a56c6963650000000207070100000000000000000000000000";
    private static final String REDIS_ACCOUNTS = "0100000006c3a56c6963650101000000000000000100000002"
            + "0100000003742d310100000006c3a56c696365010000000207070100000000000000000000000000";

    private final RandomRecords random = new RandomRecords(14).withNanos();

    @Test
    void randomKeys_roundTripInBothLayouts() throws IOException {
        for (int i = 0; i < 300; i++) {
            KeyRecord k = random.key();
            for (BinaryLayout layout : BinaryLayout.values()) {
                assertEquals(k, decode(encode(k, layout), layout), "record " + i + " in " + layout);
            }
        }
    }

    @Test
    void randomUsersAndTokens_roundTripInBothLayouts() throws IOException {
        for (int i = 0; i < 100; i++) {
            UserRecord u = random.user();
            TokenRecord t = random.token(u.name());
            for (BinaryLayout layout : BinaryLayout.values()) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                BinaryWriter out = new BinaryWriter(new DataOutputStream(bytes), layout);
                AccountCodec.write(out, u);
                AccountCodec.write(out, t);
                BinaryReader in = BinaryReader.of(bytes.toByteArray(), 0, layout);
                assertEquals(u, AccountCodec.user(in));
                assertEquals(t, AccountCodec.token(in));
            }
        }
    }

    @Test
    void keysWrittenBeforeTheSharedCodec_decodeWithIssuedNumbersUnknown_andAreWrittenTheSameTodayPlusThem()
            throws IOException {
        Map<BinaryLayout, String> vectors = Map.of(BinaryLayout.BACKUP, BACKUP_KEY, BinaryLayout.REDIS, REDIS_KEY);
        byte[] issued = HexFormat.of().parseHex("00000002" + "00000001" + "00000002");
        vectors.forEach((layout, hex) -> {
            byte[] old = HexFormat.of().parseHex(hex);
            try {
                assertEquals(issuedUnknown(vectorRecord()), decode(old, layout), layout.name());
                byte[] now = encode(vectorRecord(), layout);
                assertArrayEquals(old, Arrays.copyOf(now, old.length), layout.name());
                assertArrayEquals(issued, Arrays.copyOfRange(now, old.length, now.length), layout.name());
            } catch (IOException e) {
                throw new AssertionError(layout + ": " + e.getMessage(), e);
            }
        });
    }

    @Test
    void issuedNumbers_surviveARenumbering_andAStreamReaderIsToldWhetherTheyFollow() throws IOException {
        KeyRecord.Builder b = vectorRecord().toBuilder();
        b.versions = List.of(b.versions.get(0), b.versions.get(1).renumbered(3));
        KeyRecord renumbered = b.build();
        byte[] now = encode(renumbered, BinaryLayout.BACKUP);
        KeyRecord back = KeyRecordCodec.read(new BinaryReader(new java.io.DataInputStream(
                new java.io.ByteArrayInputStream(now)), BinaryLayout.BACKUP), true);
        assertEquals(renumbered, back);
        assertEquals(3, back.versions().get(1).version());
        assertEquals(2, back.versions().get(1).issued());
        byte[] old = HexFormat.of().parseHex(BACKUP_KEY);
        assertEquals(issuedUnknown(vectorRecord()), KeyRecordCodec.read(new BinaryReader(new java.io.DataInputStream(
                new java.io.ByteArrayInputStream(old)), BinaryLayout.BACKUP), false));
    }

    @Test
    void issuedNumbersNotMatchingTheVersions_areRefused() {
        byte[] old = HexFormat.of().parseHex(BACKUP_KEY);
        byte[] one = HexFormat.of().parseHex("00000001" + "00000001");
        byte[] bad = Arrays.copyOf(old, old.length + one.length);
        System.arraycopy(one, 0, bad, old.length, one.length);
        IOException e = assertThrows(IOException.class, () -> decode(bad, BinaryLayout.BACKUP));
        assertEquals("the versions' issued numbers do not match the versions", e.getMessage());
    }

    private static KeyRecord issuedUnknown(KeyRecord k) {
        KeyRecord.Builder b = k.toBuilder();
        b.versions = k.versions().stream().map(v -> new KeyVersion(v.version(), v.kid(), v.kekId(), v.wrapped(),
                v.publicKey(), v.createdAt(), 0)).toList();
        return b.build();
    }

    @Test
    void usersAndTokensWrittenBeforeTheSharedCodec_decode() throws IOException {
        for (BinaryLayout layout : BinaryLayout.values()) {
            byte[] old = HexFormat.of().parseHex(layout == BinaryLayout.BACKUP ? BACKUP_ACCOUNTS : REDIS_ACCOUNTS);
            BinaryReader in = BinaryReader.of(old, 0, layout);
            assertEquals(new UserRecord("ålice", true, Instant.ofEpochSecond(1, 2)), AccountCodec.user(in));
            assertEquals(new TokenRecord("t-1", "ålice", new byte[] {7, 7}, Instant.EPOCH, null), AccountCodec.token(in));
        }
    }

    @Test
    void anUnknownState_isRefusedNamingIt() {
        String hex = BACKUP_KEY.replace(hex("deactivated"), hex("frozen_cold"));
        IOException e = assertThrows(IOException.class, () -> decode(HexFormat.of().parseHex(hex), BinaryLayout.BACKUP));
        assertEquals(KeyState.unknown("frozen_cold"), e.getMessage());
        assertTrue(e.getMessage().contains("pending_destruction"), "the known states are listed");
    }

    @Test
    void anUnknownGrantedOperation_isRefusedNamingIt() {
        String hex = REDIS_KEY.replace(hex("verify"), hex("verity"));
        IOException e = assertThrows(IOException.class, () -> decode(HexFormat.of().parseHex(hex), BinaryLayout.REDIS));
        assertEquals(Permission.unknown("verity"), e.getMessage());
    }

    @Test
    void everyTruncation_isAnEndOfInput_inBothLayouts() throws IOException {
        for (BinaryLayout layout : BinaryLayout.values()) {
            byte[] whole = encode(vectorRecord(), layout);
            int olderForm = whole.length - 12; // a cut there is a record of a build before issued numbers
            assertEquals(issuedUnknown(vectorRecord()), decode(Arrays.copyOf(whole, olderForm), layout));
            for (int n = 0; n < whole.length; n++) {
                if (n == olderForm) {
                    continue;
                }
                byte[] cut = Arrays.copyOf(whole, n);
                IOException e = assertThrows(IOException.class, () -> decode(cut, layout), layout + " cut at " + n);
                assertTrue(e instanceof EOFException || "bad length".equals(e.getMessage()), layout + " cut at " + n
                        + ": " + e);
            }
        }
    }

    @Test
    void hugeLengthsAndCounts_areRefusedBeforeAllocating() {
        byte[] hugeString = HexFormat.of().parseHex("7fffffff");
        assertEquals("bad length", assertThrows(IOException.class,
                () -> new BinaryReader(new java.io.DataInputStream(new java.io.ByteArrayInputStream(hugeString)),
                        BinaryLayout.BACKUP).str()).getMessage());
        byte[] hugeList = HexFormat.of().parseHex("000f4241");  // 1,000,001
        assertEquals("bad list length", assertThrows(IOException.class,
                () -> BinaryReader.of(hugeList, 0, BinaryLayout.BACKUP).count()).getMessage());
        assertEquals("bad list length", assertThrows(IOException.class,
                () -> BinaryReader.of(HexFormat.of().parseHex("000186a1"), 0, BinaryLayout.REDIS).count()).getMessage());
    }

    /** Every kind of field once, maps with one entry so that the bytes have one order. */
    static KeyRecord vectorRecord() {
        KeyRecord.Builder b = new KeyRecord.Builder();
        b.id = "k-1";
        b.name = "clé-🔑";
        b.algorithm = "ec-p256";
        b.state = KeyState.PENDING_DESTRUCTION;
        b.stateBeforeDestroy = KeyState.DEACTIVATED;
        b.tags = List.of("pci", "ünï");
        b.attributes = Map.of("team", "billing");
        b.exportable = true;
        b.primaryVersion = 2;
        b.minDecryptionVersion = 1;
        b.autoRotatePeriod = 86_400;
        b.createdAt = Instant.parse("2026-03-04T05:06:07.089Z");
        b.updatedAt = Instant.ofEpochSecond(-1, 5);
        b.destroyAt = Instant.parse("9999-12-31T23:59:59.999Z");
        b.versions = List.of(new KeyVersion(1, -5, "kek-1", null, null, Instant.EPOCH),
                new KeyVersion(2, 0x12345678, "kek-2", new byte[] {1, 2, 3}, new byte[] {9}, Instant.ofEpochMilli(1000)));
        b.grants = Map.of("*", Set.of(Permission.VERIFY));
        b.rowVersion = 7;
        return b.build();
    }

    private static byte[] encode(KeyRecord k, BinaryLayout layout) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        KeyRecordCodec.write(new BinaryWriter(new DataOutputStream(bytes), layout), k);
        return bytes.toByteArray();
    }

    private static KeyRecord decode(byte[] b, BinaryLayout layout) throws IOException {
        BinaryReader in = BinaryReader.of(b, 0, layout);
        KeyRecord k = KeyRecordCodec.read(in);
        assertThrows(EOFException.class, in::bool, "the record is read to its last byte");
        return k;
    }

    private static String hex(String ascii) {
        return HexFormat.of().formatHex(ascii.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
}
