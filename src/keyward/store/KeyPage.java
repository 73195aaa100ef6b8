package keyward.store;

import java.util.List;

/** One page of locate results; {@code next} is the cursor for the following page or null. */
public record KeyPage(List<KeyRecord> keys, String next) {
    public KeyPage {
        keys = List.copyOf(keys);
    }
}
