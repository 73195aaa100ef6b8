package keyward.vault;

import java.util.List;
import java.util.Map;
import keyward.core.KwException;
import keyward.core.Principal;

/**
 * One request to a Vault-compatible route, as the HTTP layer hands it over.
 *
 * @param method    the HTTP method; {@code GET ?list=true} arrives as {@code LIST}
 * @param path      the URL-decoded segments after {@code /v1/} (at least one)
 * @param query     query parameters (decoded), each with its values in order
 * @param body      the parsed JSON body, or null when there was none
 * @param principal the authenticated caller, or null for routes that need no token
 */
public record VaultRequest(String method, List<String> path, Map<String, List<String>> query, Object body,
                           Principal principal) {

    public VaultRequest {
        path = List.copyOf(path);
        query = Map.copyOf(query);
    }

    String segment(int i) {
        return path.get(i);
    }

    /** The one value of a query parameter, or null; a repeated one is a 400. */
    String query(String name) {
        List<String> v = query.get(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (v.size() > 1) {
            throw KwException.invalid("query parameter '" + name + "' given more than once");
        }
        return v.get(0);
    }

    /** The path from segment {@code from} on, joined with '/'. */
    String rest(int from) {
        return String.join("/", path.subList(Math.min(from, path.size()), path.size()));
    }
}
