package keyward.crypto;

import java.util.EnumMap;
import java.util.Map;

/**
 * Key material shared by all crypto tests: RSA generation takes seconds, so each algorithm's key
 * is generated once per test run.
 */
final class TestKeys {

    private static final Map<Algorithm, KeyMaterial> KEYS = new EnumMap<>(Algorithm.class);

    private TestKeys() {
    }

    static synchronized KeyMaterial of(Algorithm alg) {
        return KEYS.computeIfAbsent(alg, Keys::generate);
    }
}
