package keyward.http;

import java.util.List;
import keyward.kmip.JsonTtlv;
import keyward.kmip.Kmip;
import keyward.kmip.KmipException;
import keyward.kmip.Ttlv;
import keyward.kmip.TtlvCodec;

/**
 * KMIP in the JSON form of TTLV on the API port ({@code POST /kmip/2_1}, and {@code POST /kmip}
 * for 1.x messages), with the API's own authentication. The answer is always 200 with a KMIP
 * Response Message: failures are KMIP result reasons inside it, and each batch item writes its
 * own audit entry (docs/kmip.md).
 */
public final class KmipRoutes {
    private KmipRoutes() {
    }

    public static List<Route> routes(Kmip kmip, int maxBodyBytes) {
        TtlvCodec.Limits limits = TtlvCodec.Limits.forBytes(maxBodyBytes);
        Route.Handler handler = c -> {
            Object json = c.json();
            Ttlv answer;
            try {
                answer = kmip.handle(c.principal(), JsonTtlv.fromJson(json, limits), c.remote());
            } catch (KmipException e) {
                answer = kmip.malformed(e);
            }
            c.auditedByRoute = true;
            return Reply.ok(JsonTtlv.toJson(answer));
        };
        return List.of(Route.of("POST", "/kmip/2_1", "kmip", true, handler),
                Route.of("POST", "/kmip", "kmip", true, handler));
    }
}
