package keyward.kmip;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import keyward.core.Activation;
import keyward.core.Core;
import keyward.core.KeyRequests;
import keyward.core.Names;
import keyward.core.Principal;
import keyward.store.KeyPage;
import keyward.store.KeyRecord;

/**
 * KMIP Locate on Keyward's keys: the store narrows by name and object group (and to the keys the
 * caller may read), the rest of the filters (object type, algorithm, length, state, usage mask,
 * activation date, custom attributes) are matched here on each object a key is; Maximum Items and
 * Offset Items page the answer. Thread-safe.
 */
final class Locator {
    /** Keys read per store page while locating; at most {@link #LOCATE_PAGES} pages per request. */
    private static final int LOCATE_PAGE = 1000;
    private static final int LOCATE_PAGES = 16;

    private final Core core;

    Locator(Core core) {
        this.core = core;
    }

    private static final List<Integer> LOCATE_FILTERS = List.of(Tags.NAME, Tags.OBJECT_TYPE, Tags.CRYPTOGRAPHIC_ALGORITHM,
            Tags.CRYPTOGRAPHIC_LENGTH, Tags.STATE, Tags.OBJECT_GROUP, Tags.CRYPTOGRAPHIC_USAGE_MASK, Tags.ACTIVATION_DATE);

    List<Ttlv> locate(Principal p, Ttlv payload) {
        int max = payload.first(Tags.MAXIMUM_ITEMS).map(Ttlv::asInt).orElse(LOCATE_PAGE);
        int offset = payload.first(Tags.OFFSET_ITEMS).map(Ttlv::asInt).orElse(0);
        if (max < 1 || offset < 0) {
            throw new KmipException(Reason.INVALID_FIELD, "Maximum Items must be at least 1 and Offset Items at least 0");
        }
        max = Math.min(max, LOCATE_PAGE);
        KeyObjects.Given given = KeyObjects.given(payload);
        if (!given.unknown().isEmpty()) {
            throw new KmipException(Reason.INVALID_FIELD, "Locate cannot filter on " + given.unknown());
        }
        for (Ttlv f : given.values()) {
            if (!LOCATE_FILTERS.contains(f.tag())) {
                throw new KmipException(Reason.INVALID_FIELD, "Locate filters on Name, Object Type, Cryptographic"
                        + " Algorithm, Cryptographic Length, State, Object Group, Cryptographic Usage Mask, Activation"
                        + " Date and custom attributes; not on " + KeyObjects.spaced(Tags.name(f.tag())));
            }
        }
        Map<Integer, Ttlv> filters = given.known();
        String name = filters.containsKey(Tags.NAME) ? filters.get(Tags.NAME).required(Tags.NAME_VALUE).asText() : null;
        // a valid Keyward name is looked up by the store's index; other KMIP names are attributes, matched here
        String storeName = name != null && Names.validName(name) ? name : null;
        List<String> groups = given.all(Tags.OBJECT_GROUP).stream().map(Ttlv::asText).distinct().toList();
        List<Ttlv> out = new ArrayList<>();
        Instant now = core.clock().now();
        int skip = offset;
        String after = null;
        for (int page = 0; page < LOCATE_PAGES && out.size() < max; page++) {
            KeyPage keys = core.keys().locate(p, new KeyRequests.Locate(groups, storeName, null, null, null, LOCATE_PAGE,
                    after));
            for (KeyRecord k : keys.keys()) {
                if (!KeyObjects.served(k)) {
                    continue;
                }
                for (KeyObjects.Obj o : objectsOf(k)) {
                    if (out.size() < max && matches(o, filters, given.custom(), name, now) && skip-- <= 0) {
                        out.add(Ttlv.text(Tags.UNIQUE_IDENTIFIER, o.uid()));
                    }
                }
            }
            if (keys.next() == null) {
                break;
            }
            after = keys.next();
        }
        return out;
    }

    /** The objects a key is: itself, or a pair's two halves (a registered public key only its public half). */
    private static List<KeyObjects.Obj> objectsOf(KeyRecord k) {
        if (!KeyObjects.asymmetric(k)) {
            return List.of(new KeyObjects.Obj(k, false));
        }
        if (KeyObjects.PUBLIC_ONLY.equals(k.attributes().get(KeyObjects.TYPE_ATTRIBUTE))) {
            return List.of(new KeyObjects.Obj(k, true));
        }
        return List.of(new KeyObjects.Obj(k, false), new KeyObjects.Obj(k, true));
    }

    private static boolean matches(KeyObjects.Obj o, Map<Integer, Ttlv> filters, Map<String, String> custom, String name,
                                   Instant now) {
        KeyRecord k = o.key();
        if (name != null && !name.equals(KeyObjects.nameOf(o))) {
            return false;
        }
        for (Map.Entry<String, String> c : custom.entrySet()) {
            if (!c.getValue().equals(k.attributes().get(c.getKey()))) {
                return false;
            }
        }
        for (Map.Entry<Integer, Ttlv> f : filters.entrySet()) {
            boolean ok = switch (f.getKey()) {
                case Tags.OBJECT_TYPE -> f.getValue().asInt() == o.type();
                case Tags.CRYPTOGRAPHIC_ALGORITHM -> f.getValue().asInt() == KeyObjects.kmipAlgorithm(k)
                        || (f.getValue().asInt() == Enums.ECDSA && KeyObjects.kmipAlgorithm(k) == Enums.EC);
                case Tags.CRYPTOGRAPHIC_LENGTH -> f.getValue().asInt() == KeyObjects.bits(k);
                case Tags.STATE -> f.getValue().asInt() == KeyObjects.state(o, now);
                case Tags.CRYPTOGRAPHIC_USAGE_MASK -> (KeyObjects.usageMask(o) & f.getValue().asInt()) == f.getValue().asInt();
                case Tags.ACTIVATION_DATE -> Activation.date(k).map(d -> d.getEpochSecond() == f.getValue().asLong())
                        .orElse(false);
                default -> true; // Name: above; Object Group: the store filtered already
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
