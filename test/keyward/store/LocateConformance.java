package keyward.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Locate: every filter, tag combinations, visibility and paging. Part of {@link StoreConformanceTest}. */
public abstract class LocateConformance extends BulkKeyConformance {

    private static KeyQuery query(List<String> tags, String name, String algorithm, KeyState state, String owner,
                                  String visibleTo) {
        return new KeyQuery(tags, name, algorithm, state, owner, visibleTo, 1000, null);
    }

    private List<String> ids(KeyQuery q) {
        return store.locate(q).keys().stream().map(KeyRecord::id).toList();
    }

    /** Inserts keys with ids "k0".."k{n-1}" zero-padded to sort numerically, configured by {@code how}. */
    private List<String> insertKeys(int n, java.util.function.BiConsumer<Integer, KeyRecord.Builder> how) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            KeyRecord.Builder b = key("k%04d".formatted(i));
            how.accept(i, b);
            ids.add(insert(b).id());
        }
        return ids;
    }

    @Test
    void locate_withoutFilters_returnsAllKeysInIdOrder_asFullRecords() {
        KeyRecord full = fullKey("m-full", "full");
        store.insertKey(full);
        insertKeys(3, (i, b) -> { });
        KeyPage page = store.locate(KeyQuery.all(10, null));
        assertEquals(List.of("k0000", "k0001", "k0002", "m-full"), page.keys().stream().map(KeyRecord::id).toList());
        assertEquals(full, page.keys().get(3));
        assertNull(page.next());
    }

    @Test
    void locate_eachFilter_matchesOnlyItsKeys() {
        List<String> ids = insertKeys(4, (i, b) -> {
            b.name = "name-" + i;
            b.algorithm = i == 1 ? "rsa-2048" : "aes-256-gcm";
            b.state = i == 2 ? KeyState.DEACTIVATED : KeyState.ACTIVE;
            b.owner = i == 3 ? "bob" : "alice";
        });
        assertEquals(List.of(ids.get(0)), ids(query(List.of(), "name-0", null, null, null, null)));
        assertEquals(List.of(ids.get(1)), ids(query(List.of(), null, "rsa-2048", null, null, null)));
        assertEquals(List.of(ids.get(2)), ids(query(List.of(), null, null, KeyState.DEACTIVATED, null, null)));
        assertEquals(List.of(ids.get(3)), ids(query(List.of(), null, null, null, "bob", null)));
        assertEquals(List.of(), ids(query(List.of(), "nope", null, null, null, null)));
    }

    @Test
    void locate_filters_areAllApplied() {
        List<String> ids = insertKeys(4, (i, b) -> {
            b.algorithm = i % 2 == 0 ? "aes-256-gcm" : "rsa-2048";
            b.owner = i < 2 ? "alice" : "bob";
            b.tags = List.of("t");
        });
        assertEquals(List.of(ids.get(3)), ids(query(List.of("t"), null, "rsa-2048", KeyState.ACTIVE, "bob", null)));
        assertEquals(List.of(), ids(query(List.of("t"), null, "rsa-2048", KeyState.DEACTIVATED, "bob", null)));
    }

    @Test
    void locate_tags_mustAllBePresent() {
        List<List<String>> tagSets = List.of(List.of("a"), List.of("b"), List.of("a", "b"), List.of("c", "b", "a"), List.of());
        List<String> ids = insertKeys(tagSets.size(), (i, b) -> b.tags = tagSets.get(i));
        assertEquals(List.of(ids.get(0), ids.get(2), ids.get(3)), ids(query(List.of("a"), null, null, null, null, null)));
        assertEquals(List.of(ids.get(2), ids.get(3)), ids(query(List.of("a", "b"), null, null, null, null, null)));
        assertEquals(List.of(ids.get(2), ids.get(3)), ids(query(List.of("b", "a", "b"), null, null, null, null, null)));
        assertEquals(List.of(ids.get(3)), ids(query(List.of("a", "b", "c"), null, null, null, null, null)));
        assertEquals(List.of(), ids(query(List.of("a", "d"), null, null, null, null, null)));
        assertEquals(List.of(), ids(query(List.of("A"), null, null, null, null, null)), "tags match exactly");
    }

    @Test
    void locate_visibleTo_findsOwnedAndGrantedKeys_includingStarGrants_only() {
        List<String> ids = insertKeys(5, (i, b) -> {
            b.owner = i == 0 ? "dave" : "alice";
            b.grants = switch (i) {
                case 1 -> Map.of("dave", Set.of(Permission.ENCRYPT));
                case 2 -> Map.of("*", Set.of(Permission.GET));
                case 3 -> Map.of("erin", Set.of(Permission.ENCRYPT));
                default -> Map.of();
            };
        });
        assertEquals(ids.subList(0, 3), ids(query(List.of(), null, null, null, null, "dave")));
        assertEquals(List.of(ids.get(2), ids.get(3)), ids(query(List.of(), null, null, null, null, "erin")));
        assertEquals(List.of(ids.get(1), ids.get(2)), ids(query(List.of(), null, null, null, "alice", "dave")));
    }

    @Test
    void locate_pagesThrough250Keys_withCursors_eachKeyOnce() {
        List<String> ids = insertKeys(250, (i, b) -> { });
        List<String> seen = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            KeyPage page = store.locate(KeyQuery.all(100, after));
            page.keys().forEach(k -> seen.add(k.id()));
            after = page.next();
            pages++;
        } while (after != null && pages < 10);
        assertEquals(3, pages);
        assertEquals(ids, seen);
    }

    @Test
    void locate_pageThatEndsExactlyAtTheLastKey_hasNoNextCursor() {
        List<String> ids = insertKeys(4, (i, b) -> { });
        KeyPage first = store.locate(KeyQuery.all(2, null));
        assertEquals(ids.subList(0, 2), first.keys().stream().map(KeyRecord::id).toList());
        KeyPage second = store.locate(KeyQuery.all(2, first.next()));
        assertEquals(ids.subList(2, 4), second.keys().stream().map(KeyRecord::id).toList());
        assertNull(second.next());
    }

    @Test
    void locate_pagesThroughTaggedKeys_withCursors() {
        List<String> ids = insertKeys(40, (i, b) -> b.tags = i % 3 == 0 ? List.of("x", "y") : List.of("y"));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += 3) {
            expected.add(ids.get(i));
        }
        List<String> seen = new ArrayList<>();
        String after = null;
        do {
            KeyPage page = store.locate(new KeyQuery(List.of("y", "x"), null, null, null, null, null, 5, after));
            page.keys().forEach(k -> seen.add(k.id()));
            after = page.next();
        } while (after != null && seen.size() <= ids.size());
        assertEquals(expected, seen);
    }

    @Test
    void locate_visibleTo_pagesWithCursors_throughOwnedAndGrantedKeys() {
        List<String> ids = insertKeys(30, (i, b) -> {
            b.owner = i % 3 == 0 ? "dave" : "alice";
            b.grants = i % 3 == 1 ? Map.of("dave", Set.of(Permission.GET), "*", Set.of(Permission.GET))
                    : i % 5 == 0 ? Map.of("*", Set.of(Permission.GET)) : Map.of("erin", Set.of(Permission.GET));
            b.algorithm = i % 2 == 0 ? "aes-256-gcm" : "rsa-2048";
        });
        List<String> expected = new ArrayList<>();
        List<String> expectedRsa = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            if (i % 3 == 0 || i % 3 == 1 || i % 5 == 0) {
                expected.add(ids.get(i));
                if (i % 2 == 1) {
                    expectedRsa.add(ids.get(i));
                }
            }
        }
        assertEquals(expected, pageThrough(new KeyQuery(List.of(), null, null, null, null, "dave", 4, null)));
        assertEquals(expectedRsa, pageThrough(new KeyQuery(List.of(), null, "rsa-2048", null, null, "dave", 3, null)));
    }

    @Test
    void locate_tagsAndVisibility_combine_whicheverIsRarer() {
        List<String> ids = insertKeys(24, (i, b) -> {
            b.tags = i % 8 == 0 ? List.of("common", "rare") : List.of("common");
            b.owner = i % 2 == 0 ? "dave" : "alice";
        });
        assertEquals(List.of(ids.get(0), ids.get(8), ids.get(16)),
                pageThrough(new KeyQuery(List.of("common", "rare"), null, null, null, null, null, 1, null)));
        assertEquals(List.of(ids.get(0), ids.get(8), ids.get(16)),
                pageThrough(new KeyQuery(List.of("rare", "common"), null, null, null, null, "dave", 2, null)));
        List<String> davesCommon = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += 2) {
            davesCommon.add(ids.get(i));
        }
        assertEquals(davesCommon, pageThrough(new KeyQuery(List.of("common"), null, null, null, null, "dave", 5, null)));
    }

    /** Every id of every page of {@code q}, following the cursors. */
    private List<String> pageThrough(KeyQuery q) {
        List<String> seen = new ArrayList<>();
        String after = null;
        for (int pages = 0; pages < 100; pages++) {
            KeyPage page = store.locate(new KeyQuery(q.tags(), q.name(), q.algorithm(), q.state(), q.owner(), q.visibleTo(),
                    q.limit(), after));
            page.keys().forEach(k -> seen.add(k.id()));
            after = page.next();
            if (after == null) {
                break;
            }
        }
        return seen;
    }
}
