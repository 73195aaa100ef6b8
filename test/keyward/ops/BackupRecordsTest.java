package keyward.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import keyward.store.KeyRecord;
import keyward.store.RandomRecords;
import keyward.store.TokenRecord;
import keyward.store.UserRecord;
import org.junit.jupiter.api.Test;

/** The records inside a backup's chunks: whatever is written is replayed exactly, in order. */
class BackupRecordsTest {

    @Test
    void randomUsersTokensAndKeys_replayExactlyAsWritten() throws IOException {
        RandomRecords random = new RandomRecords(41).withNanos();
        List<UserRecord> users = new ArrayList<>();
        List<TokenRecord> tokens = new ArrayList<>();
        List<KeyRecord> keys = new ArrayList<>();
        long versions = 0;
        for (int i = 0; i < 20; i++) {
            users.add(random.user());
            tokens.add(random.token(users.get(i).name()));
        }
        for (int i = 0; i < 200; i++) {
            keys.add(random.key());
            versions += keys.get(i).versions().size();
        }
        byte[] meta = random.bytes(300);

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BackupFile.RecordWriter out = new BackupFile.RecordWriter(bytes);
        out.meta("byok.key", meta);
        users.forEach(out::user);
        tokens.forEach(out::token);
        keys.forEach(out::key);
        Counts written = new Counts(1, users.size(), tokens.size(), keys.size(), versions, 0, 0);
        out.end(written);

        Collected back = new Collected();
        Counts read = BackupFile.replay(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), back, "test");
        assertEquals(written, read);
        assertEquals(List.of("byok.key"), back.metaNames);
        assertArrayEquals(meta, back.metaValues.get(0));
        assertEquals(users, back.users);
        assertEquals(tokens, back.tokens);
        assertEquals(keys, back.keys);
    }

    private static final class Collected implements Sink {
        final List<String> metaNames = new ArrayList<>();
        final List<byte[]> metaValues = new ArrayList<>();
        final List<UserRecord> users = new ArrayList<>();
        final List<TokenRecord> tokens = new ArrayList<>();
        final List<KeyRecord> keys = new ArrayList<>();

        @Override
        public void meta(String name, byte[] value) {
            metaNames.add(name);
            metaValues.add(value);
        }

        @Override
        public void user(UserRecord user) {
            users.add(user);
        }

        @Override
        public void token(TokenRecord token) {
            tokens.add(token);
        }

        @Override
        public void key(KeyRecord key) {
            keys.add(key);
        }
    }
}
