package keyward.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Users and tokens. Part of {@link StoreConformanceTest}. */
public abstract class AccountConformance extends LocateConformance {

    @Test
    void insertUser_thenFindAndList_returnIt() {
        UserRecord alice = new UserRecord("alice", true, T0);
        UserRecord bob = new UserRecord("bob", false, at(5));
        store.insertUser(bob);
        store.insertUser(alice);
        assertEquals(Optional.of(alice), store.findUser("alice"));
        assertEquals(List.of(alice, bob),
                store.listUsers().stream().sorted(Comparator.comparing(UserRecord::name)).toList());
    }

    @Test
    void insertUser_existingName_isRefused_andKeepsTheFirst() {
        store.insertUser(new UserRecord("alice", false, T0));
        ConflictException e = assertThrows(ConflictException.class,
                () -> store.insertUser(new UserRecord("alice", true, at(1))));
        assertEquals(ConflictException.Kind.ALREADY_EXISTS, e.kind());
        assertFalse(store.findUser("alice").orElseThrow().admin());
    }

    @Test
    void findUser_unknownName_isEmpty() {
        assertEquals(Optional.empty(), store.findUser("nobody"));
    }

    @Test
    void findTokenByHash_matchesTheExactHashOnly() {
        store.insertUser(new UserRecord("alice", false, T0));
        TokenRecord t = token("t1", "alice", at(3600));
        TokenRecord never = token("t2", "alice", null);
        store.insertToken(t);
        store.insertToken(never);
        assertEquals(Optional.of(t), store.findTokenByHash(t.hash().clone()));
        assertEquals(Optional.of(never), store.findTokenByHash(never.hash()));
        byte[] other = t.hash().clone();
        other[31] ^= 1;
        assertEquals(Optional.empty(), store.findTokenByHash(other));
        assertEquals(Optional.empty(), store.findTokenByHash(java.util.Arrays.copyOf(t.hash(), 31)));
    }

    @Test
    void listTokens_returnsOnlyThatUsersTokens() {
        store.insertUser(new UserRecord("alice", false, T0));
        store.insertUser(new UserRecord("bob", false, T0));
        TokenRecord a1 = token("a1", "alice", null);
        TokenRecord a2 = token("a2", "alice", null);
        store.insertToken(a1);
        store.insertToken(a2);
        store.insertToken(token("b1", "bob", null));
        assertEquals(Set.of(a1, a2), Set.copyOf(store.listTokens("alice")));
        assertEquals(List.of(), store.listTokens("carol"));
    }

    @Test
    void deleteToken_removesThatToken_andIsFalseForAnUnknownOrForeignOne() {
        store.insertUser(new UserRecord("alice", false, T0));
        TokenRecord t = token("t1", "alice", null);
        store.insertToken(t);
        assertFalse(store.deleteToken("bob", "t1"));
        assertFalse(store.deleteToken("alice", "t9"));
        assertTrue(store.deleteToken("alice", "t1"));
        assertFalse(store.deleteToken("alice", "t1"));
        assertEquals(Optional.empty(), store.findTokenByHash(t.hash()));
    }

    @Test
    void deleteUser_removesItsTokensAndGrants_andBumpsOnlyTheKeysWhoseGrantsChanged() {
        store.insertUser(new UserRecord("bob", false, T0));
        store.insertUser(new UserRecord("carol", false, T0));
        TokenRecord bobs = token("b1", "bob", null);
        TokenRecord carols = token("c1", "carol", null);
        store.insertToken(bobs);
        store.insertToken(carols);
        KeyRecord.Builder granted = key(newId());
        granted.grants = Map.of("bob", Set.of(Permission.ENCRYPT), "carol", Set.of(Permission.DECRYPT), "*", Set.of(Permission.GET));
        KeyRecord.Builder owned = key(newId());
        owned.owner = "bob";
        KeyRecord.Builder untouched = key(newId());
        untouched.grants = Map.of("carol", Set.of(Permission.ENCRYPT));
        for (KeyRecord.Builder b : List.of(granted, owned, untouched)) {
            insert(b);
        }

        assertTrue(store.deleteUser("bob"));

        assertEquals(Optional.empty(), store.findUser("bob"));
        assertEquals(Optional.empty(), store.findTokenByHash(bobs.hash()));
        assertEquals(Optional.of(carols), store.findTokenByHash(carols.hash()));
        KeyRecord g = store.findKey(granted.id).orElseThrow();
        assertEquals(Map.of("carol", Set.of(Permission.DECRYPT), "*", Set.of(Permission.GET)), g.grants());
        assertEquals(2, g.rowVersion(), "a key whose grants changed gets a new row version");
        assertEquals(Optional.of(owned.build()), store.findKey(owned.id), "ownership is not a grant");
        assertEquals(Optional.of(untouched.build()), store.findKey(untouched.id));
    }

    @Test
    void deleteUser_unknownUser_isFalse() {
        assertFalse(store.deleteUser("nobody"));
    }

    @Test
    void insertToken_keepsTheHashBytesExactly() {
        store.insertUser(new UserRecord("alice", false, T0));
        byte[] hash = new byte[32];
        hash[0] = (byte) 0xff;
        store.insertToken(new TokenRecord("t", "alice", hash, T0, null));
        assertArrayEquals(hash, store.findTokenByHash(hash).orElseThrow().hash());
    }
}
