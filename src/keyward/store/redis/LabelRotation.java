package keyward.store.redis;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import keyward.store.StoreException;

/**
 * {@code rotate-findex-label}: rebuilds the index under a new label while every instance keeps
 * serving, then switches to it and deletes the old generation.
 *
 * <ol>
 *   <li>Record the new label in the rotation marker. From then on every writer's scripts see the
 *       marker, and each index append goes to both generations (see {@link Generation}); a write
 *       whose view predates the marker is refused and redone.</li>
 *   <li>Scan every object, decrypt it and append its current keywords under the new label: the
 *       compacted index (deleted entries are simply not carried over).</li>
 *   <li>Switch the label record to the new label and remove the marker, in one script.</li>
 *   <li>Delete every index key of the old generation.</li>
 * </ol>
 * Interrupted runs are resumed by running again with the same label.
 */
final class LabelRotation {
    private static final int SCAN_COUNT = 1000;

    private final SealedObjects objects;
    private final Findex findex;
    private final Generation generation;
    private final RedisKeys keys;

    LabelRotation(SealedObjects objects, Findex findex, Generation generation) {
        this.objects = objects;
        this.findex = findex;
        this.generation = generation;
        this.keys = objects.keys();
    }

    void run(String newLabel, Consumer<String> progress) {
        if (newLabel == null || newLabel.isBlank() || newLabel.length() > 256) {
            throw new IllegalArgumentException("new-label: must be 1..256 characters");
        }
        Generation.View v = generation.refresh();
        if (v.next() != null && !v.next().equals(newLabel)) {
            throw new StoreException("a rotation to findex label '" + v.next()
                    + "' is in progress: finish it first by running rotate-findex-label with that label");
        }
        if (v.next() == null && v.label().equals(newLabel)) {
            progress.accept("the index already uses label '" + newLabel + "'; removing leftovers of older generations");
            long n = deleteGenerations(keys.indexPattern(), keys.generation(newLabel), progress);
            progress.accept("done: " + n + " leftover index entries deleted");
            return;
        }
        String oldLabel = v.label();
        if (v.next() == null) {
            if (objects.write(v, List.of(), List.of(new SealedObjects.Put(keys.nextLabelKey(),
                    Records.text(Records.LABEL, newLabel)))) != 0) {
                throw new StoreException("could not record the rotation marker");
            }
            v = generation.refresh();
            progress.accept("rotation from label '" + oldLabel + "' to '" + newLabel + "' started; all instances now write both");
        } else {
            progress.accept("resuming the rotation from label '" + oldLabel + "' to '" + newLabel + "'");
        }
        long objectsIndexed = rebuild(v, progress);
        progress.accept("rebuild complete: " + objectsIndexed + " objects; switching to label '" + newLabel + "'");
        if (objects.write(v, List.of(), List.of(new SealedObjects.Put(keys.labelKey(), Records.text(Records.LABEL, newLabel)),
                new SealedObjects.Put(keys.nextLabelKey(), null))) != 0) {
            throw new StoreException("could not switch the findex label");
        }
        generation.refresh();
        progress.accept("the index now uses label '" + newLabel + "'; deleting the old generation");
        long deleted = deleteGenerations(keys.generation(oldLabel) + "*", null, progress);
        progress.accept("done: " + objectsIndexed + " objects indexed under '" + newLabel + "', "
                + deleted + " old index entries deleted");
    }

    /**
     * Appends the keywords of every live object under the new label, one SCAN page (about
     * {@link #SCAN_COUNT} objects) at a time: one MGET, then one pipelined append per page. SCAN
     * may return an object twice; its entries are then appended twice, which folding hides. While
     * a page is appended, a second thread reads and decrypts the next one: memory holds two pages
     * whatever the number of objects. Returns how many objects were read.
     */
    private long rebuild(Generation.View v, Consumer<String> progress) {
        ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "keyward-label-rotation-reader");
            t.setDaemon(true);
            return t;
        });
        try {
            long count = 0;
            Future<Page> next = reader.submit(() -> page("0"));
            while (true) {
                Page page = await(next);
                if (!page.cursor().equals("0")) {
                    next = reader.submit(() -> page(page.cursor()));
                }
                Map<String, List<Findex.Entry>> batch = new LinkedHashMap<>();
                for (int i = 0; i < page.names().size(); i++) {
                    if (page.plains().get(i) != null) {
                        Keywords.merge(batch, Keywords.forObject(keys.handle(page.names().get(i)), page.plains().get(i)));
                    }
                }
                if (!batch.isEmpty()) {
                    findex.appendTo(v.next(), v, batch);
                }
                count += page.names().size();
                if (!page.names().isEmpty()) {
                    progress.accept("rebuilt the index entries of " + count + " objects");
                }
                if (page.cursor().equals("0")) {
                    return count;
                }
            }
        } finally {
            reader.shutdownNow();
        }
    }

    /** One SCAN page of objects: the cursor after it, the objects' names and their plaintexts (null: gone since). */
    private record Page(String cursor, List<String> names, List<byte[]> plains) {
    }

    private Page page(String cursor) {
        String counter = keys.auditCounter();
        List<?> r = (List<?>) objects.pool().call("SCAN", cursor, "MATCH", keys.objectPattern(),
                "COUNT", Integer.toString(SCAN_COUNT));
        List<String> names = new ArrayList<>();
        for (Object o : (List<?>) r.get(1)) {
            String name = new String((byte[]) o, StandardCharsets.UTF_8);
            if (!name.equals(counter)) {
                names.add(name);
            }
        }
        return new Page(new String((byte[]) r.get(0), StandardCharsets.US_ASCII), names,
                names.isEmpty() ? List.of() : objects.plains(names));
    }

    /** The page {@code f} reads; its failure is thrown here as it was thrown there. */
    private static Page await(Future<Page> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("the index rebuild was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new StoreException("reading objects for the index rebuild failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** UNLINKs index keys matching {@code pattern}, except those starting with {@code keep}. */
    private long deleteGenerations(String pattern, String keep, Consumer<String> progress) {
        long deleted = 0;
        String cursor = "0";
        do {
            List<?> r = (List<?>) objects.pool().call("SCAN", cursor, "MATCH", pattern, "COUNT", Integer.toString(SCAN_COUNT));
            cursor = new String((byte[]) r.get(0), StandardCharsets.US_ASCII);
            List<String> doomed = new ArrayList<>();
            doomed.add("UNLINK");
            for (Object o : (List<?>) r.get(1)) {
                String name = new String((byte[]) o, StandardCharsets.UTF_8);
                if (keep == null || !name.startsWith(keep)) {
                    doomed.add(name);
                }
            }
            if (doomed.size() > 1) {
                deleted += (Long) objects.pool().call(doomed.toArray(String[]::new));
                progress.accept("deleted " + deleted + " old index entries");
            }
        } while (!cursor.equals("0"));
        return deleted;
    }
}
