package keyward.kmip;

import java.util.ArrayList;
import java.util.List;
import keyward.core.AuditTrail;
import keyward.core.Core;
import keyward.core.KwException;
import keyward.core.Principal;
import keyward.log.Log;
import keyward.store.StoreUnavailableException;

/**
 * Answers KMIP request messages (binary or JSON, already decoded) for an authenticated caller on
 * Keyward's keys: reads the header, runs each batch item through {@link Operations}, maps every
 * failure to a KMIP result reason, records one audit entry per batch item, and frames the
 * response in the protocol version the request used. Never throws for a bad message: what cannot
 * be answered item by item is answered as one failed item. Thread-safe.
 */
public final class Kmip {
    /** The protocol versions served, most preferred first, as major * 100 + minor. */
    static final List<Integer> VERSIONS = List.of(201, 200, 104, 103, 102, 101, 100);

    private final Operations operations;
    private final AuditTrail audit;
    private final Core core;

    public Kmip(Core core, AuditTrail audit) {
        this.core = core;
        this.operations = new Operations(core);
        this.audit = audit;
    }

    /**
     * The response to {@code request} from {@code caller} (null: the caller could not be
     * authenticated, and every item is refused with Authentication Not Successful, unaudited
     * beyond one entry). {@code remote} is the client's address for the audit.
     */
    public Ttlv handle(Principal caller, Ttlv request, String remote) {
        int version = 100;
        try {
            if (request.tag() != Tags.REQUEST_MESSAGE || request.type() != Ttlv.Type.STRUCTURE) {
                throw new KmipException(Reason.INVALID_MESSAGE, "the message is not a Request Message");
            }
            Ttlv header = request.required(Tags.REQUEST_HEADER);
            version = version(header.required(Tags.PROTOCOL_VERSION));
            if (!VERSIONS.contains(version)) {
                int asked = version;
                version = VERSIONS.stream().filter(v -> v <= asked).findFirst().orElse(100);
                throw new KmipException(Reason.INVALID_MESSAGE, "protocol version " + asked / 100 + "." + asked % 100
                        + " is not served; DiscoverVersions lists the served ones");
            }
            boolean continueOnError = header.first(Tags.BATCH_ERROR_CONTINUATION_OPTION)
                    .map(t -> t.asInt() == Enums.CONTINUE).orElse(false);
            List<Ttlv> items = request.all(Tags.BATCH_ITEM);
            if (items.isEmpty()) {
                throw new KmipException(Reason.INVALID_MESSAGE, "the message has no Batch Item");
            }
            if (caller == null) {
                audit.record("-", "kmip.request", null, "unauthenticated", remote); // as the API audits an unknown caller
                return refuseAll(version, items, Reason.AUTHENTICATION_NOT_SUCCESSFUL,
                        "the client certificate names no Keyward user; create the user named by its CN");
            }
            Operations.Batch batch = new Operations.Batch(version);
            List<Ttlv> answers = new ArrayList<>();
            for (Ttlv item : items) {
                Ttlv answer = item(caller, item, batch, remote);
                answers.add(answer);
                if (!continueOnError && answer.first(Tags.RESULT_STATUS).map(Ttlv::asInt).orElse(0) != Enums.SUCCESS) {
                    break; // Batch Error Continuation Option Stop (the default): the rest is not run
                }
            }
            return response(version, answers);
        } catch (KmipException e) {
            return response(version, List.of(failure(null, null, e.reason(), e.getMessage(), version)));
        } catch (RuntimeException e) {
            Log.error("kmip: unexpected failure while reading a request message", e);
            return response(version, List.of(failure(null, null, Reason.GENERAL_FAILURE, "internal error", version)));
        }
    }

    /** A response to bytes that could not be decoded at all: one failed item, version 1.0. */
    public Ttlv malformed(KmipException e) {
        return response(100, List.of(failure(null, null, e.reason(), e.getMessage(), 100)));
    }

    private Ttlv item(Principal caller, Ttlv item, Operations.Batch batch, String remote) {
        Ttlv opItem = null;
        Ttlv batchId = null;
        String auditOp = "kmip.unknown";
        batch.auditKey = null;
        try {
            item.items();
            opItem = item.required(Tags.OPERATION);
            batchId = item.first(Tags.UNIQUE_BATCH_ITEM_ID).orElse(null);
            int code = opItem.asInt();
            Op op = Op.of(code).filter(o -> o.served).orElse(null);
            if (op == null) {
                throw new KmipException(Reason.OPERATION_NOT_SUPPORTED, "operation " + Enums.name(Tags.OPERATION, code)
                        + " is not served by Keyward; Query lists the served operations");
            }
            auditOp = op.auditName();
            Ttlv payload = item.first(Tags.REQUEST_PAYLOAD)
                    .orElse(Ttlv.structure(Tags.REQUEST_PAYLOAD, List.of()));
            List<Ttlv> out = operations.run(caller, op, payload, batch);
            audit.record(caller.user(), auditOp, batch.auditKey, "ok", remote);
            List<Ttlv> fields = new ArrayList<>();
            fields.add(opItem);
            if (batchId != null) {
                fields.add(batchId);
            }
            fields.add(Ttlv.enumeration(Tags.RESULT_STATUS, Enums.SUCCESS));
            fields.add(Ttlv.structure(Tags.RESPONSE_PAYLOAD, out));
            return Ttlv.structure(Tags.BATCH_ITEM, fields);
        } catch (RuntimeException e) {
            Failure f = failureOf(e);
            audit.record(caller.user(), auditOp, batch.auditKey, f.reason.auditCode(), remote);
            return failure(opItem, batchId, f.reason, f.message, batch.version);
        }
    }

    private record Failure(Reason reason, String message) {
    }

    /** The one place where exceptions become KMIP result reasons. */
    private static Failure failureOf(RuntimeException e) {
        if (e instanceof KmipException k) {
            return new Failure(k.reason(), k.getMessage());
        }
        if (e instanceof KwException k) {
            Reason r = switch (k.code()) {
                case NOT_FOUND -> Reason.ITEM_NOT_FOUND;
                case FORBIDDEN -> Reason.PERMISSION_DENIED;
                case INVALID_STATE -> Reason.WRONG_KEY_LIFECYCLE_STATE;
                case DECRYPTION_FAILED -> Reason.CRYPTOGRAPHIC_FAILURE;
                case UNAUTHENTICATED -> Reason.AUTHENTICATION_NOT_SUCCESSFUL;
                case UNAVAILABLE, TOO_MANY_REQUESTS, INTERNAL -> Reason.GENERAL_FAILURE;
                default -> Reason.INVALID_FIELD;
            };
            return new Failure(r, k.getMessage());
        }
        if (e instanceof StoreUnavailableException) {
            Log.warn("kmip: database unavailable: " + e.getMessage());
            return new Failure(Reason.GENERAL_FAILURE, "the database is unavailable; retry later");
        }
        if (e instanceof keyward.store.ConflictException) {
            return new Failure(Reason.GENERAL_FAILURE, "concurrent modification; retry");
        }
        if (e instanceof keyward.crypto.CryptoInputException c) {
            return new Failure(Reason.INVALID_FIELD, c.getMessage());
        }
        Log.error("kmip: unexpected failure", e);
        return new Failure(Reason.GENERAL_FAILURE, "internal error");
    }

    private Ttlv refuseAll(int version, List<Ttlv> items, Reason reason, String message) {
        List<Ttlv> answers = new ArrayList<>();
        for (Ttlv item : items) {
            Ttlv op = item.type() == Ttlv.Type.STRUCTURE ? item.first(Tags.OPERATION).orElse(null) : null;
            Ttlv id = item.type() == Ttlv.Type.STRUCTURE ? item.first(Tags.UNIQUE_BATCH_ITEM_ID).orElse(null) : null;
            answers.add(failure(op, id, reason, message, version));
        }
        return response(version, answers);
    }

    private static Ttlv failure(Ttlv op, Ttlv batchId, Reason reason, String message, int version) {
        Reason shown = reason == Reason.WRONG_KEY_LIFECYCLE_STATE && version < 200 ? Reason.ILLEGAL_OPERATION : reason;
        List<Ttlv> fields = new ArrayList<>();
        if (op != null) {
            fields.add(op);
        }
        if (batchId != null) {
            fields.add(batchId);
        }
        fields.add(Ttlv.enumeration(Tags.RESULT_STATUS, Enums.OPERATION_FAILED));
        fields.add(Ttlv.enumeration(Tags.RESULT_REASON, shown.code));
        fields.add(Ttlv.text(Tags.RESULT_MESSAGE, message));
        return Ttlv.structure(Tags.BATCH_ITEM, fields);
    }

    private Ttlv response(int version, List<Ttlv> items) {
        List<Ttlv> header = List.of(versionItem(version),
                Ttlv.dateTime(Tags.TIME_STAMP, core.clock().now().getEpochSecond()),
                Ttlv.integer(Tags.BATCH_COUNT, items.size()));
        List<Ttlv> fields = new ArrayList<>();
        fields.add(Ttlv.structure(Tags.RESPONSE_HEADER, header));
        fields.addAll(items);
        return Ttlv.structure(Tags.RESPONSE_MESSAGE, fields);
    }

    static Ttlv versionItem(int version) {
        return Ttlv.structure(Tags.PROTOCOL_VERSION, List.of(Ttlv.integer(Tags.PROTOCOL_VERSION_MAJOR, version / 100),
                Ttlv.integer(Tags.PROTOCOL_VERSION_MINOR, version % 100)));
    }

    static int version(Ttlv v) {
        int major = v.required(Tags.PROTOCOL_VERSION_MAJOR).asInt();
        int minor = v.required(Tags.PROTOCOL_VERSION_MINOR).asInt();
        if (major < 0 || major > 99 || minor < 0 || minor > 99) {
            throw new KmipException(Reason.INVALID_MESSAGE, "protocol version " + major + "." + minor + " is not served");
        }
        return major * 100 + minor;
    }

    /** The core, for the listener's authentication of certificate CNs. */
    Core core() {
        return core;
    }
}
