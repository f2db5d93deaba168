package dev.ect.mcp.internal;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * A request whose body was read once (to classify the MCP message and hash it) and is replayed to
 * the SDK, carrying what its ECT must say about it ({@link RequestBinding}; null when not bound).
 */
public final class CachedBodyRequest extends HttpServletRequestWrapper {
    private final byte[] body;
    private final RequestBinding binding;

    public CachedBodyRequest(HttpServletRequest request, byte[] body, RequestBinding binding) {
        super(request);
        this.body = body;
        this.binding = binding;
    }

    public byte[] body() { return body; }

    /** What the ECT of this request must say about it, or null when the request is not bound. */
    public RequestBinding binding() { return binding; }

    @Override
    public ServletInputStream getInputStream() {
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        return new ServletInputStream() {
            @Override public boolean isFinished() { return in.available() == 0; }
            @Override public boolean isReady() { return true; }
            @Override public void setReadListener(ReadListener l) { throw new IllegalStateException("blocking only"); }
            @Override public int read() { return in.read(); }
            @Override public int read(byte[] b, int off, int len) { return in.read(b, off, len); }
        };
    }

    @Override
    public BufferedReader getReader() {
        String enc = getCharacterEncoding();
        Charset cs = enc == null ? StandardCharsets.UTF_8 : Charset.forName(enc);
        return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), cs));
    }

    @Override
    public int getContentLength() { return body.length; }

    @Override
    public long getContentLengthLong() { return body.length; }
}
