package dev.ect.okhttp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ect.core.EctHashes;
import java.io.IOException;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;
import org.junit.jupiter.api.Test;

/** The {@code inp_hash} of an OkHttp body ({@code inpHashFromBody()}). */
class BodyHashesTest {
    @Test
    void bodyHashesUseTheC09Form() throws IOException {
        // C-09: base64url SHA-256 without padding; the profile's example value for "test"
        assertThat(BodyHashes.sha256(RequestBody.create("test", MediaType.get("text/plain"))))
                .isEqualTo("n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg");
        assertThat(BodyHashes.sha256((RequestBody) null)).isEqualTo(EctHashes.sha256(new byte[0]));
        RequestBody oneShot = new RequestBody() {
            @Override
            public MediaType contentType() { return null; }

            @Override
            public void writeTo(BufferedSink sink) throws IOException { sink.writeUtf8("x"); }

            @Override
            public boolean isOneShot() { return true; }
        };
        assertThatThrownBy(() -> BodyHashes.sha256(oneShot)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one-shot");
    }
}
