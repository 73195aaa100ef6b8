package keyward.ops;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The clear header of a backup file: what a restore needs before it can open anything. It holds
 * nothing secret (the KEK id is a fingerprint, the salt of a passphrase-derived KEK is public by
 * design) and is authenticated through the AAD of every chunk, see {@link BackupFile}.
 *
 * <pre>
 * +------------+-----------+----------+----------+-----------+------------+----------+------------+
 * | "KWBACKUP" | format    | n        | KEK id   | backup id | created    | s        | KEK salt   |
 * | 8 B        | u16 = 1   | u8 1..64 | n B      | 16 B      | i64 ms     | u8 0|16  | s B        |
 * +------------+-----------+----------+----------+-----------+------------+----------+------------+
 * | chunk size: u32, plaintext bytes per full chunk, 256..4 MiB                                   |
 * +-----------------------------------------------------------------------------------------------+
 * </pre>
 *
 * @param backupId  16 random bytes in hex, naming this backup in every chunk's AAD
 * @param kekSalt   the {@code kek.salt} of a deployment whose KEK comes from a passphrase, else null
 */
public record BackupHeader(int format, String kekId, String backupId, Instant created, byte[] kekSalt,
                           int chunkSize) {

    static final byte[] MAGIC = "KWBACKUP".getBytes(StandardCharsets.US_ASCII);
    static final int FORMAT = 1;
    static final int MIN_CHUNK = 256;
    static final int MAX_CHUNK = 4 << 20;

    /** The header and its exact bytes, which the chunks' AAD commits to. */
    record Parsed(BackupHeader header, byte[] bytes) {
        /** The object id every chunk is wrapped for: binds chunks to this header and this backup. */
        String objectId() {
            try {
                byte[] h = MessageDigest.getInstance("SHA-256").digest(bytes);
                return "keyward-backup:" + HexFormat.of().formatHex(h);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no SHA-256", e);
            }
        }
    }

    /**
     * Reads the header of {@code file} without opening anything.
     *
     * @throws OpsException if it is not a Keyward backup or of a format this version does not know
     */
    public static BackupHeader read(Path file) {
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
            return parse(in, file.toString()).header();
        } catch (IOException e) {
            throw new OpsException("backup " + file + " cannot be read: " + keyward.log.Log.reason(e));
        }
    }

    Parsed write() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeShort(format);
            byte[] kek = kekId.getBytes(StandardCharsets.US_ASCII);
            out.writeByte(kek.length);
            out.write(kek);
            out.write(HexFormat.of().parseHex(backupId));
            out.writeLong(created.toEpochMilli());
            out.writeByte(kekSalt == null ? 0 : kekSalt.length);
            if (kekSalt != null) {
                out.write(kekSalt);
            }
            out.writeInt(chunkSize);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return new Parsed(this, bytes.toByteArray());
    }

    /** Reads and checks a header from the start of {@code in}; {@code name} is for messages. */
    static Parsed parse(InputStream raw, String name) throws IOException {
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        DataInputStream in = new DataInputStream(new InputStream() {
            @Override
            public int read() throws IOException {
                int b = raw.read();
                if (b >= 0) {
                    copy.write(b);
                }
                return b;
            }
        });
        try {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new OpsException(name + " is not a Keyward backup");
            }
            int format = in.readUnsignedShort();
            if (format != FORMAT) {
                throw new OpsException(name + " has backup format " + format + "; this version reads format " + FORMAT);
            }
            String kekId = new String(bounded(in, 1, 64, name), StandardCharsets.US_ASCII);
            byte[] id = new byte[16];
            in.readFully(id);
            Instant created = Instant.ofEpochMilli(in.readLong());
            byte[] salt = bounded(in, 0, 16, name);
            int chunk = in.readInt();
            if (!(salt.length == 0 || salt.length == 16) || chunk < MIN_CHUNK || chunk > MAX_CHUNK
                    || !kekId.chars().allMatch(c -> c > 32 && c < 127)) {
                throw new OpsException(name + " has a damaged header");
            }
            BackupHeader h = new BackupHeader(format, kekId, HexFormat.of().formatHex(id), created,
                    salt.length == 0 ? null : salt, chunk);
            return new Parsed(h, copy.toByteArray());
        } catch (EOFException e) {
            throw new OpsException(name + " is truncated (it ends inside its header)");
        }
    }

    private static byte[] bounded(DataInputStream in, int min, int max, String name) throws IOException {
        int n = in.readUnsignedByte();
        if (n < min || n > max) {
            throw new OpsException(name + " has a damaged header");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
