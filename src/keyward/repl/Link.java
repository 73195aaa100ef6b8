package keyward.repl;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** One consumer connection to a supplier: TLS 1.3 to the pinned certificate, then request/answer frames. Not thread-safe. */
final class Link implements AutoCloseable {

    private final SSLSocket socket;

    private Link(SSLSocket socket) {
        this.socket = socket;
    }

    static Link open(Target t, SSLContext tls, int timeoutMs) throws IOException {
        Socket raw = new Socket();
        try {
            raw.connect(new InetSocketAddress(t.host(), t.port()), timeoutMs);
            raw.setSoTimeout(timeoutMs);
            SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(raw, t.host(), t.port(), true);
            SSLParameters p = s.getSSLParameters();
            p.setProtocols(new String[] {PinnedTls.PROTOCOL});
            p.setServerNames(List.of(PinnedTls.sniFor(t.pin())));
            p.setEndpointIdentificationAlgorithm(null); // pinned certificates, not host names
            s.setSSLParameters(p);
            s.startHandshake();
            return new Link(s);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    Map<String, Object> call(Map<String, Object> request) throws IOException {
        Frames.write(socket.getOutputStream(), request);
        Map<String, Object> answer = Frames.read(socket.getInputStream());
        if (answer == null) {
            throw new IOException("supplier closed the connection");
        }
        return answer;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
