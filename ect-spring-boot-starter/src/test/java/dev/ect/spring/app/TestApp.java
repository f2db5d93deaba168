package dev.ect.spring.app;

import dev.ect.core.context.TaskContext;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/** The application under test: plain Spring MVC handlers, no ECT code except reading the task context. */
@SpringBootApplication
public class TestApp {

    @RestController
    public static class Api {
        private final RestClient client;

        public Api(RestClient.Builder builder) { this.client = builder.build(); }

        /** The task the filter made current, as the handler sees it. */
        @GetMapping("/hello")
        public Map<String, Object> hello() {
            Map<String, Object> m = new LinkedHashMap<>();
            TaskContext.current().ifPresentOrElse(ctx -> {
                m.put("wid", ctx.wid());
                m.put("jti", ctx.inbound() == null ? null : ctx.inbound().jti());
                m.put("frontier", ctx.frontier());
            }, () -> m.put("context", "none"));
            return m;
        }

        /** Calls {@code url} with the application's RestClient and returns the body. */
        @GetMapping("/call")
        public String call(@RequestParam("url") String url) {
            return client.get().uri(url).retrieve().body(String.class);
        }

        /** A handler that fails: Spring's error dispatch renders the 500. */
        @GetMapping("/boom")
        public String boom() { throw new IllegalStateException("boom"); }

        @GetMapping("/public/info")
        public String info() { return "public"; }
    }
}
