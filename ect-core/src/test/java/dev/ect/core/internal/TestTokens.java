package dev.ect.core.internal;

import dev.ect.core.Ect;
import dev.ect.core.SignedEct;

/**
 * Test-only tokens the library's signer would not make (in ect-core's test-jar): an unsigned,
 * L1-form token whose ECT is decoded from it by the library's codec, as a ledger would decode it.
 */
public final class TestTokens {
    private TestTokens() {}

    /**
     * The unsigned (L1) token of {@code draft}'s claims: base64url of their JSON. The ECT is the one
     * the codec decodes from it (header values null), so the pair is consistent as every
     * {@link SignedEct} is.
     */
    public static SignedEct unsigned(Ect draft) {
        String compact = Json.b64(EctCodec.claimsUtf8(draft));
        return EctFactory.signed(EctCodec.decodeStored(compact, null), compact);
    }
}
