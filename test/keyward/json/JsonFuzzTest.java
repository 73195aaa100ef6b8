package keyward.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing: generated documents must round-trip, and mutated ones must either parse or be
 * refused with a JsonException, never any other exception. The seed is in each failure message.
 */
class JsonFuzzTest {

    private static final Json.Limits LIMITS = new Json.Limits(16, 4096, 1 << 16);
    private static final String SPECIALS = "\"\\/\b\f\n\r\t\u0000\u001f\u007f\u2028\u2029\u00e9\u20ac\uffff";

    @Test
    void generatedDocuments_roundTripThroughWriteAndParse() {
        Random random = new Random(20261122L);
        for (int i = 0; i < 5_000; i++) {
            Object doc = value(random, 0);
            String text = Json.write(doc);
            Object back;
            try {
                back = Json.parse(text, LIMITS);
            } catch (JsonException e) {
                throw new AssertionError("case " + i + " refused: " + e.getMessage() + " in " + text, e);
            }
            assertEquals(doc, back, "case " + i);
            assertEquals(doc, Json.parse(Json.writeBytes(doc), LIMITS), "case " + i + " as bytes");
        }
    }

    @Test
    void mutatedDocuments_parseOrFailWithJsonExceptionOnly() {
        Random random = new Random(42L);
        List<byte[]> seeds = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            seeds.add(Json.writeBytes(value(random, 0)));
        }
        seeds.add("{\"a\":[1,-0.5e+3,\"\\ud83d\\ude00\",true,null,{\"b\":\"\\u00e9\"}]}".getBytes(StandardCharsets.UTF_8));
        int accepted = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] doc = mutate(random, seeds.get(random.nextInt(seeds.size())));
            try {
                Json.parse(doc, LIMITS);
                accepted++;
            } catch (JsonException expected) {
                // the only acceptable failure
            } catch (RuntimeException | StackOverflowError e) {
                fail("case " + i + " threw " + e + " for " + Arrays.toString(doc), e);
            }
        }
        // Some mutations (e.g. inside a string) leave valid JSON: both paths must be exercised.
        if (accepted == 0 || accepted == 50_000) {
            fail("mutation fuzzing did not exercise both outcomes: " + accepted);
        }
    }

    private static byte[] mutate(Random random, byte[] seed) {
        byte[] doc = seed.clone();
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits && doc.length > 0; e++) {
            int at = random.nextInt(doc.length);
            switch (random.nextInt(5)) {
                case 0:
                    doc[at] ^= (byte) (1 << random.nextInt(8));
                    break;
                case 1:
                    doc[at] = interesting(random);
                    break;
                case 2: {
                    byte[] grown = new byte[doc.length + 1];
                    System.arraycopy(doc, 0, grown, 0, at);
                    grown[at] = interesting(random);
                    System.arraycopy(doc, at, grown, at + 1, doc.length - at);
                    doc = grown;
                    break;
                }
                case 3: {
                    byte[] shrunk = new byte[doc.length - 1];
                    System.arraycopy(doc, 0, shrunk, 0, at);
                    System.arraycopy(doc, at + 1, shrunk, at, doc.length - at - 1);
                    doc = shrunk;
                    break;
                }
                default:
                    doc = Arrays.copyOf(doc, at);
                    break;
            }
        }
        return doc;
    }

    private static byte interesting(Random random) {
        String pool = "{}[],:\"\\-+.eE0123456789tfnu \n";
        if (random.nextInt(4) == 0) {
            return (byte) random.nextInt(256);
        }
        return (byte) pool.charAt(random.nextInt(pool.length()));
    }

    private static Object value(Random random, int depth) {
        int kind = random.nextInt(depth >= 5 ? 5 : 7);
        switch (kind) {
            case 0:
                return string(random);
            case 1:
                return longValue(random);
            case 2:
                return decimal(random);
            case 3:
                return random.nextBoolean();
            case 4:
                return Json.NULL;
            case 5: {
                List<Object> list = new ArrayList<>();
                for (int n = random.nextInt(5); n > 0; n--) {
                    list.add(value(random, depth + 1));
                }
                return list;
            }
            default: {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int n = random.nextInt(5); n > 0; n--) {
                    map.put(string(random), value(random, depth + 1));
                }
                return map;
            }
        }
    }

    private static Long longValue(Random random) {
        switch (random.nextInt(4)) {
            case 0:
                return random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
            case 1:
                return (long) random.nextInt(100) - 50;
            default:
                return random.nextLong();
        }
    }

    /** A BigDecimal that the parser gives back as a BigDecimal (not integral-and-fits). */
    private static BigDecimal decimal(Random random) {
        BigInteger unscaled = new BigInteger(1 + random.nextInt(120), random);
        if (random.nextBoolean()) {
            unscaled = unscaled.negate();
        }
        int scale = random.nextInt(800) - 400;
        if (scale == 0) {
            BigInteger big = BigInteger.ONE.shiftLeft(64).add(unscaled.abs()); // integral, beyond a long
            unscaled = unscaled.signum() < 0 ? big.negate() : big;
        }
        return new BigDecimal(unscaled, scale);
    }

    private static String string(Random random) {
        StringBuilder sb = new StringBuilder();
        for (int n = random.nextInt(12); n > 0; n--) {
            int pick = random.nextInt(10);
            if (pick < 5) {
                sb.append((char) (' ' + random.nextInt(95)));
            } else if (pick < 7) {
                sb.append(SPECIALS.charAt(random.nextInt(SPECIALS.length())));
            } else if (pick < 8) {
                sb.appendCodePoint(0x10000 + random.nextInt(0x100000));
            } else {
                char c = (char) random.nextInt(0x10000);
                sb.append(Character.isSurrogate(c) ? 'x' : c);
            }
        }
        return sb.toString();
    }
}
