package dev.ect.hardening.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client over a plain socket that sends exactly the bytes it is given, so it can send
 * what real HTTP clients refuse to (NUL bytes, obs-fold, raw non-ASCII, 1 MB header values, a
 * header name in any case, a header repeated). One request per connection ({@code Connection: close});
 * a response that does not arrive within the read timeout is reported as a hang.
 */
public final class RawHttp {
    private RawHttp() {}

    /** A parsed response. {@code status} is -1 when the server closed without a status line. */
    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) { return headers.get(name.toLowerCase(Locale.ROOT)); }
    }

    /** Thrown when the server does not answer in time: the hardening tests treat it as a hang. */
    public static final class HangException extends IOException {
        private static final long serialVersionUID = 1L;

        HangException(String msg, Throwable cause) { super(msg, cause); }
    }

    /** Builds the bytes of one request. */
    public static final class Request {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private boolean ended;

        private Request(String method, String target) {
            ascii(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        }

        /** A header line {@code name: value}, both written as ISO-8859-1 bytes, unchecked. */
        public Request header(String name, String value) { return line(name + ": " + value); }

        /** A header line {@code name: value} whose value is written as UTF-8 bytes. */
        public Request headerUtf8(String name, String value) {
            ascii(name + ": ");
            bytes(value.getBytes(StandardCharsets.UTF_8));
            return ascii("\r\n");
        }

        /** A raw line, CRLF appended. */
        public Request line(String text) { return ascii(text + "\r\n"); }

        /** Raw bytes, nothing appended. */
        public Request bytes(byte[] b) {
            out.write(b, 0, b.length);
            return this;
        }

        /** Text written as ISO-8859-1 (one byte per char), nothing appended. */
        public Request ascii(String text) { return bytes(text.getBytes(StandardCharsets.ISO_8859_1)); }

        public byte[] build() {
            if (!ended) {
                ascii("\r\n");
                ended = true;
            }
            return out.toByteArray();
        }
    }

    public static Request get(String target) { return new Request("GET", target); }

    public static Request request(String method, String target) { return new Request(method, target); }

    /** Sends the request and reads the whole response (until the server closes). */
    public static Response send(int port, byte[] request, int timeoutMillis) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            OutputStream o = s.getOutputStream();
            try {
                o.write(request);
                o.flush();
                s.shutdownOutput();
            } catch (IOException e) {
                // the server may answer (431, 400) and close before it has read everything we send
            }
            byte[] raw;
            try {
                raw = readAll(s.getInputStream());
            } catch (SocketTimeoutException e) {
                throw new HangException("no complete response within " + timeoutMillis + " ms", e);
            }
            return parse(raw);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                b.write(buf, 0, n);
            }
        } catch (java.net.SocketException reset) {
            // a reset after the response (the server closed with unread request bytes): keep what came
            if (b.size() == 0) {
                throw reset;
            }
        }
        return b.toByteArray();
    }

    static Response parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.") || headEnd < 0) {
            return new Response(-1, Map.of(), text);
        }
        String[] lines = text.substring(0, headEnd).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            if (c > 0) {
                headers.merge(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim(),
                        (a, b) -> a + ", " + b);
            }
        }
        String body = text.substring(headEnd + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Response(status, headers, new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }

    private static String dechunk(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            int eol = s.indexOf("\r\n", i);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(s.substring(i, eol).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(s, eol + 2, Math.min(s.length(), eol + 2 + size));
            i = eol + 2 + size + 2;
        }
        return out.toString();
    }

    /** Splits a list of header values like the server would see them (for assertions). */
    public static List<String> values(String joined) {
        List<String> l = new ArrayList<>();
        for (String v : joined.split(",")) {
            l.add(v.trim());
        }
        return l;
    }
}
