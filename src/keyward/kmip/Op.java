package keyward.kmip;

import java.util.Optional;

/** The KMIP operations by enumeration value; {@link #served} marks what this server answers. */
enum Op {
    CREATE(0x01, "Create", true),
    CREATE_KEY_PAIR(0x02, "CreateKeyPair", true),
    REGISTER(0x03, "Register", true),
    REKEY(0x04, "ReKey", true),
    DERIVE_KEY(0x05, "DeriveKey", true),
    CERTIFY(0x06, "Certify", false),
    RECERTIFY(0x07, "ReCertify", false),
    LOCATE(0x08, "Locate", true),
    CHECK(0x09, "Check", true),
    GET(0x0A, "Get", true),
    GET_ATTRIBUTES(0x0B, "GetAttributes", true),
    GET_ATTRIBUTE_LIST(0x0C, "GetAttributeList", true),
    ADD_ATTRIBUTE(0x0D, "AddAttribute", true),
    MODIFY_ATTRIBUTE(0x0E, "ModifyAttribute", true),
    DELETE_ATTRIBUTE(0x0F, "DeleteAttribute", true),
    OBTAIN_LEASE(0x10, "ObtainLease", false),
    GET_USAGE_ALLOCATION(0x11, "GetUsageAllocation", false),
    ACTIVATE(0x12, "Activate", true),
    REVOKE(0x13, "Revoke", true),
    DESTROY(0x14, "Destroy", true),
    ARCHIVE(0x15, "Archive", false),
    RECOVER(0x16, "Recover", false),
    VALIDATE(0x17, "Validate", false),
    QUERY(0x18, "Query", true),
    CANCEL(0x19, "Cancel", false),
    POLL(0x1A, "Poll", false),
    NOTIFY(0x1B, "Notify", false),
    PUT(0x1C, "Put", false),
    REKEY_KEY_PAIR(0x1D, "ReKeyKeyPair", true),
    DISCOVER_VERSIONS(0x1E, "DiscoverVersions", true),
    ENCRYPT(0x1F, "Encrypt", true),
    DECRYPT(0x20, "Decrypt", true),
    SIGN(0x21, "Sign", true),
    SIGNATURE_VERIFY(0x22, "SignatureVerify", true),
    MAC(0x23, "MAC", true),
    MAC_VERIFY(0x24, "MACVerify", true),
    RNG_RETRIEVE(0x25, "RNGRetrieve", false),
    RNG_SEED(0x26, "RNGSeed", false),
    HASH(0x27, "Hash", false),
    CREATE_SPLIT_KEY(0x28, "CreateSplitKey", false),
    JOIN_SPLIT_KEY(0x29, "JoinSplitKey", false),
    IMPORT(0x2A, "Import", false),
    EXPORT(0x2B, "Export", false),
    LOG(0x2C, "Log", false),
    LOGIN(0x2D, "Login", false),
    LOGOUT(0x2E, "Logout", false),
    DELEGATED_LOGIN(0x2F, "DelegatedLogin", false),
    ADJUST_ATTRIBUTE(0x30, "AdjustAttribute", false),
    SET_ATTRIBUTE(0x31, "SetAttribute", true);

    final int code;
    final String jsonName;
    final boolean served;

    Op(int code, String jsonName, boolean served) {
        this.code = code;
        this.jsonName = jsonName;
        this.served = served;
    }

    static Optional<Op> of(int code) {
        for (Op o : values()) {
            if (o.code == code) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    /** The names in value order from 1, for the JSON table. */
    static String[] names() {
        Op[] all = values();
        String[] out = new String[all.length];
        for (int i = 0; i < all.length; i++) {
            out[i] = all[i].jsonName;
        }
        return out;
    }

    /** The audit operation name: "kmip.create", "kmip.get_attributes". */
    String auditName() {
        return "kmip." + name().toLowerCase(java.util.Locale.ROOT);
    }
}
