package keyward.http.wire;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** Turns an accepted socket into a server-side TLS socket as the {@link HttpsConfigurator} says. */
final class TlsPolicy {
    private final HttpsConfigurator configurator;

    TlsPolicy(HttpsConfigurator configurator) {
        this.configurator = configurator;
    }

    /** The TLS socket over {@code raw}; the handshake is the caller's (under its deadline). */
    SSLSocket wrap(Socket raw) throws IOException {
        SSLContext ctx = configurator.getSSLContext();
        InetSocketAddress client = (InetSocketAddress) raw.getRemoteSocketAddress();
        SSLSocket ssl = (SSLSocket) ctx.getSocketFactory().createSocket(raw, client.getHostString(), client.getPort(), true);
        ssl.setUseClientMode(false);
        Params params = new Params(client);
        configurator.configure(params);
        ssl.setSSLParameters(params.result(ctx));
        return ssl;
    }

    /** What {@link HttpsConfigurator#configure} sets: SSLParameters, or (deprecated) the single settings. */
    private final class Params extends HttpsParameters {
        private final InetSocketAddress client;
        private SSLParameters ssl;

        Params(InetSocketAddress client) {
            this.client = client;
        }

        @Override
        public HttpsConfigurator getHttpsConfigurator() {
            return configurator;
        }

        @Override
        public InetSocketAddress getClientAddress() {
            return client;
        }

        @Override
        public void setSSLParameters(SSLParameters params) {
            this.ssl = params;
        }

        @SuppressWarnings("deprecation")
        SSLParameters result(SSLContext ctx) {
            if (ssl != null) {
                return ssl;
            }
            SSLParameters p = ctx.getDefaultSSLParameters();
            if (getProtocols() != null) {
                p.setProtocols(getProtocols());
            }
            if (getCipherSuites() != null) {
                p.setCipherSuites(getCipherSuites());
            }
            if (getNeedClientAuth()) {
                p.setNeedClientAuth(true);
            } else if (getWantClientAuth()) {
                p.setWantClientAuth(true);
            }
            return p;
        }
    }
}
