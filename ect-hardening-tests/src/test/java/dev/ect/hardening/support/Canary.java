package dev.ect.hardening.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP listener on 127.0.0.1 that only counts connections. Tokens point {@code jku}, {@code x5u}
 * (and friends) at it; the tests then assert that nobody ever connected: the verifier must not
 * fetch keys from where a token says (H-06).
 */
public final class Canary implements AutoCloseable {
    private final ServerSocket socket;
    private final AtomicInteger connections = new AtomicInteger();
    private final Thread acceptor;

    public Canary() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    connections.incrementAndGet();
                    s.close();
                } catch (IOException e) {
                    return;
                }
            }
        }, "canary-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** An http URL on the canary. */
    public String url(String path) { return "http://127.0.0.1:" + socket.getLocalPort() + path; }

    /** Connections accepted so far. */
    public int connections() { return connections.get(); }

    @Override
    public void close() throws IOException { socket.close(); }
}
