package dev.skiff.broker.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Free TCP ports asked of the kernel. The ports of one call are distinct: every socket stays bound
 * until the last is, because a port closed at once may be handed out again by the next ask.
 */
final class FreePorts {
    private FreePorts() {}

    /** {@code count} distinct free ports on {@code host}. */
    static int[] on(String host, int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket s = new ServerSocket();
                held.add(s);
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on " + host, e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // Only the port number was wanted.
                }
            }
        }
    }

    /** The {@code listeners} value of one node on 127.0.0.1: a client and a controller port. */
    static String listeners() {
        int[] p = on("127.0.0.1", 2);
        return "PLAINTEXT://127.0.0.1:" + p[0] + ",CONTROLLER://127.0.0.1:" + p[1];
    }
}
