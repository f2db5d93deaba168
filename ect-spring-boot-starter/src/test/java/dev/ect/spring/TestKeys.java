package dev.ect.spring;

import dev.ect.core.Ect;
import dev.ect.core.EctSigner;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Keys and key files of a test: the caller (a trusted issuer of inbound ECTs), the service itself
 * (signs its outbound and response ECTs), and a downstream agent.
 */
public final class TestKeys {
    public static final String CALLER = "spiffe://test.example/caller";
    public static final String SERVICE = "spiffe://test.example/service";
    public static final String DOWNSTREAM = "spiffe://test.example/downstream";

    public final EctKeyPair caller = EctKeys.generate("caller-1");
    public final EctKeyPair service = EctKeys.generate("service-1");
    public final EctKeyPair downstream = EctKeys.generate("downstream-1");
    public final Path dir;
    public final Path callerJwks;
    public final Path serviceJwks;
    public final Path serviceKey;
    public final Path downstreamJwks;
    public final Path downstreamKey;

    public TestKeys(Path dir) {
        this.dir = dir;
        try {
            callerJwks = Files.writeString(dir.resolve("caller.jwks"), caller.publicJwks());
            serviceJwks = Files.writeString(dir.resolve("service.jwks"), service.publicJwks());
            serviceKey = Files.writeString(dir.resolve("service.jwk"), service.privateJwk());
            downstreamJwks = Files.writeString(dir.resolve("downstream.jwks"), downstream.publicJwks());
            downstreamKey = Files.writeString(dir.resolve("downstream.jwk"), downstream.privateJwk());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code ect.trust} entry for the caller. */
    public String callerTrust() { return CALLER + "=" + callerJwks; }

    /** A fresh root ECT from the caller to the service. */
    public String callerToken(String execAct) {
        return EctSigner.builder(caller).build().sign(Ect.builder().iss(CALLER).aud(SERVICE).execAct(execAct).pred(List.of()).build());
    }

    /** A root ECT signed by a key nobody trusts, claiming to be the caller. */
    public String untrustedToken() {
        return EctSigner.builder(EctKeys.generate("caller-1")).build()
                .sign(Ect.builder().iss(CALLER).aud(SERVICE).execAct("x").pred(List.of()).build());
    }
}
