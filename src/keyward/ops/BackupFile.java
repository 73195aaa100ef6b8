package keyward.ops;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import keyward.store.AccountCodec;
import keyward.store.AuditCheckpoint;
import keyward.store.AuditRecord;
import keyward.store.BinaryLayout;
import keyward.store.BinaryReader;
import keyward.store.BinaryWriter;
import keyward.store.KeyRecord;
import keyward.store.KeyRecordCodec;
import keyward.store.TokenRecord;
import keyward.store.UserRecord;

/**
 * The backup file format, version 1.
 *
 * <pre>
 * +--------------------------------------------------------------------------+
 * | header, in clear (see BackupHeader): magic, format, KEK id, backup id,   |
 * | created, KEK salt, chunk size                                            |
 * +------+--------+----------------------------------------------------------+
 * | flag | u32 n  | n bytes: Kek.wrap(plaintext chunk 0)                      |   flag 0: more follow
 * +------+--------+----------------------------------------------------------+
 * | flag | u32 n  | n bytes: Kek.wrap(plaintext chunk 1)                      |
 * +------+--------+----------------------------------------------------------+
 * | ...                                                                      |
 * +------+--------+----------------------------------------------------------+
 * |  1   | u32 n  | n bytes: Kek.wrap(plaintext chunk k), the last            |   nothing may follow
 * +------+--------+----------------------------------------------------------+
 *
 * chunk i = Kek.wrap(plaintext, objectId = "keyward-backup:" || hex(SHA-256(header bytes)),
 *                    kid = i, purpose = "backup-chunk" or, for the last one, "backup-last-chunk")
 * </pre>
 *
 * Every chunk is AES-256-GCM under the deployment's KEK with a fresh nonce, and the KEK's AAD binds
 * it to the header (and so to the random backup id and the KEK id), to its index and to whether
 * it is the last one: a chunk cannot be altered, moved to another backup, reordered, dropped, and
 * the file cannot be cut short or extended, without the restore refusing it. Without the KEK the
 * file is useless. Key material inside stays wrapped exactly as stored, so it is under the KEK twice.
 *
 * <p>The chunks' plaintexts, concatenated, are a sequence of records {@code tag u8 | body}
 * (bodies in {@link RecordCodec}, in {@link BinaryLayout#BACKUP}), in the order metadata, users,
 * tokens, keys, audit entries, checkpoints, then one end record:
 * <pre>
 * 0x01 meta  str name | bytes value        0x04 key         0x7F end  7 x i64: meta, users, tokens,
 * 0x02 user                                0x05 audit                 keys, versions, audit entries,
 * 0x03 token                               0x06 checkpoint            checkpoints (what was written)
 *                                          0x08 key, ending with its versions' issued numbers
 * </pre>
 * Keys are written as 0x08; 0x04 (without the issued numbers) is what builds before wrote.
 */
final class BackupFile {
    static final int MORE = 0;
    static final int LAST = 1;
    static final int DEFAULT_CHUNK = 64 * 1024;

    private static final int META = 0x01;
    private static final int USER = 0x02;
    private static final int TOKEN = 0x03;
    private static final int KEY = 0x04;
    private static final int KEY_ISSUED = 0x08;
    private static final int AUDIT = 0x05;
    private static final int CHECKPOINT = 0x06;
    private static final int END = 0x7F;
    private static final int AUDIT_BATCH = 500;

    private BackupFile() {
    }

    static String purpose(boolean last) {
        return last ? "backup-last-chunk" : "backup-chunk";
    }

    /** A sink that writes records; {@link #end} writes the end record. Not thread-safe. */
    static final class RecordWriter implements Sink {
        private final DataOutputStream out;
        private final BinaryWriter binary;

        RecordWriter(OutputStream out) {
            this.out = new DataOutputStream(out);
            this.binary = new BinaryWriter(this.out, BinaryLayout.BACKUP);
        }

        @Override
        public void meta(String name, byte[] value) {
            write(META, o -> {
                o.str(name);
                o.bytes(value);
            });
        }

        @Override
        public void user(UserRecord user) {
            write(USER, o -> AccountCodec.write(o, user));
        }

        @Override
        public void token(TokenRecord token) {
            write(TOKEN, o -> AccountCodec.write(o, token));
        }

        @Override
        public void key(KeyRecord key) {
            write(KEY_ISSUED, o -> KeyRecordCodec.write(o, key));
        }

        @Override
        public void audit(List<AuditRecord> batch) {
            for (AuditRecord a : batch) {
                write(AUDIT, o -> RecordCodec.audit(o, a));
            }
        }

        @Override
        public void checkpoint(AuditCheckpoint checkpoint) {
            write(CHECKPOINT, o -> RecordCodec.checkpoint(o, checkpoint));
        }

        void end(Counts n) {
            write(END, o -> {
                for (long c : new long[] {n.meta(), n.users(), n.tokens(), n.keys(), n.versions(), n.audit(),
                        n.checkpoints()}) {
                    o.i64(c);
                }
            });
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private interface Body {
            void write(BinaryWriter out) throws IOException;
        }

        private void write(int tag, Body body) {
            try {
                out.writeByte(tag);
                body.write(binary);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Reads every record into {@code sink} and checks that the end record's counts equal what was
     * read; returns them. Audit entries reach the sink in batches.
     */
    static Counts replay(DataInputStream in, Sink sink, String name) throws IOException {
        Counts.Tally n = new Counts.Tally();
        List<AuditRecord> audit = new ArrayList<>();
        BinaryReader body = new BinaryReader(in, BinaryLayout.BACKUP);
        try {
            while (true) {
                int tag = in.readUnsignedByte();
                if (tag != AUDIT && !audit.isEmpty()) {
                    sink.audit(List.copyOf(audit));
                    audit.clear();
                }
                switch (tag) {
                    case META -> {
                        sink.meta(body.str(), body.bytes());
                        n.meta++;
                    }
                    case USER -> {
                        sink.user(AccountCodec.user(body));
                        n.users++;
                    }
                    case TOKEN -> {
                        sink.token(AccountCodec.token(body));
                        n.tokens++;
                    }
                    case KEY, KEY_ISSUED -> {
                        KeyRecord k = KeyRecordCodec.read(body, tag == KEY_ISSUED);
                        sink.key(k);
                        n.keys++;
                        n.versions += k.versions().size();
                    }
                    case AUDIT -> {
                        audit.add(RecordCodec.audit(body));
                        n.audit++;
                        if (audit.size() == AUDIT_BATCH) {
                            sink.audit(List.copyOf(audit));
                            audit.clear();
                        }
                    }
                    case CHECKPOINT -> {
                        sink.checkpoint(RecordCodec.checkpoint(body));
                        n.checkpoints++;
                    }
                    case END -> {
                        Counts written = new Counts(in.readLong(), in.readLong(), in.readLong(), in.readLong(),
                                in.readLong(), in.readLong(), in.readLong());
                        if (in.read() >= 0) {
                            throw new OpsException("backup " + name + " has records after its end record");
                        }
                        if (!written.equals(n.counts())) {
                            throw new OpsException("backup " + name + " is inconsistent: it says it holds "
                                    + written.describe() + " but holds " + n.counts().describe());
                        }
                        sink.finish();
                        return written;
                    }
                    default -> throw new OpsException("backup " + name + " holds an unknown record type " + tag
                            + "; was it made by a newer Keyward?");
                }
            }
        } catch (EOFException e) {
            throw new OpsException("backup " + name + " ends without its end record");
        }
    }
}
