package keyward.crypto;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/** Argon2id (RFC 9106, version 0x13), through Bouncy Castle. */
final class Argon2 {

    private Argon2() {
    }

    /** Argon2id of {@code password}; {@code secret} and {@code ad} may be null. */
    static byte[] argon2id(byte[] password, byte[] salt, byte[] secret, byte[] ad, int iterations, int memoryKiB,
            int parallelism, int length) {
        Argon2Parameters.Builder b = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withIterations(iterations)
                .withMemoryAsKB(memoryKiB)
                .withParallelism(parallelism)
                .withSalt(salt);
        if (secret != null) {
            b.withSecret(secret);
        }
        if (ad != null) {
            b.withAdditional(ad);
        }
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(b.build());
        byte[] out = new byte[length];
        gen.generateBytes(password, out);
        return out;
    }
}
