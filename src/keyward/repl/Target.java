package keyward.repl;

import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import keyward.config.Config;

/**
 * A supplier this node pulls from: its address, its pinned certificate and whether this node
 * may replace its own data from it by itself ({@code automatic_refresh}).
 */
record Target(String url, String host, int port, byte[] certDer, boolean automaticRefresh) {

    static Target of(Config.Partner p) {
        String cert = p.type().equals("pull") ? p.supplierCert() : p.partnerCert();
        String hostPort = p.url().substring("repl://".length());
        int colon = hostPort.lastIndexOf(':');
        return new Target(p.url(), hostPort.substring(0, colon).replace("[", "").replace("]", ""),
                Integer.parseInt(hostPort.substring(colon + 1)), Base64.getDecoder().decode(cert), p.automaticRefresh());
    }

    /** True for partners this node pulls from. */
    static boolean pullsFrom(Config.Partner p) {
        return p.type().equals("mutual-pull") || p.type().equals("pull");
    }

    /** The pinned certificate of a partner allowed to pull from this node, or null. */
    static String consumerCert(Config.Partner p) {
        return switch (p.type()) {
            case "mutual-pull" -> p.partnerCert();
            case "allow-pull" -> p.consumerCert();
            default -> null;
        };
    }

    String pin() {
        return Identity.pin(certDer);
    }

    SSLContext tls(java.util.function.Supplier<Identity> identity) {
        X509Certificate cert = Identity.parse(certDer);
        return PinnedTls.context(identity, Set.of(pin()), List.of(cert));
    }
}
