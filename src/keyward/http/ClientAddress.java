package keyward.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import keyward.config.AddressRange;

/**
 * Who the client is, for the failure backoff, the audit log and the request log. The TCP peer,
 * unless the peer is a trusted proxy: then the right-most {@code X-Forwarded-For} entry that is
 * not itself a trusted proxy. Entries left of that one were written by the client (or by proxies
 * we do not know) and are never believed. With no trusted proxies the header is ignored, so a
 * forged one changes nothing. Immutable and thread-safe.
 */
final class ClientAddress {
    /** Entries examined at most, from the right: more hops than this is not a real deployment. */
    private static final int MAX_HOPS = 16;

    private final List<AddressRange> trusted;

    ClientAddress(List<String> trustedProxies) {
        this.trusted = trustedProxies.stream().map(AddressRange::parse).toList();
    }

    /**
     * The client's address as text, or null if the peer is unknown.
     *
     * @param peer         the TCP peer
     * @param forwardedFor every X-Forwarded-For header value in arrival order, or null
     */
    String of(InetSocketAddress peer, List<String> forwardedFor) {
        InetAddress a = peer == null ? null : peer.getAddress();
        if (a == null) {
            return null;
        }
        String client = a.getHostAddress();
        if (trusted.isEmpty() || !isTrusted(a.getAddress()) || forwardedFor == null) {
            return client;
        }
        int hops = 0;
        for (int h = forwardedFor.size() - 1; h >= 0; h--) {
            String[] entries = forwardedFor.get(h).split(",", -1);
            for (int i = entries.length - 1; i >= 0; i--) {
                byte[] hop = AddressRange.literal(entries[i].trim());
                if (hop == null || ++hops > MAX_HOPS) {
                    return client; // garbage or an absurd chain: the last proxy we believe is the client
                }
                client = canonical(hop);
                if (!isTrusted(hop)) {
                    return client;
                }
            }
        }
        return client;
    }

    private boolean isTrusted(byte[] address) {
        for (AddressRange r : trusted) {
            if (r.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static String canonical(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("an address of 4 or 16 bytes", e);
        }
    }
}
