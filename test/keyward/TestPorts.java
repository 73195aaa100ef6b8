package keyward;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for servers that bind a while later (a node's replication listener named in
 * its partners' configuration, a database a script starts): taken below the kernel's ephemeral
 * range (32768 and up here), where an outgoing connection of another test could take the port
 * between this check and the server's bind. A port the system handed out for port 0 is in that
 * range, so it can be taken that way: a CI run once failed on it.
 */
public final class TestPorts {
    private TestPorts() {
    }

    /** {@code n} distinct free ports, each bound once and released. */
    public static int[] free(int n) {
        int[] ports = new int[n];
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; ) {
                int candidate = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
                try {
                    held.add(new ServerSocket(candidate, 1, InetAddress.getLoopbackAddress()));
                    ports[i++] = candidate;
                } catch (IOException taken) {
                    // in use: try another
                }
            }
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // released either way
                }
            }
        }
        return ports;
    }

    /** One free port, as {@link #free(int)}. */
    public static int free() {
        return free(1)[0];
    }
}
