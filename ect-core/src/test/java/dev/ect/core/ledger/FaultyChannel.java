package dev.ect.core.ledger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A real file channel whose writes, forces and truncations can be made to fail, for FileLedger tests. */
final class FaultyChannel extends FileChannel {
    final FileChannel d;
    /** The next positional write writes half its bytes, then throws. */
    volatile boolean failNextWriteHalfway;
    /** Every force throws. */
    volatile boolean failForce;
    /** Every truncate throws. */
    volatile boolean failTruncate;
    /** Writes and truncations throw what a channel opened read-only throws. */
    volatile boolean readOnly;
    /** When set, the next positional write throws it. */
    volatile Error errorOnWrite;
    /** When set, force waits (at most 30 s) until it is counted down. */
    volatile CountDownLatch forceGate;
    final AtomicInteger forcesStarted = new AtomicInteger();

    FaultyChannel(FileChannel d) { this.d = d; }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        if (readOnly) {
            throw new java.nio.channels.NonWritableChannelException();
        }
        Error err = errorOnWrite;
        if (err != null) {
            errorOnWrite = null;
            throw err;
        }
        if (failNextWriteHalfway) {
            failNextWriteHalfway = false;
            ByteBuffer half = src.duplicate();
            half.limit(src.position() + src.remaining() / 2);
            int n = d.write(half, position);
            src.position(src.position() + n);
            throw new IOException("No space left on device (simulated)");
        }
        return d.write(src, position);
    }

    @Override
    public void force(boolean metaData) throws IOException {
        forcesStarted.incrementAndGet();
        CountDownLatch gate = forceGate;
        if (gate != null) {
            try {
                if (!gate.await(30, TimeUnit.SECONDS)) {
                    throw new IOException("force gate was not opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        if (failForce) {
            throw new IOException("Input/output error (simulated fsync failure)");
        }
        d.force(metaData);
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
        if (readOnly) {
            throw new java.nio.channels.NonWritableChannelException();
        }
        if (failTruncate) {
            throw new IOException("truncate failed (simulated)");
        }
        d.truncate(size);
        return this;
    }

    @Override public int read(ByteBuffer dst) throws IOException { return d.read(dst); }
    @Override public long read(ByteBuffer[] dsts, int offset, int length) throws IOException { return d.read(dsts, offset, length); }
    @Override public int write(ByteBuffer src) throws IOException { return d.write(src); }
    @Override public long write(ByteBuffer[] srcs, int offset, int length) throws IOException { return d.write(srcs, offset, length); }
    @Override public long position() throws IOException { return d.position(); }
    @Override public FileChannel position(long newPosition) throws IOException { d.position(newPosition); return this; }
    @Override public long size() throws IOException { return d.size(); }
    @Override public long transferTo(long position, long count, WritableByteChannel target) throws IOException { return d.transferTo(position, count, target); }
    @Override public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException { return d.transferFrom(src, position, count); }
    @Override public int read(ByteBuffer dst, long position) throws IOException { return d.read(dst, position); }
    @Override public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException { return d.map(mode, position, size); }
    @Override public FileLock lock(long position, long size, boolean shared) throws IOException { return d.lock(position, size, shared); }
    @Override public FileLock tryLock(long position, long size, boolean shared) throws IOException { return d.tryLock(position, size, shared); }
    @Override protected void implCloseChannel() throws IOException { d.close(); }
}
