package keyward.ops;

import java.io.IOException;
import keyward.store.AccountCodec;
import keyward.store.AuditCheckpoint;
import keyward.store.AuditRecord;
import keyward.store.BinaryLayout;
import keyward.store.BinaryReader;
import keyward.store.BinaryWriter;
import keyward.store.KeyRecordCodec;

/**
 * The bodies of backup records, in {@link BinaryLayout#BACKUP}. Users, tokens and keys have the
 * same binary form everywhere ({@link AccountCodec}, {@link KeyRecordCodec}); the audit entries
 * and checkpoints are backup-only:
 *
 * <pre>
 * audit      = str node | i64 seq | time | str user | str operation | str keyRef | str outcome
 *              | str remote | bytes prevHash | bytes hash
 * checkpoint = str node | i64 seq | bytes hash | bytes signature | time
 * </pre>
 */
final class RecordCodec {
    private RecordCodec() {
    }

    static void audit(BinaryWriter out, AuditRecord a) throws IOException {
        out.str(a.node());
        out.i64(a.seq());
        out.time(a.time());
        for (String s : new String[] {a.user(), a.operation(), a.keyRef(), a.outcome(), a.remote()}) {
            out.str(s);
        }
        out.bytes(a.prevHash());
        out.bytes(a.hash());
    }

    static AuditRecord audit(BinaryReader in) throws IOException {
        return new AuditRecord(0, in.str(), in.i64(), in.time(), in.str(), in.str(), in.str(), in.str(), in.str(),
                in.bytes(), in.bytes());
    }

    static void checkpoint(BinaryWriter out, AuditCheckpoint c) throws IOException {
        out.str(c.node());
        out.i64(c.seq());
        out.bytes(c.hash());
        out.bytes(c.signature());
        out.time(c.time());
    }

    static AuditCheckpoint checkpoint(BinaryReader in) throws IOException {
        return new AuditCheckpoint(in.str(), in.i64(), in.bytes(), in.bytes(), in.time());
    }
}
