package keyward.kmip;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import keyward.core.Activation;
import keyward.core.Core;
import keyward.core.KeyRequests;
import keyward.core.Names;
import keyward.core.Principal;
import keyward.store.KeyRecord;
import keyward.store.Permission;

/**
 * The attribute operations: GetAttributes, GetAttributeList, AddAttribute, ModifyAttribute,
 * DeleteAttribute and (KMIP 2.x) SetAttribute. What a client may change: Name, Object Group
 * (Keyward tags), Activation Date (while Pre-Active), Extractable and Sensitive (towards "not
 * extractable" only, as REST's {@code exportable}) and custom attributes; the rest is the server's.
 * Each change is one compare-and-set write of the key. Thread-safe.
 */
final class AttributeOps {
    private final Core core;
    private final ObjectOps objects;

    AttributeOps(Core core, ObjectOps objects) {
        this.core = core;
        this.objects = objects;
    }

    // ---- reading ----

    List<Ttlv> getAttributes(Principal p, Ttlv payload, Operations.Batch b) {
        KeyObjects.Obj o = objects.object(p, payload, b, Permission.GET);
        Set<Integer> tags = new LinkedHashSet<>();
        Set<String> custom = new LinkedHashSet<>();
        List<Ttlv> references = new ArrayList<>(payload.all(Tags.ATTRIBUTE_NAME));
        references.addAll(payload.all(Tags.ATTRIBUTE_REFERENCE));
        for (Ttlv r : references) {
            String c = CustomAttributes.nameOfReference(r);
            if (c != null) {
                custom.add(c);
            } else if (r.type() == Ttlv.Type.ENUMERATION) {
                tags.add(r.asInt());
            } else {
                String name = r.type() == Ttlv.Type.STRUCTURE ? r.first(Tags.ATTRIBUTE_NAME).map(Ttlv::asText).orElse("")
                        : r.asText();
                int tag = KeyObjects.tagOfName(name);
                if (tag >= 0) {
                    tags.add(tag);
                }
            }
        }
        boolean named = !references.isEmpty();
        List<Ttlv> shown = new ArrayList<>();
        for (Ttlv t : KeyObjects.all(o, named, core.clock().now())) {
            boolean isCustom = t.tag() == Tags.ATTRIBUTE;
            if (!named || (isCustom ? custom.contains(CustomAttributes.keywardNameOf(t)) : tags.contains(t.tag()))) {
                shown.add(t);
            }
        }
        List<Ttlv> out = new ArrayList<>();
        out.add(Ttlv.text(Tags.UNIQUE_IDENTIFIER, o.uid()));
        if (b.version >= 200) {
            out.add(Ttlv.structure(Tags.ATTRIBUTES, shown));
        } else {
            for (Ttlv t : shown) {
                if (t.tag() != Tags.ATTRIBUTE || CustomAttributes.inV1(t)) {
                    out.add(KeyObjects.v1Attribute(t));
                }
            }
        }
        return out;
    }

    List<Ttlv> getAttributeList(Principal p, Ttlv payload, Operations.Batch b) {
        KeyObjects.Obj o = objects.object(p, payload, b, Permission.GET);
        List<Ttlv> out = new ArrayList<>();
        out.add(Ttlv.text(Tags.UNIQUE_IDENTIFIER, o.uid()));
        Set<String> seen = new LinkedHashSet<>();
        for (Ttlv t : KeyObjects.all(o, true, core.clock().now())) {
            boolean isCustom = t.tag() == Tags.ATTRIBUTE;
            if (!seen.add(isCustom ? CustomAttributes.keywardNameOf(t) : Tags.name(t.tag()))) {
                continue;
            }
            if (b.version >= 200) {
                out.add(isCustom ? Ttlv.structure(Tags.ATTRIBUTE_REFERENCE, List.of(
                        t.required(Tags.VENDOR_IDENTIFICATION), t.required(Tags.ATTRIBUTE_NAME)))
                        : Ttlv.enumeration(Tags.ATTRIBUTE_REFERENCE, t.tag()));
            } else if (!isCustom || CustomAttributes.inV1(t)) {
                out.add(Ttlv.text(Tags.ATTRIBUTE_NAME, isCustom ? CustomAttributes.keywardNameOf(t)
                        : KeyObjects.v1Name(t.tag())));
            }
        }
        return out;
    }

    // ---- changing ----

    private enum Change { ADD, MODIFY, DELETE, SET }

    /**
     * One attribute of a request: a standard one (tag, value carrying the tag) or a custom one
     * (its Keyward name, text value); {@code index} is 1.x's Attribute Index, -1 when absent.
     */
    private record Attr(int tag, Ttlv value, String custom, String customValue, int index) {
        String describe() {
            return custom != null ? custom : KeyObjects.spaced(Tags.name(tag));
        }
    }

    List<Ttlv> add(Principal p, Ttlv payload, Operations.Batch b) {
        return change(p, payload, b, Change.ADD);
    }

    List<Ttlv> modify(Principal p, Ttlv payload, Operations.Batch b) {
        return change(p, payload, b, Change.MODIFY);
    }

    List<Ttlv> delete(Principal p, Ttlv payload, Operations.Batch b) {
        return change(p, payload, b, Change.DELETE);
    }

    List<Ttlv> set(Principal p, Ttlv payload, Operations.Batch b) {
        return change(p, payload, b, Change.SET);
    }

    private List<Ttlv> change(Principal p, Ttlv payload, Operations.Batch b, Change change) {
        KeyObjects.Obj o = objects.object(p, payload, b, Permission.UPDATE);
        Attr target;
        Attr current = null;
        if (b.version < 200 || payload.first(Tags.ATTRIBUTE).isPresent()) {
            if (change == Change.DELETE && payload.first(Tags.ATTRIBUTE).isEmpty()) {
                String name = payload.required(Tags.ATTRIBUTE_NAME).asText();
                int index = payload.first(Tags.ATTRIBUTE_INDEX).map(Ttlv::asInt).orElse(0);
                target = byName(name, null, index);
            } else {
                target = fromV1(payload.required(Tags.ATTRIBUTE));
            }
        } else if (change == Change.DELETE) {
            Ttlv ref = payload.first(Tags.CURRENT_ATTRIBUTE).map(AttributeOps::inner)
                    .orElseGet(() -> payload.required(Tags.ATTRIBUTE_REFERENCE));
            target = ref.tag() == Tags.ATTRIBUTE_REFERENCE ? fromReference(ref) : fromV2(ref);
        } else {
            target = fromV2(inner(payload.required(Tags.NEW_ATTRIBUTE)));
            if (payload.first(Tags.CURRENT_ATTRIBUTE).isPresent()) {
                current = fromV2(inner(payload.required(Tags.CURRENT_ATTRIBUTE)));
            }
        }
        // a 1.x answer to DeleteAttribute carries the attribute it deleted
        Ttlv deleted = b.version < 200 && change == Change.DELETE ? present(o, target) : null;
        apply(p, o, change, target, current);
        List<Ttlv> out = new ArrayList<>(ObjectOps.uid(o));
        if (deleted != null) {
            out.add(deleted);
        } else if (b.version < 200 && change != Change.SET && payload.first(Tags.ATTRIBUTE).isPresent()) {
            out.add(payload.required(Tags.ATTRIBUTE));
        }
        return out;
    }

    /** The 1.x Attribute structure of the attribute {@code a} names (its index-th value), or Item Not Found. */
    private Ttlv present(KeyObjects.Obj o, Attr a) {
        int i = 0;
        for (Ttlv t : KeyObjects.all(o, true, core.clock().now())) {
            boolean same = a.custom() != null ? t.tag() == Tags.ATTRIBUTE && a.custom().equals(CustomAttributes.keywardNameOf(t))
                    : t.tag() == a.tag() && (a.value() == null || a.value().sameAs(t));
            if (same && i++ == Math.max(a.index(), 0)) {
                return KeyObjects.v1Attribute(t);
            }
        }
        throw missing(o, a);
    }

    private void apply(Principal p, KeyObjects.Obj o, Change change, Attr a, Attr current) {
        String id = o.key().id();
        boolean pub = o.publicHalf();
        boolean keyName = a.tag() == Tags.NAME && (!pub || KeyObjects.publicOnly(o.key()));
        if (keyName && o.key().name() != null && (change == Change.DELETE
                || (change != Change.ADD && !Names.validName(a.value().required(Tags.NAME_VALUE).asText())))) {
            core.keys().clearName(p, id); // the name goes, or a KMIP name that is no Keyward name replaces it
            if (change == Change.DELETE) {
                return;
            }
        }
        core.keys().edit(p, id, k -> {
            Map<String, String> attributes = new HashMap<>(k.attributes());
            if (a.custom() != null) {
                boolean has = attributes.containsKey(a.custom());
                if (change == Change.DELETE) {
                    if (!has) {
                        throw missing(o, a);
                    }
                    attributes.remove(a.custom());
                } else {
                    if (change == Change.ADD && has) {
                        throw new KmipException(Reason.INVALID_FIELD, "object " + o.uid() + " has " + a.describe()
                                + " already; a Keyward key holds one value per custom attribute: use ModifyAttribute");
                    }
                    if (change == Change.MODIFY && !has) {
                        throw missing(o, a);
                    }
                    attributes.put(a.custom(), a.customValue());
                }
                return new KeyRequests.Patch(null, null, attributes, null, null, null);
            }
            return switch (a.tag()) {
                case Tags.NAME -> name(o, k, change, a, attributes);
                case Tags.OBJECT_GROUP -> groups(o, k, change, a, current);
                case Tags.ACTIVATION_DATE -> {
                    int state = KeyObjects.state(k, pub, core.clock().now());
                    if (state != Enums.PRE_ACTIVE) {
                        throw Operations.wrongState(k, state, "its Activation Date can change only while it is PreActive");
                    }
                    if (change == Change.DELETE) {
                        attributes.remove(Activation.DATE_ATTRIBUTE);
                    } else {
                        attributes.put(Activation.DATE_ATTRIBUTE, Long.toString(a.value().asLong()));
                    }
                    yield new KeyRequests.Patch(null, null, attributes, null, null, null);
                }
                case Tags.EXTRACTABLE, Tags.SENSITIVE -> {
                    if (change == Change.DELETE || pub) {
                        throw readOnly(a, "it follows the key's exportable flag");
                    }
                    boolean exportable = a.tag() == Tags.EXTRACTABLE ? a.value().asBoolean() : !a.value().asBoolean();
                    if (exportable && !k.exportable()) {
                        throw new KmipException(Reason.INVALID_FIELD, "object " + o.uid() + " is not extractable, and"
                                + " that is for good (Keyward's exportable can be switched off, never on again)");
                    }
                    yield exportable == k.exportable() ? null : new KeyRequests.Patch(null, null, null, null, null, false);
                }
                default -> throw readOnly(a, "the server keeps it");
            };
        });
    }

    private KeyRequests.Patch name(KeyObjects.Obj o, KeyRecord k, Change change, Attr a, Map<String, String> attributes) {
        String value = change == Change.DELETE ? null : a.value().required(Tags.NAME_VALUE).asText();
        if (o.publicHalf() && !KeyObjects.publicOnly(k)) {
            boolean has = attributes.containsKey(KeyObjects.PUBLIC_NAME_ATTRIBUTE);
            if (change == Change.DELETE) {
                if (!has) {
                    throw missing(o, a);
                }
                attributes.remove(KeyObjects.PUBLIC_NAME_ATTRIBUTE);
            } else {
                if (change == Change.ADD && has) {
                    throw oneName(o);
                }
                attributes.put(KeyObjects.PUBLIC_NAME_ATTRIBUTE, value);
            }
            return new KeyRequests.Patch(null, null, attributes, null, null, null);
        }
        if (change == Change.ADD && (k.name() != null || attributes.containsKey(KeyObjects.NAME_ATTRIBUTE))) {
            throw oneName(o);
        }
        if (change == Change.DELETE) {
            if (attributes.remove(KeyObjects.NAME_ATTRIBUTE) == null) {
                throw missing(o, a);
            }
            return new KeyRequests.Patch(null, null, attributes, null, null, null);
        }
        if (Names.validName(value)) {
            attributes.remove(KeyObjects.NAME_ATTRIBUTE);
            return new KeyRequests.Patch(value, null, attributes, null, null, null);
        }
        attributes.put(KeyObjects.NAME_ATTRIBUTE, value);
        return new KeyRequests.Patch(null, null, attributes, null, null, null);
    }

    private KeyRequests.Patch groups(KeyObjects.Obj o, KeyRecord k, Change change, Attr a, Attr current) {
        List<String> tags = new ArrayList<>(k.tags());
        switch (change) {
            case ADD -> {
                if (tags.contains(a.value().asText())) {
                    return null;
                }
                tags.add(a.value().asText());
            }
            case SET -> {
                tags.clear(); // SetAttribute sets the attribute: this group becomes the only one
                tags.add(a.value().asText());
            }
            case MODIFY -> {
                int i = current != null ? tags.indexOf(current.value().asText()) : Math.max(a.index(), 0);
                if (i < 0 || i >= tags.size()) {
                    throw missing(o, current != null ? current : a);
                }
                tags.set(i, a.value().asText());
            }
            case DELETE -> {
                if (a.value() == null) {
                    if (a.index() < 0) {
                        tags.clear(); // a 2.x Attribute Reference: every Object Group
                    } else if (a.index() < tags.size()) {
                        tags.remove(a.index());
                    } else {
                        throw missing(o, a);
                    }
                } else if (!tags.remove(a.value().asText())) {
                    throw missing(o, a);
                }
            }
            default -> throw new IllegalStateException();
        }
        return new KeyRequests.Patch(null, tags, null, null, null, null);
    }

    // ---- reading the attribute of a request ----

    private static Ttlv inner(Ttlv wrapper) {
        List<Ttlv> items = wrapper.items();
        if (items.size() != 1) {
            throw new KmipException(Reason.INVALID_FIELD, Tags.name(wrapper.tag()) + " must hold exactly one attribute");
        }
        return items.get(0);
    }

    private static Attr fromV1(Ttlv attribute) {
        String name = attribute.required(Tags.ATTRIBUTE_NAME).asText();
        int index = attribute.first(Tags.ATTRIBUTE_INDEX).map(Ttlv::asInt).orElse(-1);
        return byName(name, attribute.first(Tags.ATTRIBUTE_VALUE).orElse(null), index);
    }

    private static Attr byName(String name, Ttlv value, int index) {
        if (CustomAttributes.isV1Custom(name)) {
            return new Attr(-1, null, name, value == null ? null : CustomAttributes.text(value, name), index);
        }
        int tag = KeyObjects.tagOfName(name);
        if (tag < 0) {
            throw new KmipException(Reason.INVALID_FIELD, "unknown attribute " + CustomAttributes.clip(name));
        }
        return new Attr(tag, value == null ? null : new Ttlv(tag, value.type(), value.value()), null, null, index);
    }

    private static Attr fromV2(Ttlv item) {
        if (item.tag() == Tags.ATTRIBUTE) {
            CustomAttributes.Entry e = CustomAttributes.fromV2(item);
            return new Attr(-1, null, e.name(), e.value(), -1);
        }
        return new Attr(item.tag(), item, null, null, -1);
    }

    private static Attr fromReference(Ttlv ref) {
        String c = CustomAttributes.nameOfReference(ref);
        if (c != null) {
            return new Attr(-1, null, c, null, -1);
        }
        if (ref.type() == Ttlv.Type.ENUMERATION) {
            return new Attr(ref.asInt(), null, null, null, -1);
        }
        return byName(ref.required(Tags.ATTRIBUTE_NAME).asText(), null, -1);
    }

    private static KmipException missing(KeyObjects.Obj o, Attr a) {
        return new KmipException(Reason.ITEM_NOT_FOUND, "object " + o.uid() + " has no such " + a.describe());
    }

    private static KmipException oneName(KeyObjects.Obj o) {
        return new KmipException(Reason.INVALID_FIELD, "object " + o.uid() + " has a Name already and a Keyward key"
                + " carries one; use ModifyAttribute");
    }

    private static KmipException readOnly(Attr a, String why) {
        return new KmipException(Reason.INVALID_FIELD, "attribute " + a.describe() + " cannot be changed by a client: "
                + why);
    }
}
