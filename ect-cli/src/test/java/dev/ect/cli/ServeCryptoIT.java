package dev.ect.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ect.core.Ect;
import dev.ect.core.EctSigner;
import dev.ect.core.keys.EctKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ect serve --crypto auto|jdk|accp} from the real jar: ACCP inside ect.jar, loaded, named at start-up; the JDK fallback. */
class ServeCryptoIT {
    static final String A = "spiffe://example.com/agent/a";
    static final String B = "spiffe://example.com/agent/b";
    /** Makes ACCP skip its bundled native library, as on a platform it was not built for. */
    static final String NO_NATIVE = "-Dcom.amazon.corretto.crypto.provider.useExternalLib=true";

    @TempDir
    Path dir;

    static boolean linuxX64() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    @BeforeEach
    void keys() {
        assertThat(JarProcess.run(dir, "keygen", "--kid", "a-1", "--private", "a.jwk", "--public", "a.jwks").code()).isZero();
    }

    String crypto(ServeProcess s) {
        return s.log.stream().filter(l -> l.contains("crypto provider:")).findFirst().orElseThrow();
    }

    void acceptsAToken(ServeProcess s) throws Exception {
        EctSigner signer = EctSigner.builder(EctKeys.fromPrivateJwk(Files.readString(dir.resolve("a.jwk")))).build();
        assertThat(s.get("/x", signer.sign(Ect.builder().iss(A).aud(B).execAct("step").build())).statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("ect.jar holds ACCP's x86_64 native library, and serve uses it by default on linux x86_64 (one start-up line)")
    void autoIsAccpOnLinuxX64() throws Exception {
        try (JarFile jar = new JarFile(JarProcess.jar().toFile())) {
            var so = jar.getJarEntry("com/amazon/corretto/crypto/provider/libamazonCorrettoCryptoProvider.so");
            assertThat(so).as("ACCP's native library in ect.jar").isNotNull();
            assertThat(so.getSize()).isGreaterThan(1_000_000);
        }
        assumeTrue(linuxX64(), "ACCP's native library in ect.jar is for linux x86_64");
        try (ServeProcess s = ServeProcess.start(dir, "--id", B, "--trust", A + "=a.jwks")) {
            assertThat(s.log.stream().filter(l -> l.contains("crypto provider:")).count()).isEqualTo(1);
            assertThat(crypto(s)).contains("crypto provider: AmazonCorrettoCryptoProvider 2.", "(native, Linux", "(--crypto auto)");
            acceptsAToken(s);
        }
        try (ServeProcess s = ServeProcess.start(dir, "--id", B, "--trust", A + "=a.jwks", "--crypto", "accp")) {
            assertThat(crypto(s)).contains("crypto provider: AmazonCorrettoCryptoProvider", "(--crypto accp)");
            acceptsAToken(s);
        }
    }

    @Test
    @DisplayName("--crypto jdk uses the JDK's providers")
    void jdkWhenAsked() throws Exception {
        try (ServeProcess s = ServeProcess.start(dir, "--id", B, "--trust", A + "=a.jwks", "--crypto", "jdk")) {
            assertThat(crypto(s)).contains("crypto provider: jdk (the JDK's providers, as asked) (--crypto jdk)");
            acceptsAToken(s);
        }
    }

    @Test
    @DisplayName("without ACCP's native library: auto falls back to the JDK and says so; --crypto accp refuses to start")
    void fallsBackWithoutTheNativeLibrary() throws Exception {
        try (ServeProcess s = start(NO_NATIVE, "--id", B, "--trust", A + "=a.jwks")) {
            assertThat(crypto(s)).contains("crypto provider: jdk (ACCP did not load on ", "(--crypto auto)");
            acceptsAToken(s);
        }
        Process p = new ProcessBuilder(command(NO_NATIVE, "serve", "--port", "0", "--id", B, "--trust", A + "=a.jwks", "--crypto", "accp"))
                .directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(2);
        assertThat(out).contains("option --crypto=accp: the Amazon Corretto Crypto Provider did not load");
        CliRun bad = JarProcess.run(dir, "serve", "--port", "0", "--id", B, "--trust", A + "=a.jwks", "--crypto", "fast");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("option --crypto=fast is invalid: expected auto, jdk or accp");
    }

    static List<String> command(String jvmOption, String... args) {
        List<String> cmd = new ArrayList<>(JarProcess.command(args));
        cmd.add(1, jvmOption);
        return cmd;
    }

    ServeProcess start(String jvmOption, String... args) throws Exception {
        List<String> a = new ArrayList<>(List.of("serve", "--port", "0"));
        a.addAll(List.of(args));
        return ServeProcess.start(dir, command(jvmOption, a.toArray(String[]::new)));
    }
}
