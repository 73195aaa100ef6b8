package keyward.kmip;

import java.util.ArrayList;
import java.util.List;

/** Request messages and answers' fields, built and read by hand for the tests. */
final class Msg {
    private Msg() {
    }

    static Ttlv request(int version, Ttlv... items) {
        return request(version, false, items);
    }

    static Ttlv request(int version, boolean continueOnError, Ttlv... items) {
        List<Ttlv> header = new ArrayList<>(List.of(Kmip.versionItem(version)));
        if (continueOnError) {
            header.add(Ttlv.enumeration(Tags.BATCH_ERROR_CONTINUATION_OPTION, Enums.CONTINUE));
        }
        header.add(Ttlv.integer(Tags.BATCH_COUNT, items.length));
        List<Ttlv> fields = new ArrayList<>();
        fields.add(Ttlv.structure(Tags.REQUEST_HEADER, header));
        fields.addAll(List.of(items));
        return Ttlv.structure(Tags.REQUEST_MESSAGE, fields);
    }

    static Ttlv item(Op op, Ttlv... payload) {
        return Ttlv.structure(Tags.BATCH_ITEM, List.of(Ttlv.enumeration(Tags.OPERATION, op.code),
                Ttlv.structure(Tags.REQUEST_PAYLOAD, List.of(payload))));
    }

    static Ttlv uid(String id) {
        return Ttlv.text(Tags.UNIQUE_IDENTIFIER, id);
    }

    /** A KMIP 2.x Create of an AES key. */
    static Ttlv create2(int bits, String name) {
        List<Ttlv> attrs = new ArrayList<>(List.of(Ttlv.enumeration(Tags.CRYPTOGRAPHIC_ALGORITHM, Enums.AES),
                Ttlv.integer(Tags.CRYPTOGRAPHIC_LENGTH, bits)));
        if (name != null) {
            attrs.add(KeyObjects.name(Tags.NAME, name));
        }
        return item(Op.CREATE, Ttlv.enumeration(Tags.OBJECT_TYPE, Enums.SYMMETRIC_KEY), Ttlv.structure(Tags.ATTRIBUTES, attrs));
    }

    static List<Ttlv> items(Ttlv response) {
        return response.all(Tags.BATCH_ITEM);
    }

    static int status(Ttlv item) {
        return item.required(Tags.RESULT_STATUS).asInt();
    }

    /** The result reason of a failed item, 0 for a success. */
    static int reason(Ttlv item) {
        return item.first(Tags.RESULT_REASON).map(Ttlv::asInt).orElse(0);
    }

    static Ttlv payload(Ttlv item) {
        return item.required(Tags.RESPONSE_PAYLOAD);
    }

    static int version(Ttlv response) {
        return Kmip.version(response.required(Tags.RESPONSE_HEADER).required(Tags.PROTOCOL_VERSION));
    }
}
