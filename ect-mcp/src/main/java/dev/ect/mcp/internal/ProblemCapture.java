package dev.ect.mcp.internal;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Around the ECT filter: once the filter sets {@code application/problem+json} (it refused the
 * request, T-05), the body goes into a buffer instead of the client, so the MCP filter can answer
 * with a JSON-RPC error of the same status instead.
 */
public final class ProblemCapture extends HttpServletResponseWrapper {
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private volatile boolean capturing;
    private int status = 200;

    public ProblemCapture(HttpServletResponse response) { super(response); }

    public boolean captured() { return capturing; }

    public byte[] body() { return captured.toByteArray(); }

    public int capturedStatus() { return status; }

    @Override
    public void setStatus(int sc) {
        status = sc;
        super.setStatus(sc);
    }

    @Override
    public void setContentType(String type) {
        if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/problem+json")) {
            capturing = true;
            return;
        }
        super.setContentType(type);
    }

    @Override
    public void setContentLength(int len) {
        if (!capturing) {
            super.setContentLength(len);
        }
    }

    @Override
    public void setContentLengthLong(long len) {
        if (!capturing) {
            super.setContentLengthLong(len);
        }
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (!capturing) {
            return super.getOutputStream();
        }
        return new ServletOutputStream() {
            @Override public boolean isReady() { return true; }
            @Override public void setWriteListener(WriteListener l) {}
            @Override public void write(int b) { captured.write(b); }
            @Override public void write(byte[] b, int off, int len) { captured.write(b, off, len); }
        };
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (!capturing) {
            return super.getWriter();
        }
        return new PrintWriter(new OutputStreamWriter(captured, StandardCharsets.UTF_8), true);
    }
}
