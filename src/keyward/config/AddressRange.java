package keyward.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IP address or CIDR range, as {@code trusted_proxies} lists them ("10.0.0.5", "10.1.0.0/16",
 * "fd00::/8"). Only literals are accepted, so parsing never asks DNS. An IPv4 range never matches
 * an IPv6 address and the other way round; an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is read
 * as the IPv4 address it maps. Immutable.
 */
public final class AddressRange {
    private final byte[] network;
    private final int prefix;

    private AddressRange(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /**
     * @throws IllegalArgumentException naming the entry and what is allowed, when it is not an IP
     *                                  literal with an optional /prefix in range
     */
    public static AddressRange parse(String text) {
        int slash = text.indexOf('/');
        String host = slash < 0 ? text : text.substring(0, slash);
        byte[] address = literal(host);
        if (address == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR range"
                    + " (e.g. 10.0.0.5, 10.1.0.0/16, fd00::/8); host names are not allowed");
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            prefix = p.matches("[0-9]{1,3}") ? Integer.parseInt(p) : -1;
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0.." + bits);
            }
        }
        return new AddressRange(address, prefix);
    }

    /** The bytes of an IP literal (4 or 16), or null if {@code host} is not one; never asks DNS. */
    public static byte[] literal(String host) {
        if (host == null || host.isEmpty() || host.length() > 45) {
            return null;
        }
        boolean v6 = host.indexOf(':') >= 0;
        boolean ok = v6 ? host.matches("[0-9A-Fa-f:.]+") : host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
        if (!ok) {
            return null;
        }
        try {
            return InetAddress.getByName(host).getAddress(); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Whether {@code address} (4 or 16 bytes) lies in this range. */
    public boolean contains(byte[] address) {
        if (address == null || address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (address[full] & mask) == (network[full] & mask);
    }
}
