package dev.ect.mcp.internal;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * Holds back the commit of a tool call's SSE response until its first event with data.
 *
 * <p>The SDK's servlet transport commits the {@code text/event-stream} response
 * ({@code flushBuffer()}) before the tool handler runs, which would send the headers, and with them
 * the response ECT of the servlet filter (T-08), before there is a result to hash. This wrapper
 * ignores that {@code flushBuffer()} and buffers the writer until the first flush after an event
 * that carries data (the result, or an earlier notification of the handler): then the filter mints
 * its response ECT, with the {@code out_hash} the tool decorator set, and everything passes through.
 * {@link #release()} at the end of the request hands on whatever is still held.
 */
public final class DeferredCommitResponse extends HttpServletResponseWrapper {
    private final Object lock = new Object();
    private final StringBuilder held = new StringBuilder();
    private boolean holding = true;
    private boolean flushRequested;
    private PrintWriter writer;

    public DeferredCommitResponse(HttpServletResponse response) { super(response); }

    @Override
    public void flushBuffer() throws IOException {
        synchronized (lock) {
            if (holding) {
                flushRequested = true;
                return;
            }
        }
        super.flushBuffer();
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        synchronized (lock) {
            if (writer == null) {
                writer = new PrintWriter(new HoldingWriter(), false);
            }
            return writer;
        }
    }

    @Override
    public jakarta.servlet.ServletOutputStream getOutputStream() throws IOException {
        release(); // not the SDK's path: never hold bytes of a stream we do not parse
        return super.getOutputStream();
    }

    /** Hands on everything held and stops holding; idempotent. */
    public void release() throws IOException {
        String text;
        boolean flush;
        synchronized (lock) {
            if (!holding) {
                return;
            }
            holding = false;
            text = held.toString();
            held.setLength(0);
            flush = flushRequested || !text.isEmpty();
        }
        PrintWriter real = super.getWriter();
        if (!text.isEmpty()) {
            real.write(text);
        }
        if (flush) {
            real.flush();
        }
    }

    private boolean completeDataEvent() {
        // an SSE event ends with a blank line; the stream primer of SEP-1699 has an empty data field
        int end = held.indexOf("\n\n");
        while (end >= 0) {
            int data = held.lastIndexOf("data:", end);
            if (data >= 0) {
                String payload = held.substring(data + 5, held.indexOf("\n", data)).trim();
                if (!payload.isEmpty()) {
                    return true;
                }
            }
            end = held.indexOf("\n\n", end + 2);
        }
        return false;
    }

    private final class HoldingWriter extends Writer {
        @Override
        public void write(char[] cbuf, int off, int len) throws IOException {
            synchronized (lock) {
                if (holding) {
                    held.append(cbuf, off, len);
                    return;
                }
            }
            DeferredCommitResponse.super.getWriter().write(cbuf, off, len);
        }

        @Override
        public void flush() throws IOException {
            boolean release;
            synchronized (lock) {
                release = holding && completeDataEvent();
                if (holding && !release) {
                    return;
                }
            }
            if (release) {
                release();
            } else {
                DeferredCommitResponse.super.getWriter().flush();
            }
        }

        @Override
        public void close() throws IOException {
            release();
            DeferredCommitResponse.super.getWriter().close();
        }
    }
}
