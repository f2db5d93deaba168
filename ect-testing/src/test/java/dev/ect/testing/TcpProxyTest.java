package dev.ect.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy in front of a real line-echo server on loopback. */
class TcpProxyTest {
    ServerSocket echo;
    TcpProxy proxy;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread h = new Thread(() -> {
                        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                                PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
                            for (String line; (line = in.readLine()) != null; ) {
                                out.println("echo " + line);
                            }
                        } catch (IOException ignored) {
                            // client gone
                        }
                    });
                    h.setDaemon(true);
                    h.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        proxy = new TcpProxy(echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    /** Sends one line through the proxy and returns the answer, or null when the connection closed. */
    private String roundTrip(String line) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }

    @Test
    void forwardsCountsAndComesBackOnTheSamePort() throws IOException {
        proxy.count("SELECT");
        assertEquals("echo SELECT 1", roundTrip("SELECT 1"));
        assertEquals(1, proxy.seen("SELECT"));
        int port = proxy.port();
        proxy.stop();
        // while stopped the target is out of reach: the connection is refused (or, should the kernel
        // ever pair the client with itself on loopback, it reads no answer from the target)
        String whileStopped;
        try {
            whileStopped = roundTrip("x");
        } catch (IOException refused) {
            whileStopped = null;
        }
        assertNotEquals("echo x", whileStopped, "the target answered while the proxy was stopped");
        proxy.start();
        assertEquals(port, proxy.port());
        assertEquals("echo back", roundTrip("back"));
        assertTrue(proxy.jdbcUrl("test", "a=b").endsWith(":" + port + "/test?a=b"));
    }

    @Test
    void cutsOnceWhenAMarkerIsSentAndSwallowsAReply() throws IOException {
        proxy.cutOnceWhenClientSends("DROP");
        assertEquals(null, roundTrip("DROP it"), "the connection was cut, no answer");
        assertTrue(proxy.cutDone());
        assertEquals("echo DROP again", roundTrip("DROP again"), "one-shot");
        proxy.dropNextReply();
        assertEquals(null, roundTrip("lost"), "the server answered, the client never heard");
        assertEquals("echo fine", roundTrip("fine"));
    }

    @Test
    void hangsWhenAsked() throws IOException {
        proxy.hang(true);
        assertThrows(SocketTimeoutException.class, () -> roundTrip("anyone?"));
        proxy.hang(false);
        assertEquals("echo yes", roundTrip("yes"));
    }
}
