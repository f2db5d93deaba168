package dev.ect.okhttp.internal;

import dev.ect.core.EctHashes;
import java.io.IOException;
import okhttp3.RequestBody;
import okio.Buffer;

/**
 * The C-09 hash form (base64url SHA-256, 43 characters, no padding, no prefix) of an OkHttp request
 * body: the {@code inp_hash} of {@link dev.ect.core.client.EctRequestOptions.Builder#inpHashFromBody()},
 * computed at each attempt ({@link OkRequest#bodyHash()}). An application hashes bytes itself with
 * {@link EctHashes#sha256(byte[])}.
 */
final class BodyHashes {
    private BodyHashes() {}

    /**
     * The C-09 hash of the bytes {@code body} writes (the exact bytes sent on the wire, before
     * any transport encoding). Null hashes zero bytes.
     *
     * @throws IllegalArgumentException for a one-shot or duplex body, which cannot be read twice
     * @throws IOException when writing the body fails
     */
    static String sha256(RequestBody body) throws IOException {
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
}
