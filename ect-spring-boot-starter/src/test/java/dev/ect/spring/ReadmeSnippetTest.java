package dev.ect.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ect.core.Ect;
import dev.ect.core.EctSigner;
import dev.ect.core.config.EctOption;
import dev.ect.core.keys.EctKeyPair;
import dev.ect.core.keys.EctKeys;
import dev.ect.spring.readme.OrdersApplication;
import java.io.StringReader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** The README's quick start, as written: its properties, its application class, its three curl answers. */
class ReadmeSnippetTest {
    static final Path README = Path.of("README.md");

    @TempDir
    Path dir;

    @Test
    @DisplayName("T-07, P-02: the README's properties and application: 403 missing_ect, 200 with the task, 403 replay")
    void quickStartAsWritten() throws Exception {
        String readme = Files.readString(README);
        String java = block(readme, "readme-application", "java");
        String source = Files.readString(Path.of("src/test/java/dev/ect/spring/readme/OrdersApplication.java"));
        assertThat(squash(source)).as("the README's application is OrdersApplication").contains(squash(java));

        // the keys of the README's `ect keygen` lines
        Path keys = Files.createDirectories(dir.resolve("keys"));
        EctKeyPair orders = EctKeys.generate("orders-1");
        EctKeyPair caller = EctKeys.generate("caller-1");
        Files.writeString(keys.resolve("orders.jwk"), orders.privateJwk());
        Files.writeString(keys.resolve("orders.jwks"), orders.publicJwks());
        Files.writeString(keys.resolve("caller.jwk"), caller.privateJwk());
        Files.writeString(keys.resolve("caller.jwks"), caller.publicJwks());

        Properties p = new Properties();
        p.load(new StringReader(block(readme, "readme-properties", "properties")));
        Map<String, Object> props = new LinkedHashMap<>();
        p.forEach((k, v) -> props.put((String) k, ((String) v).replace("keys/", keys + "/"))); // the app's working directory
        props.put("server.port", "0");
        try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(OrdersApplication.class).properties(props).run()) {
            int port = ((WebServerApplicationContext) ctx).getWebServer().getPort();
            HttpResponse<String> none = Http.get(port, "/orders", null);
            assertThat(none.statusCode()).isEqualTo(403);
            assertThat(Http.ectError(none.body())).isEqualTo("missing_ect");

            String token = EctSigner.builder(caller).build().sign(Ect.builder().iss("spiffe://example.com/caller")
                    .aud("spiffe://example.com/orders").execAct("list_orders").pred(List.of()).build());
            HttpResponse<String> ok = Http.get(port, "/orders", token);
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).isEqualTo("orders for spiffe://example.com/caller, task " + Tokens.claim(token, "jti"));
            assertThat(ok.headers().firstValue("Execution-Context")).isPresent();

            HttpResponse<String> again = Http.get(port, "/orders", token);
            assertThat(again.statusCode()).isEqualTo(403);
            assertThat(Http.ectError(again.body())).isEqualTo("replay");
        }
    }

    @Test
    @DisplayName("section 9: the README's options table lists every EctOption with its environment variable and default")
    void optionsTableListsEveryOption() throws Exception {
        String readme = Files.readString(README);
        String table = readme.substring(readme.indexOf("<!-- options-table -->"));
        table = table.substring(0, table.indexOf("\n\n", table.indexOf("|---")));
        for (EctOption o : EctOption.values()) {
            Matcher m = Pattern.compile("\\| `" + Pattern.quote(o.property()) + "` \\| `" + Pattern.quote(o.env()) + "` \\| ([^|]*) \\|")
                    .matcher(table);
            assertThat(m.find()).as(o.property()).isTrue();
            if (o.defaultValue().isPresent() && o != EctOption.LOG_LEVEL) {
                assertThat(m.group(1)).as(o.property()).contains(o.defaultValue().get());
            }
        }
        assertThat(table.lines().filter(l -> l.startsWith("| `ect.")).count()).isEqualTo(EctOption.values().length);
    }

    @Test
    @DisplayName("the README's dependency is this module")
    void dependencyIsThisModule() throws Exception {
        String readme = Files.readString(README);
        assertThat(readme).contains("<artifactId>ect-spring-boot-starter</artifactId>");
        assertThat(Files.readString(Path.of("pom.xml"))).contains("<artifactId>ect-spring-boot-starter</artifactId>");
    }

    /** The fenced block of {@code lang} after the marker comment. */
    static String block(String text, String marker, String lang) {
        int at = text.indexOf("<!-- " + marker + " -->");
        assertThat(at).as(marker).isNotNegative();
        int start = text.indexOf("```" + lang + "\n", at) + lang.length() + 4;
        return text.substring(start, text.indexOf("\n```", start) + 1);
    }

    private static String squash(String s) { return s.replaceAll("\\s+", " ").trim(); }
}
