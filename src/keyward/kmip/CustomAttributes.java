package keyward.kmip;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import keyward.store.KeyRecord;

/**
 * Custom attributes on Keyward attributes. A KMIP 1.x custom attribute {@code x-team} is the
 * Keyward attribute {@code x-team}; in KMIP 2.x the same attribute is the Vendor Attribute of vendor
 * {@code x} named {@code team} (the spec reserves vendors {@code x} and {@code y} for 1.x custom
 * attributes). A Vendor Attribute of any other vendor {@code V} named {@code N} is the Keyward
 * attribute {@code V:N}, shown in 2.x only. Values are text. Keyward's own {@code kmip_} attributes
 * are never custom attributes. Stateless.
 */
final class CustomAttributes {
    private CustomAttributes() {
    }

    /** A custom attribute under its Keyward name. */
    record Entry(String name, String value) {
    }

    static boolean isV1Custom(String name) {
        return name.length() > 2 && (name.startsWith("x-") || name.startsWith("y-"));
    }

    /** The Keyward attribute name of a 1.x custom attribute name: the same. */
    static String keywardName(String v1Name) {
        return v1Name;
    }

    /** The Keyward attribute name of a vendor attribute. */
    static String keywardName(String vendor, String name) {
        if (vendor.isEmpty() || name.isEmpty() || vendor.contains(":")) {
            throw new KmipException(Reason.INVALID_FIELD, "a Vendor Attribute needs a Vendor Identification without"
                    + " ':' and an Attribute Name");
        }
        if (vendor.equals("x") || vendor.equals("y")) {
            return vendor + "-" + name;
        }
        return vendor + ":" + name;
    }

    /** True if the Keyward attribute {@code name} is a custom attribute. */
    static boolean isCustom(String name) {
        return !name.startsWith("kmip_") && (isV1Custom(name) || name.indexOf(':') > 0);
    }

    /** A 2.x Vendor Attribute structure (Vendor Identification, Attribute Name, Attribute Value). */
    static Entry fromV2(Ttlv attribute) {
        String vendor = attribute.required(Tags.VENDOR_IDENTIFICATION).asText();
        String name = attribute.required(Tags.ATTRIBUTE_NAME).asText();
        Ttlv value = attribute.first(Tags.ATTRIBUTE_VALUE).orElse(Ttlv.text(Tags.ATTRIBUTE_VALUE, ""));
        String k = keywardName(vendor, name);
        return new Entry(k, text(value, k));
    }

    /** The Keyward name a 2.x Attribute Reference or 1.x Attribute Name names, null if it is no custom attribute. */
    static String nameOfReference(Ttlv reference) {
        if (reference.tag() == Tags.ATTRIBUTE_NAME) {
            String n = reference.asText();
            return isV1Custom(n) ? n : null;
        }
        if (reference.type() == Ttlv.Type.STRUCTURE) {
            String vendor = reference.first(Tags.VENDOR_IDENTIFICATION).map(Ttlv::asText).orElse("");
            String name = reference.first(Tags.ATTRIBUTE_NAME).map(Ttlv::asText).orElse("");
            if (vendor.isEmpty()) {
                return isV1Custom(name) ? name : null;
            }
            return keywardName(vendor, name);
        }
        return null;
    }

    /** The value of a custom attribute: text only. */
    static String text(Ttlv value, String name) {
        if (value.type() != Ttlv.Type.TEXT_STRING) {
            throw new KmipException(Reason.INVALID_FIELD, "custom attribute " + clip(name) + " must be a text string"
                    + " on Keyward, not " + value.type().jsonName);
        }
        return value.asText();
    }

    /** The key's custom attributes as 2.x Vendor Attributes, in name order. */
    static List<Ttlv> of(KeyRecord k) {
        List<Ttlv> out = new ArrayList<>();
        k.attributes().entrySet().stream().filter(e -> isCustom(e.getKey())).sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.add(vendorAttribute(e.getKey(), e.getValue())));
        return out;
    }

    static Ttlv vendorAttribute(String keywardName, String value) {
        String vendor;
        String name;
        if (isV1Custom(keywardName)) {
            vendor = keywardName.substring(0, 1);
            name = keywardName.substring(2);
        } else {
            int colon = keywardName.indexOf(':');
            vendor = keywardName.substring(0, colon);
            name = keywardName.substring(colon + 1);
        }
        return Ttlv.structure(Tags.ATTRIBUTE, List.of(Ttlv.text(Tags.VENDOR_IDENTIFICATION, vendor),
                Ttlv.text(Tags.ATTRIBUTE_NAME, name), Ttlv.text(Tags.ATTRIBUTE_VALUE, value)));
    }

    /** The Keyward name of a 2.x Vendor Attribute this class made. */
    static String keywardNameOf(Ttlv vendorAttribute) {
        return keywardName(vendorAttribute.required(Tags.VENDOR_IDENTIFICATION).asText(),
                vendorAttribute.required(Tags.ATTRIBUTE_NAME).asText());
    }

    /** True if a 1.x answer can show it (only {@code x-} and {@code y-} names exist in 1.x). */
    static boolean inV1(Ttlv vendorAttribute) {
        return isV1Custom(keywardNameOf(vendorAttribute));
    }

    /** The 1.x Attribute structure of a vendor attribute with vendor x or y. */
    static Ttlv toV1(Ttlv vendorAttribute) {
        return Ttlv.structure(Tags.ATTRIBUTE, List.of(Ttlv.text(Tags.ATTRIBUTE_NAME, keywardNameOf(vendorAttribute)),
                vendorAttribute.required(Tags.ATTRIBUTE_VALUE)));
    }

    static String clip(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
