package keyward.store.sql;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import keyward.store.AuditRecord;
import keyward.store.StoreException;

/**
 * The encoding of a block: a run of one node's audit entries stored as one row of
 * {@code kw_audit_blocks}. One row per appended batch costs the database one insert where a row
 * per entry cost it hundreds; the hash chain inside is unchanged, so an edited, removed or
 * reordered entry is found as before.
 *
 * <p>Layout: a version byte, the entry count (int), then per entry: a flags byte (bit 0: its seq is
 * the one before plus one; bits 1-5: its user, operation, key, outcome, remote address is the entry
 * before's), its seq (a long) unless it follows, its time as milliseconds after the entry before's
 * (the first's: after 0; a zigzag varint), each text not repeated (a short byte length, -1 for
 * none, then UTF-8), the previous hash (a tag: 0 none, 1 the hash of the entry before it in the
 * block, 2 a byte length and the bytes) and its hash (a byte length and the bytes). A run of one
 * client's requests takes about 40 bytes an entry. An entry's position is the block's first
 * position plus its index.
 */
final class AuditBlock {

    /** The most entries one block holds; positions leave room for this many per block. */
    static final int MAX_ENTRIES = 4096;
    private static final byte VERSION = 1;
    private static final byte NO_PREV = 0;
    private static final byte PREV_IN_BLOCK = 1;
    private static final byte PREV_GIVEN = 2;
    /** Entry flags: its seq is the one before plus one (else it follows as a long). */
    private static final int SEQ_FOLLOWS = 1;
    /** Entry flags, shifted left by the text's index: that text is the entry before's. */
    private static final int SAME_TEXT = 2;
    private static final int ALL_FLAGS = 0x3F;

    private AuditBlock() {
    }

    /** {@code entries}: 1 to {@link #MAX_ENTRIES} of one node, as checked by the caller. */
    static byte[] encode(List<AuditRecord> entries) {
        Out out = new Out(entries.size() * 48 + 64);
        out.put(VERSION);
        out.putInt(entries.size());
        AuditRecord before = null;
        String[] earlier = null; // the texts of before
        for (AuditRecord a : entries) {
            String[] texts = texts(a);
            int flags = 0;
            if (before != null && a.seq() == before.seq() + 1) {
                flags |= SEQ_FOLLOWS;
            }
            for (int t = 0; t < texts.length; t++) {
                if (earlier != null && java.util.Objects.equals(texts[t], earlier[t])) {
                    flags |= SAME_TEXT << t;
                }
            }
            out.put(flags);
            if ((flags & SEQ_FOLLOWS) == 0) {
                out.putLong(a.seq());
            }
            long time = a.time().toEpochMilli();
            out.putVarLong(time - (before == null ? 0 : before.time().toEpochMilli()));
            for (int t = 0; t < texts.length; t++) {
                if ((flags & (SAME_TEXT << t)) == 0) {
                    out.text(texts[t]);
                }
            }
            if (a.prevHash() == null) {
                out.put(NO_PREV);
            } else if (before != null && Arrays.equals(before.hash(), a.prevHash())) {
                out.put(PREV_IN_BLOCK);
            } else {
                out.put(PREV_GIVEN);
                out.hash(a.prevHash());
            }
            out.hash(a.hash());
            before = a;
            earlier = texts;
        }
        return Arrays.copyOf(out.buf, out.size);
    }

    /** The text fields in their order in the block: user, operation, key, outcome, remote address. */
    private static String[] texts(AuditRecord a) {
        return new String[] {a.user(), a.operation(), a.keyRef(), a.outcome(), a.remote()};
    }

    /** A growing big-endian byte buffer (what DataOutputStream writes, without its locks and copies). */
    private static final class Out {
        byte[] buf;
        int size;

        Out(int capacity) {
            buf = new byte[capacity];
        }

        private void room(int n) {
            if (size + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
            }
        }

        void put(int b) {
            room(1);
            buf[size++] = (byte) b;
        }

        void putShort(int v) {
            room(2);
            buf[size++] = (byte) (v >>> 8);
            buf[size++] = (byte) v;
        }

        void putInt(int v) {
            putShort(v >>> 16);
            putShort(v);
        }

        void putLong(long v) {
            putInt((int) (v >>> 32));
            putInt((int) v);
        }

        /** A short byte length (-1 for null) and the UTF-8 bytes; ASCII without an intermediate array. */
        void text(String s) {
            if (s == null) {
                putShort(-1);
                return;
            }
            int n = s.length();
            boolean ascii = true;
            for (int i = 0; i < n && ascii; i++) {
                ascii = s.charAt(i) < 0x80;
            }
            if (!ascii) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                putShort(b.length);
                room(b.length);
                System.arraycopy(b, 0, buf, size, b.length);
                size += b.length;
                return;
            }
            putShort(n);
            room(n);
            for (int i = 0; i < n; i++) {
                buf[size++] = (byte) s.charAt(i);
            }
        }

        /** Zigzag, then 7 bits a byte, low bits first (a time a few ms after the last: one byte). */
        void putVarLong(long v) {
            long z = (v << 1) ^ (v >> 63);
            while ((z & ~0x7FL) != 0) {
                put((int) ((z & 0x7F) | 0x80));
                z >>>= 7;
            }
            put((int) z);
        }

        void hash(byte[] h) {
            put(h.length);
            room(h.length);
            System.arraycopy(h, 0, buf, size, h.length);
            size += h.length;
        }
    }

    /** The entries of the block stored at {@code position} (its row), with their positions. */
    static List<AuditRecord> decode(long position, String node, long firstEntryPosition, byte[] data) {
        try {
            ByteBuffer in = ByteBuffer.wrap(data);
            if (in.get() != VERSION) {
                throw new IllegalArgumentException("unknown version");
            }
            int count = in.getInt();
            if (count < 1 || count > MAX_ENTRIES) {
                throw new IllegalArgumentException("bad entry count");
            }
            List<AuditRecord> out = new ArrayList<>(count);
            byte[] before = null;
            long seq = 0;
            long time = 0;
            String[] texts = new String[5];
            for (int i = 0; i < count; i++) {
                int flags = in.get() & 0xff;
                if ((flags & ~ALL_FLAGS) != 0 || (i == 0 && flags != 0)) {
                    throw new IllegalArgumentException("bad flags");
                }
                seq = (flags & SEQ_FOLLOWS) != 0 ? seq + 1 : in.getLong();
                time += varLong(in);
                for (int t = 0; t < texts.length; t++) {
                    if ((flags & (SAME_TEXT << t)) == 0) {
                        texts[t] = text(in);
                    }
                }
                byte tag = in.get();
                byte[] prev = switch (tag) {
                    case NO_PREV -> null;
                    case PREV_IN_BLOCK -> {
                        if (before == null) {
                            throw new IllegalArgumentException("first entry refers to an earlier one");
                        }
                        yield before.clone();
                    }
                    case PREV_GIVEN -> hash(in);
                    default -> throw new IllegalArgumentException("bad previous-hash tag");
                };
                byte[] hash = hash(in);
                out.add(new AuditRecord(firstEntryPosition + i, node, seq, Instant.ofEpochMilli(time), texts[0], texts[1],
                        texts[2], texts[3], texts[4], prev, hash));
                before = hash;
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("trailing bytes");
            }
            return out;
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            // a damaged row must name itself, never stop a listing with a bare parse error
            throw new StoreException("audit block " + position + " of node " + node + " is unreadable ("
                    + (e.getMessage() == null ? "cut short" : e.getMessage()) + ")");
        }
    }

    private static long varLong(ByteBuffer in) {
        long z = 0;
        for (int shift = 0; ; shift += 7) {
            if (shift > 63) {
                throw new IllegalArgumentException("bad number");
            }
            int b = in.get() & 0xff;
            z |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return (z >>> 1) ^ -(z & 1);
            }
        }
    }

    private static String text(ByteBuffer in) {
        int n = in.getShort();
        if (n == -1) {
            return null;
        }
        if (n < 0) {
            throw new IllegalArgumentException("bad text length");
        }
        byte[] b = new byte[n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] hash(ByteBuffer in) {
        int n = in.get() & 0xff;
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }
}
