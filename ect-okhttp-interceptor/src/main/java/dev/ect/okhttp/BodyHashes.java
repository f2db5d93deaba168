package dev.ect.okhttp;

import dev.ect.core.EctHashes;
import java.io.IOException;
import java.util.Objects;
import okhttp3.RequestBody;
import okio.Buffer;

/**
 * The C-09 hash form (base64url SHA-256, 43 characters, no padding, no prefix) of request bodies,
 * for {@code inp_hash} / {@code out_hash} (see {@link dev.ect.core.client.EctRequestOptions}).
 */
public final class BodyHashes {
    private BodyHashes() {}

    /**
     * The C-09 hash of the bytes {@code body} writes (the exact bytes sent on the wire, before
     * any transport encoding). Null hashes zero bytes.
     *
     * @throws IllegalArgumentException for a one-shot or duplex body, which cannot be read twice
     * @throws IOException when writing the body fails
     */
    public static String sha256(RequestBody body) throws IOException {
        if (body == null) {
            return EctHashes.sha256(new byte[0]);
        }
        if (body.isOneShot() || body.isDuplex()) {
            throw new IllegalArgumentException("a one-shot or duplex request body cannot be hashed before it is sent");
        }
        Buffer buffer = new Buffer();
        body.writeTo(buffer);
        return EctHashes.sha256(buffer.readByteArray());
    }

    /** The C-09 hash of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        return EctHashes.sha256(Objects.requireNonNull(bytes, "bytes cannot be null"));
    }
}
