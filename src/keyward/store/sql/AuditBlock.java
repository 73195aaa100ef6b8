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
 * <p>Layout: a version byte, the entry count (int), then per entry its seq and time (longs), user,
 * operation, key, outcome and remote address (a short byte length, -1 for none, then UTF-8), the
 * previous hash (a tag: 0 none, 1 the hash of the entry before it in the block, 2 a byte length and
 * the bytes) and its hash (a byte length and the bytes). An entry's position is the block's first
 * position plus its index.
 */
final class AuditBlock {

    /** The most entries one block holds; positions leave room for this many per block. */
    static final int MAX_ENTRIES = 4096;
    private static final byte VERSION = 1;
    private static final byte NO_PREV = 0;
    private static final byte PREV_IN_BLOCK = 1;
    private static final byte PREV_GIVEN = 2;

    private AuditBlock() {
    }

    /** {@code entries}: 1 to {@link #MAX_ENTRIES} of one node, as checked by the caller. */
    static byte[] encode(List<AuditRecord> entries) {
        Out out = new Out(entries.size() * 176 + 8);
        out.put(VERSION);
        out.putInt(entries.size());
        byte[] before = null;
        for (AuditRecord a : entries) {
            out.putLong(a.seq());
            out.putLong(a.time().toEpochMilli());
            out.text(a.user());
            out.text(a.operation());
            out.text(a.keyRef());
            out.text(a.outcome());
            out.text(a.remote());
            if (a.prevHash() == null) {
                out.put(NO_PREV);
            } else if (before != null && Arrays.equals(before, a.prevHash())) {
                out.put(PREV_IN_BLOCK);
            } else {
                out.put(PREV_GIVEN);
                out.hash(a.prevHash());
            }
            out.hash(a.hash());
            before = a.hash();
        }
        return Arrays.copyOf(out.buf, out.size);
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
            for (int i = 0; i < count; i++) {
                long seq = in.getLong();
                Instant time = Instant.ofEpochMilli(in.getLong());
                String user = text(in);
                String operation = text(in);
                String keyRef = text(in);
                String outcome = text(in);
                String remote = text(in);
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
                out.add(new AuditRecord(firstEntryPosition + i, node, seq, time, user, operation, keyRef, outcome,
                        remote, prev, hash));
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
