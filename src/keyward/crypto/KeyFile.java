package keyward.crypto;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Set;

/**
 * One-line key files, {@code <prefix><base64>\n}, readable and writable by their owner only.
 * Used for the KEK, the pepper and the audit signing key.
 */
final class KeyFile {

    private static final int MAX_SIZE = 8192;
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private KeyFile() {
    }

    /**
     * The payload of the key file at {@code path}; the caller wipes it.
     *
     * @throws KeyFileException if the file is missing, open to group or others, or malformed
     */
    static byte[] read(Path path, String prefix) {
        byte[] raw = null;
        try {
            Set<PosixFilePermission> perms = permissions(path);
            if (perms != null && !OWNER_ONLY.containsAll(perms)) {
                throw new KeyFileException("key file " + path + " is open to group or others (mode "
                        + PosixFilePermissions.toString(perms) + "); run: chmod 600 " + path);
            }
            if (Files.size(path) > MAX_SIZE) {
                throw malformed(path, prefix);
            }
            raw = Files.readAllBytes(path);
            byte[] want = prefix.getBytes(StandardCharsets.US_ASCII);
            int end = raw.length; // trailing line end and blanks are allowed
            while (end > 0 && (raw[end - 1] == '\n' || raw[end - 1] == '\r' || raw[end - 1] == ' ')) {
                end--;
            }
            if (end <= want.length || !Arrays.equals(raw, 0, want.length, want, 0, want.length)) {
                throw malformed(path, prefix);
            }
            byte[] b64 = Arrays.copyOfRange(raw, want.length, end);
            try {
                return Base64.getDecoder().decode(b64);
            } finally {
                Arrays.fill(b64, (byte) 0);
            }
        } catch (NoSuchFileException e) {
            throw new KeyFileException("key file " + path + " does not exist");
        } catch (IOException e) {
            throw new KeyFileException("key file " + path + " cannot be read: " + keyward.log.Log.reason(e), e);
        } catch (IllegalArgumentException e) {
            throw malformed(path, prefix);
        } finally {
            if (raw != null) {
                Arrays.fill(raw, (byte) 0);
            }
        }
    }

    /**
     * Creates the file at {@code path} with mode 0600 (before any byte is written) and writes the
     * payload. Never overwrites.
     *
     * @throws KeyFileException if the file exists or cannot be written
     */
    static void write(Path path, String prefix, byte[] payload) {
        byte[] b64 = Base64.getEncoder().encode(payload);
        byte[] line = new byte[prefix.length() + b64.length + 1];
        try {
            System.arraycopy(prefix.getBytes(StandardCharsets.US_ASCII), 0, line, 0, prefix.length());
            System.arraycopy(b64, 0, line, prefix.length(), b64.length);
            line[line.length - 1] = '\n';
            if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(path);
            }
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(line);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
        } catch (FileAlreadyExistsException e) {
            throw new KeyFileException("key file " + path + " already exists; refusing to overwrite it");
        } catch (IOException e) {
            throw new KeyFileException("key file " + path + " cannot be written: " + keyward.log.Log.reason(e), e);
        } finally {
            Arrays.fill(b64, (byte) 0);
            Arrays.fill(line, (byte) 0);
        }
    }

    private static Set<PosixFilePermission> permissions(Path path) throws IOException {
        try {
            return Files.getPosixFilePermissions(path);
        } catch (UnsupportedOperationException e) {
            return null; // not a POSIX file system: nothing to check
        }
    }

    private static KeyFileException malformed(Path path, String prefix) {
        return new KeyFileException("key file " + path + " is malformed: expected one line '" + prefix + "<base64>'");
    }
}
