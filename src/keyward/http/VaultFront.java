package keyward.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import keyward.core.ErrorCode;
import keyward.core.KwException;
import keyward.core.Principal;
import keyward.json.Json;
import keyward.vault.VaultApi;
import keyward.vault.VaultErrors;
import keyward.vault.VaultReply;
import keyward.vault.VaultRequest;

/**
 * Hands requests under /v1/ that Keyward's own routes do not know to the {@link VaultApi}:
 * reads the body (bounded, any content type, as Vault clients send it), turns {@code GET
 * ?list=true} into {@code LIST}, authenticates {@code X-Vault-Token} (or a bearer token) and maps
 * every failure to Vault's error shape.
 */
final class VaultFront {
    /** The answer and what the dispatcher records about it. */
    record Result(Reply reply, String operation, String user, String keyRef, boolean audited) {
    }

    private final VaultApi api;
    private final Authenticator authenticator;
    private final int maxBodyBytes;
    private final Json.Limits limits;

    VaultFront(VaultApi api, Authenticator authenticator, int maxBodyBytes, Json.Limits limits) {
        this.api = api;
        this.authenticator = authenticator;
        this.maxBodyBytes = maxBodyBytes;
        this.limits = limits;
    }

    /** True when the path (all segments, "v1" first) is one for the Vault API. */
    boolean wants(String[] path) {
        return path != null && path.length >= 2 && path[0].equals("v1")
                && api.serves(Arrays.asList(path).subList(1, path.length));
    }

    /** The answer; an IOException is the client's connection failing while its body was read. */
    Result handle(HttpExchange ex, String[] path, String rid, String remote) throws IOException {
        List<String> segments = List.of(Arrays.copyOfRange(path, 1, path.length));
        boolean audited = VaultApi.needsToken(segments);
        String user = "-";
        String operation = "vault";
        byte[] body;
        try {
            body = readBody(ex);
        } catch (KwException e) {
            VaultReply r = VaultErrors.reply(e, rid, operation);
            return new Result(new Reply(r.status(), r.body(), null), operation, user, null, audited);
        }
        try {
            Map<String, List<String>> query = query(ex.getRequestURI());
            String method = ex.getRequestMethod();
            List<String> list = query.remove("list");
            if (list != null && method.equals("GET") && list.contains("true")) {
                method = "LIST";
            }
            Principal p = null;
            if (audited) {
                p = authenticator.authenticateVault(ex, remote);
                user = p.user();
            }
            Object json = body.length == 0 ? null : Json.parse(body, limits);
            VaultReply r = api.handle(new VaultRequest(method, segments, query, json, p));
            return new Result(new Reply(r.status(), r.body(), null), r.operation(), user, r.keyRef(), audited);
        } catch (Exception | StackOverflowError e) {
            VaultReply r = VaultErrors.reply(e, rid, operation);
            return new Result(new Reply(r.status(), r.body(), null), operation, user, null, audited);
        }
    }

    private byte[] readBody(HttpExchange ex) throws IOException {
        return HttpApi.readLimitedBody(ex, maxBodyBytes);
    }

    private static Map<String, List<String>> query(URI uri) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        if (raw.length() > 8192) {
            throw KwException.invalid("query string is too long");
        }
        for (String part : raw.split("&")) {
            if (!part.isEmpty()) {
                int eq = part.indexOf('=');
                String k = Call.decode(eq < 0 ? part : part.substring(0, eq), true);
                String v = eq < 0 ? "" : Call.decode(part.substring(eq + 1), true);
                out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
        }
        return out;
    }
}
