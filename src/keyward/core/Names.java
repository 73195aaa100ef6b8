package keyward.core;

import java.util.regex.Pattern;

/** Validation of names, tags and attributes at the edge; messages name the field, not secrets. */
public final class Names {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    static final int MAX_TAGS = 64;
    static final int MAX_TAG_LENGTH = 128;
    static final int MAX_ATTRIBUTES = 64;
    static final int MAX_ATTRIBUTE_VALUE = 1024;

    private Names() {
    }

    public static boolean isUuid(String s) {
        return s.length() == 36 && UUID.matcher(s).matches();
    }

    public static boolean validName(String s) {
        return NAME.matcher(s).matches() && !isUuid(s);
    }

    static String checkKeyName(String field, String name) {
        if (!validName(name)) {
            throw KwException.invalid("field '" + field + "' must match [A-Za-z0-9][A-Za-z0-9._-]{0,127}"
                    + " and must not look like a UUID");
        }
        return name;
    }

    public static String checkUserName(String field, String name) {
        if (!NAME.matcher(name).matches()) {
            throw KwException.invalid("field '" + field + "' must match [A-Za-z0-9][A-Za-z0-9._-]{0,127}");
        }
        return name;
    }

    static void checkTags(java.util.List<String> tags) {
        if (tags.size() > MAX_TAGS) {
            throw KwException.invalid("field 'tags' has more than " + MAX_TAGS + " entries");
        }
        for (String t : tags) {
            if (t.isEmpty() || t.length() > MAX_TAG_LENGTH || hasControl(t)) {
                throw KwException.invalid("field 'tags' entries must be 1.." + MAX_TAG_LENGTH
                        + " characters without control characters");
            }
        }
    }

    static void checkAttributes(java.util.Map<String, String> attributes) {
        if (attributes.size() > MAX_ATTRIBUTES) {
            throw KwException.invalid("field 'attributes' has more than " + MAX_ATTRIBUTES + " entries");
        }
        for (var e : attributes.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().length() > MAX_TAG_LENGTH || hasControl(e.getKey())) {
                throw KwException.invalid("field 'attributes' names must be 1.." + MAX_TAG_LENGTH + " characters");
            }
            if (e.getValue().length() > MAX_ATTRIBUTE_VALUE) {
                throw KwException.invalid("field 'attributes' values must be at most " + MAX_ATTRIBUTE_VALUE
                        + " characters");
            }
            if (hasControl(e.getValue())) {
                // names are checked above, so naming the attribute echoes nothing unprintable
                throw KwException.invalid("field 'attributes' value of '" + e.getKey()
                        + "' must not contain control characters");
            }
        }
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
