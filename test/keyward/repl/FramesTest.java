package keyward.repl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FramesTest {

    @Test
    void message_roundTrips() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Frames.write(out, Map.of("op", "pull", "v", 1L));
        Map<String, Object> back = Frames.read(new ByteArrayInputStream(out.toByteArray()));
        assertEquals("pull", back.get("op"));
    }

    @Test
    void read_aLengthOverTheLimit_isRefusedBeforeAllocating() {
        byte[] header = {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        assertThrows(ProtocolException.class, () -> Frames.read(new ByteArrayInputStream(header)));
        byte[] over = {0x01, 0x00, 0x00, 0x01}; // 16 MiB + 1
        assertThrows(ProtocolException.class, () -> Frames.read(new ByteArrayInputStream(over)));
    }

    @Test
    void read_aFrameCutShort_isRefused() {
        byte[] cut = {0, 0, 0, 10, '{', '}'};
        assertThrows(ProtocolException.class, () -> Frames.read(new ByteArrayInputStream(cut)));
    }

    @Test
    void read_somethingThatIsNotAJsonObject_isRefused() {
        byte[] array = {0, 0, 0, 2, '[', ']'};
        assertThrows(ProtocolException.class, () -> Frames.read(new ByteArrayInputStream(array)));
    }

    @Test
    void read_atACleanEnd_returnsNull() throws Exception {
        assertNull(Frames.read(new ByteArrayInputStream(new byte[0])));
    }

    @Test
    void vector_withAMalformedChangeId_isRefused() {
        Map<String, Object> m = Map.of("vector", Map.of("1b4e28ba-2fa1-11d2-883f-0016d3cca427", "not-an-id"));
        assertThrows(ProtocolException.class, () -> Protocol.vector(m, "vector"));
    }
}
