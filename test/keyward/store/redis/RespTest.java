package keyward.store.redis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RespTest {

    private static Object parse(String s) throws IOException {
        return Resp.read(new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void writeCommand_encodesAnArrayOfBulkStrings_binarySafe() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Resp.writeCommand(out, List.of("SET".getBytes(StandardCharsets.US_ASCII), new byte[] {0, '\r', '\n'}));
        assertEquals("*2\r\n$3\r\nSET\r\n$3\r\n\0\r\n\r\n", out.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void read_everyReplyType() throws IOException {
        assertEquals("OK", parse("+OK\r\n"));
        assertEquals(new Resp.Error("NOSCRIPT No matching script"), parse("-NOSCRIPT No matching script\r\n"));
        assertTrue(((Resp.Error) parse("-NOSCRIPT x\r\n")).hasCode("NOSCRIPT"));
        assertEquals(-42L, parse(":-42\r\n"));
        assertArrayEquals("a\r\nb".getBytes(StandardCharsets.US_ASCII), (byte[]) parse("$4\r\na\r\nb\r\n"));
        assertArrayEquals(new byte[0], (byte[]) parse("$0\r\n\r\n"));
        assertNull(parse("$-1\r\n"));
        assertNull(parse("*-1\r\n"));
        List<?> a = (List<?>) parse("*3\r\n:1\r\n$-1\r\n*1\r\n+x\r\n");
        assertEquals(1L, a.get(0));
        assertNull(a.get(1));
        assertEquals(List.of("x"), a.get(2));
    }

    @Test
    void read_bulkOver64MiB_isRefusedBeforeAllocating() {
        IOException e = assertThrows(Resp.ProtocolException.class, () -> parse("$67108865\r\n"));
        assertTrue(e.getMessage().contains("bulk length"), e.getMessage());
    }

    @Test
    void read_arrayOverAMillion_isRefused() {
        assertThrows(Resp.ProtocolException.class, () -> parse("*1000001\r\n"));
    }

    @Test
    void read_arrayAnnouncingAMillionButEndingEarly_failsWithoutReservingTheMemory() {
        assertThrows(EOFException.class, () -> parse("*1000000\r\n:1\r\n"));
    }

    @Test
    void read_negativeLengthsOtherThanMinusOne_areRefused() {
        assertThrows(Resp.ProtocolException.class, () -> parse("$-2\r\n"));
        assertThrows(Resp.ProtocolException.class, () -> parse("*-5\r\n"));
    }

    @Test
    void read_nestingDeeperThanTheLimit_isRefused() {
        assertThrows(Resp.ProtocolException.class, () -> parse("*1\r\n".repeat(Resp.MAX_DEPTH + 1) + ":1\r\n"));
    }

    @Test
    void read_lineLongerThanTheLimit_isRefused() {
        assertThrows(Resp.ProtocolException.class, () -> parse("+" + "a".repeat(Resp.MAX_LINE + 1) + "\r\n"));
    }

    @Test
    void read_malformedInput_isRefused() {
        for (String bad : List.of("?x\r\n", ":12a\r\n", ":\r\n", "$3\r\nabcd\r\n", "+OK\rX", ":99999999999999999999999\r\n")) {
            assertThrows(IOException.class, () -> parse(bad), bad);
        }
        assertThrows(EOFException.class, () -> parse(""));
        assertThrows(EOFException.class, () -> parse("$5\r\nab"));
    }

    @Test
    void read_randomBytes_onlyEverFailWithAnIOException() {
        Random r = new Random(7);
        String alphabet = "+-:$*\r\n0123456789-aZ";
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(40)];
            for (int j = 0; j < b.length; j++) {
                b[j] = (byte) (r.nextInt(4) == 0 ? r.nextInt(256) : alphabet.charAt(r.nextInt(alphabet.length())));
            }
            InputStream in = new ByteArrayInputStream(b);
            try {
                Resp.read(in);
            } catch (IOException expected) {
                // malformed or truncated: the only acceptable failure
            }
        }
    }
}
