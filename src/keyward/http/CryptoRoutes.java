package keyward.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import keyward.core.Core;
import keyward.core.CryptoService;
import keyward.core.KwException;
import keyward.core.Principal;
import keyward.json.Fields;

/**
 * The cryptographic operations (api.md), each in single form or as {"batch": [...]} of at most
 * 1000 items answered in order, with per-item errors and status 200.
 */
final class CryptoRoutes {
    static final int MAX_BATCH = 1000;

    private CryptoRoutes() {
    }

    /** One item of an operation: reads its fields (the caller calls finish) and returns the result. */
    @FunctionalInterface
    private interface Item {
        Map<String, Object> run(Principal p, String ref, Fields f);
    }

    static List<Route> routes(Core core) {
        CryptoService cs = core.crypto();
        return List.of(
                op("encrypt", (p, ref, f) -> {
                    byte[] pt = f.requiredBase64("plaintext");
                    byte[] aad = f.base64("aad");
                    f.finish();
                    return KeyJson.output(cs.encrypt(p, ref, pt, aad), "ciphertext");
                }),
                op("decrypt", (p, ref, f) -> {
                    String ct = f.requiredString("ciphertext");
                    byte[] aad = f.base64("aad");
                    f.finish();
                    return single("plaintext", KeyJson.b64(cs.decrypt(p, ref, ct, aad)));
                }),
                op("rewrap", (p, ref, f) -> {
                    String ct = f.requiredString("ciphertext");
                    byte[] aad = f.base64("aad");
                    f.finish();
                    return KeyJson.output(cs.rewrap(p, ref, ct, aad), "ciphertext");
                }),
                op("datakey", (p, ref, f) -> {
                    int bits = (int) f.longValue("bits", 256, 1, 4096);
                    byte[] aad = f.base64("aad");
                    boolean withPlain = f.bool("plaintext", true);
                    f.finish();
                    CryptoService.DataKey dk = cs.datakey(p, ref, bits, aad, withPlain);
                    Map<String, Object> m = new LinkedHashMap<>();
                    if (dk.plaintext() != null) {
                        m.put("plaintext", KeyJson.b64(dk.plaintext()));
                    }
                    m.put("ciphertext", dk.ciphertext());
                    m.put("version", (long) dk.version());
                    return m;
                }),
                op("sign", (p, ref, f) -> {
                    Data d = data(f);
                    String alg = f.string("algorithm");
                    f.finish();
                    return KeyJson.output(cs.sign(p, ref, d.bytes, d.prehashed, alg), "signature");
                }),
                op("verify", (p, ref, f) -> {
                    Data d = data(f);
                    String sig = f.requiredString("signature");
                    String alg = f.string("algorithm");
                    f.finish();
                    return single("valid", cs.verify(p, ref, d.bytes, d.prehashed, sig, alg));
                }),
                op("mac", (p, ref, f) -> {
                    byte[] msg = f.requiredBase64("message");
                    f.finish();
                    return KeyJson.output(cs.mac(p, ref, msg), "mac");
                }),
                op("mac-verify", (p, ref, f) -> {
                    byte[] msg = f.requiredBase64("message");
                    String mac = f.requiredString("mac");
                    f.finish();
                    return single("valid", cs.macVerify(p, ref, msg, mac));
                }),
                Route.of("POST", "/v1/random", "random", true, c -> run(c, null, (p, ref, f) -> {
                    int n = (int) f.longValue("bytes", 32, 1, 1024);
                    f.finish();
                    return single("random", KeyJson.b64(cs.random(n)));
                })),
                Route.of("GET", "/v1/keys/{ref}/public", "key.public", true, c -> {
                    Integer v = c.queryInt("version", 1, Integer.MAX_VALUE);
                    CryptoService.Output o = cs.publicKey(c.principal(), c.param(0), v);
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("public_key", o.value());
                    m.put("version", (long) o.version());
                    return Reply.ok(m);
                }),
                Route.of("POST", "/v1/keys/{ref}/export", "key.export", true, c -> {
                    Fields f = c.fields();
                    Long v = f.optionalLong("version", 1, Integer.MAX_VALUE);
                    String wrapping = f.string("wrapping_key");
                    f.finish();
                    CryptoService.Exported e = cs.export(c.principal(), c.param(0), v == null ? null : v.intValue(), wrapping);
                    return Reply.ok(single(e.wrapped() ? "wrapped_material" : "material", KeyJson.b64(e.bytes())));
                }));
    }

    private record Data(byte[] bytes, boolean prehashed) {
    }

    private static Data data(Fields f) {
        byte[] message = f.base64("message");
        byte[] digest = f.base64("digest");
        if ((message == null) == (digest == null)) {
            throw KwException.invalid("give exactly one of the fields 'message' and 'digest'");
        }
        return message != null ? new Data(message, false) : new Data(digest, true);
    }

    private static Map<String, Object> single(String field, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(field, value);
        return m;
    }

    private static Route op(String name, Item item) {
        return Route.of("POST", "/v1/keys/{ref}/" + name, name, true, c -> run(c, c.param(0), item));
    }

    private static Reply run(Call c, String ref, Item item) {
        Object json = c.json();
        if (json instanceof Map<?, ?> m && m.containsKey("batch")) {
            Fields outer = Fields.of(json);
            List<Object> items = outer.list("batch");
            outer.finish();
            if (items == null || items.size() > MAX_BATCH) {
                throw KwException.invalid("field 'batch' must be an array of at most " + MAX_BATCH + " items");
            }
            List<Object> results = new ArrayList<>(items.size());
            BatchOutcome outcome = new BatchOutcome();
            for (int i = 0; i < items.size(); i++) {
                try {
                    results.add(item.run(c.principal(), ref, Fields.of(items.get(i), "batch[" + i + "]")));
                    outcome.add(i, "ok");
                } catch (Exception e) {
                    Reply r = HttpApi.errorReply(e, "batch");
                    if (r.status() == 500 || r.status() == 503) {
                        throw e;
                    }
                    results.add(r.body());
                    outcome.add(i, HttpApi.errorCodeOf(r));
                }
            }
            c.auditOutcome = outcome.text();
            return Reply.ok(single("batch", results));
        }
        return Reply.ok(item.run(c.principal(), ref, Fields.of(json)));
    }
}
