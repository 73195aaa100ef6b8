package keyward.kmip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import keyward.core.Activation;
import keyward.core.Names;

/**
 * The Keyward form of a new object's KMIP attributes (Create, CreateKeyPair, Register, ReKey):
 * its name, object groups (Keyward tags), Keyward attributes (Pre-Active marks, usage masks,
 * Activation Date, custom attributes) and whether its material may leave the server.
 */
final class NewObjects {
    private NewObjects() {
    }

    /** What a new key is made with. */
    record Spec(String name, List<String> groups, Map<String, String> attributes, boolean exportable) {
    }

    /**
     * The spec of a new key from the attributes given: {@code common} for every part, then
     * {@code priv} (the key, or a pair's private half) and {@code pub} (a pair's public half, or null).
     */
    static Spec of(KeyObjects.Given common, KeyObjects.Given priv, KeyObjects.Given pub, String algorithm) {
        boolean pair = pub != null;
        Map<String, String> a = new HashMap<>();
        a.putAll(common.custom());
        a.putAll(priv.custom());
        if (pair) {
            a.putAll(pub.custom());
        }
        a.put(KeyObjects.STATE_ATTRIBUTE, KeyObjects.PRE_ACTIVE);
        Ttlv mask = first(Tags.CRYPTOGRAPHIC_USAGE_MASK, priv, common);
        a.put(KeyObjects.USAGE_ATTRIBUTE, Integer.toString(mask != null ? mask.asInt()
                : KeyObjects.defaultUsage(algorithm, false)));
        if (pair) {
            a.put(KeyObjects.PUBLIC_STATE_ATTRIBUTE, KeyObjects.PRE_ACTIVE);
            Ttlv pubMask = first(Tags.CRYPTOGRAPHIC_USAGE_MASK, pub, common);
            a.put(KeyObjects.PUBLIC_USAGE_ATTRIBUTE, Integer.toString(pubMask != null ? pubMask.asInt()
                    : KeyObjects.defaultUsage(algorithm, true)));
            Ttlv pubName = pub.known().get(Tags.NAME);
            if (pubName != null) {
                a.put(KeyObjects.PUBLIC_NAME_ATTRIBUTE, pubName.required(Tags.NAME_VALUE).asText());
            }
        }
        Ttlv date = first(Tags.ACTIVATION_DATE, priv, common);
        if (date != null) {
            a.put(Activation.DATE_ATTRIBUTE, Long.toString(date.asLong()));
        }
        List<Ttlv> names = new ArrayList<>(priv.all(Tags.NAME));
        if (names.isEmpty()) {
            names.addAll(common.all(Tags.NAME));
        }
        if (names.size() > 1) {
            throw new KmipException(Reason.INVALID_FIELD, "a Keyward key carries one Name; give at most one");
        }
        String name = names.isEmpty() ? null : names.get(0).required(Tags.NAME_VALUE).asText();
        if (name != null && !Names.validName(name)) {
            a.put(KeyObjects.NAME_ATTRIBUTE, name); // KMIP names may hold spaces; Keyward's may not
            name = null;
        }
        Map<String, Boolean> groups = new LinkedHashMap<>();
        for (KeyObjects.Given g : pair ? List.of(common, priv, pub) : List.of(common, priv)) {
            g.all(Tags.OBJECT_GROUP).forEach(t -> groups.put(t.asText(), true));
        }
        Ttlv extractable = first(Tags.EXTRACTABLE, priv, common);
        Ttlv sensitive = first(Tags.SENSITIVE, priv, common);
        boolean exportable = (extractable == null || extractable.asBoolean()) && (sensitive == null || !sensitive.asBoolean());
        return new Spec(name, List.copyOf(groups.keySet()), a, exportable);
    }

    /** As {@link #of(KeyObjects.Given, KeyObjects.Given, KeyObjects.Given, String)} for one object. */
    static Spec of(KeyObjects.Given given, String algorithm) {
        return of(new KeyObjects.Given(Map.of(), List.of()), given, null, algorithm);
    }

    private static Ttlv first(int tag, KeyObjects.Given preferred, KeyObjects.Given fallback) {
        Ttlv t = preferred.known().get(tag);
        return t != null ? t : fallback.known().get(tag);
    }
}
