package dev.ect.servlet.internal;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Adds the response ECT before the response is committed (T-08). The container must not see a
 * single body byte before the header is set, so this wrapper keeps the body in a buffer of its
 * own, of the response's buffer size, until one of:
 *
 * <ul>
 *   <li>a write that would overflow the buffer, {@code flush()} or {@code close()} of the stream
 *       or writer, {@link #flushBuffer()}: mint, hand the buffered body on, pass through from then on;
 *   <li>{@link #sendError}, {@link #sendRedirect}: mint, drop the buffer (the container does too);
 *   <li>the end of the filter chain ({@link #finish()}): mint, hand the buffered body on.
 * </ul>
 *
 * Once the request goes asynchronous or is forwarded ({@link #stopBuffering()}) nothing is buffered any more: the
 * first write mints and passes through, so no byte can be stranded in this wrapper when the
 * application completes the async cycle on the container's own {@code AsyncContext}.
 */
public final class ResponseEctWrapper extends HttpServletResponseWrapper {
    private final ResponseEctMinter minter;
    private final Object lock = new Object();
    private volatile boolean passThrough;
    private BufferedStream stream;
    private BufferedWriter writerImpl;
    private PrintWriter writer;

    public ResponseEctWrapper(HttpServletResponse response, ResponseEctMinter minter, boolean async) {
        super(response);
        this.minter = minter;
        this.passThrough = async;
    }

    /** The wrapper of this kind inside a chain of response wrappers, or null. */
    public static ResponseEctWrapper find(ServletResponse response) {
        ServletResponse r = response;
        while (r != null) {
            if (r instanceof ResponseEctWrapper w) {
                return w;
            }
            r = r instanceof ServletResponseWrapper sw ? sw.getResponse() : null;
        }
        return null;
    }

    private HttpServletResponse target() { return (HttpServletResponse) getResponse(); }

    private int limit() {
        int n = target().getBufferSize();
        return n > 0 ? n : 8192;
    }

    /** Mints now (if not yet) and hands any buffered body on to the container. */
    public void commitNow() throws IOException {
        synchronized (lock) {
            minter.mint(target());
            passThrough = true;
            if (stream != null) {
                stream.drain();
            }
            if (writerImpl != null) {
                writerImpl.drain();
            }
        }
    }

    /** The end of the filter chain (or of the async cycle): mint if nothing committed, hand the body on. */
    public void finish() throws IOException { commitNow(); }


    /**
     * Stop buffering: the request went asynchronous (see the class comment), or is being
     * forwarded (a container may complete the response of a forward on its own, past this wrapper).
     * Anything buffered so far is handed on now; later writes mint first and pass through.
     */
    public void stopBuffering() throws IOException {
        synchronized (lock) {
            if (hasBuffered()) {
                commitNow();
            }
            passThrough = true;
        }
    }

    private boolean hasBuffered() {
        return (stream != null && stream.buffered() > 0) || (writerImpl != null && writerImpl.buffered() > 0);
    }

    private void discardBuffers() {
        synchronized (lock) {
            if (stream != null) {
                stream.discard();
            }
            if (writerImpl != null) {
                writerImpl.discard();
            }
        }
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        synchronized (lock) {
            if (stream == null) {
                stream = new BufferedStream(super.getOutputStream());
            }
            return stream;
        }
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        synchronized (lock) {
            if (writer == null) {
                writerImpl = new BufferedWriter(super.getWriter());
                writer = new PrintWriter(writerImpl, false);
            }
            return writer;
        }
    }

    @Override
    public void flushBuffer() throws IOException {
        commitNow();
        if (writer != null) {
            writer.flush();
        }
        super.flushBuffer();
    }

    @Override
    public void resetBuffer() {
        discardBuffers();
        super.resetBuffer();
    }

    @Override
    public void reset() {
        discardBuffers();
        super.reset();
        minter.reapply(target());
    }

    @Override
    public void setBufferSize(int size) {
        if (hasBuffered()) {
            throw new IllegalStateException("setBufferSize after content was written");
        }
        super.setBufferSize(size);
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        discardBuffers();
        minter.mint(target());
        passThrough = true;
        super.sendError(sc, msg);
    }

    @Override
    public void sendError(int sc) throws IOException {
        discardBuffers();
        minter.mint(target());
        passThrough = true;
        super.sendError(sc);
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        discardBuffers();
        minter.mint(target());
        passThrough = true;
        super.sendRedirect(location);
    }

    // Servlet 6.1 adds sendRedirect overloads (default methods delegating through the wrapper).
    // This class compiles against 6.0, so they are declared without @Override; on a 6.1 container
    // they override the wrapper's and mint before delegating.

    /** Servlet 6.1: mints, then delegates. */
    public void sendRedirect(String location, boolean clearBuffer) throws IOException {
        redirect61(location, new Class<?>[] {String.class, boolean.class}, location, clearBuffer);
    }

    /** Servlet 6.1: mints, then delegates. */
    public void sendRedirect(String location, int sc) throws IOException {
        redirect61(location, new Class<?>[] {String.class, int.class}, location, sc);
    }

    /** Servlet 6.1: mints, then delegates. */
    public void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
        redirect61(location, new Class<?>[] {String.class, int.class, boolean.class}, location, sc, clearBuffer);
    }

    private void redirect61(String location, Class<?>[] types, Object... args) throws IOException {
        discardBuffers();
        minter.mint(target());
        passThrough = true;
        Method m;
        try {
            m = HttpServletResponse.class.getMethod("sendRedirect", types);
        } catch (NoSuchMethodException e) {
            target().sendRedirect(location); // a 6.0 container never calls these
            return;
        }
        try {
            m.invoke(target(), args);
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            if (t instanceof IOException io) {
                throw io;
            }
            if (t instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(t);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The body bytes before the mint, then a pass-through. */
    private final class BufferedStream extends ServletOutputStream {
        private final ServletOutputStream out;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        BufferedStream(ServletOutputStream out) { this.out = out; }

        int buffered() { return buf.size(); }

        void discard() { buf.reset(); }

        void drain() throws IOException {
            if (buf.size() > 0) {
                buf.writeTo(out);
                buf.reset();
            }
        }

        @Override
        public void write(int b) throws IOException {
            synchronized (lock) {
                if (!passThrough) {
                    if (buf.size() + 1 <= limit()) {
                        buf.write(b);
                        return;
                    }
                    commitNow();
                } else if (!minter.isDone()) {
                    minter.mint(target());
                }
            }
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            synchronized (lock) {
                if (!passThrough) {
                    if (buf.size() + len <= limit()) {
                        buf.write(b, off, len);
                        return;
                    }
                    commitNow();
                } else if (!minter.isDone()) {
                    minter.mint(target());
                }
            }
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            commitNow();
            out.flush();
        }

        @Override
        public void close() throws IOException {
            commitNow();
            out.close();
        }

        @Override
        public boolean isReady() { return out.isReady(); }

        @Override
        public void setWriteListener(WriteListener listener) {
            try {
                commitNow(); // non-blocking output: no buffering of our own from here on
            } catch (IOException e) {
                listener.onError(e);
                return;
            }
            out.setWriteListener(listener);
        }
    }

    /** The body characters before the mint, then a pass-through to the container's writer. */
    private final class BufferedWriter extends Writer {
        private final PrintWriter out;
        private final StringBuilder buf = new StringBuilder();

        BufferedWriter(PrintWriter out) { this.out = out; }

        int buffered() { return buf.length(); }

        void discard() { buf.setLength(0); }

        void drain() {
            if (buf.length() > 0) {
                out.append(buf);
                buf.setLength(0);
            }
        }

        @Override
        public void write(char[] c, int off, int len) throws IOException {
            synchronized (lock) {
                if (!passThrough) {
                    if (buf.length() + len <= limit()) {
                        buf.append(c, off, len);
                        return;
                    }
                    commitNow();
                } else if (!minter.isDone()) {
                    minter.mint(target());
                }
            }
            out.write(c, off, len);
        }

        @Override
        public void write(String s, int off, int len) throws IOException {
            synchronized (lock) {
                if (!passThrough) {
                    if (buf.length() + len <= limit()) {
                        buf.append(s, off, off + len);
                        return;
                    }
                    commitNow();
                } else if (!minter.isDone()) {
                    minter.mint(target());
                }
            }
            out.write(s, off, len);
        }

        @Override
        public void flush() throws IOException {
            commitNow();
            out.flush();
        }

        @Override
        public void close() throws IOException {
            commitNow();
            out.close();
        }
    }
}
