package dev.ect.hardening.support;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Minimal in-memory stand-ins for the servlet request, response and chain, so the filter's header
 * handling can be fuzzed at thousands of inputs per second (the HTTP suite covers the real
 * container). Header names are matched case-insensitively, as containers do; every header field
 * is kept (a repeated name yields several values).
 */
public final class ServletStandIns {
    private ServletStandIns() {}

    /** A GET request to {@code path} with these header fields, in order. */
    public static HttpServletRequest request(String path, List<Map.Entry<String, String>> fields) {
        Map<String, Object> attributes = new HashMap<>();
        return (HttpServletRequest) Proxy.newProxyInstance(ServletStandIns.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getHeaders" -> Collections.enumeration(values(fields, (String) args[0]));
                    case "getHeader" -> values(fields, (String) args[0]).stream().findFirst().orElse(null);
                    case "getHeaderNames" -> Collections.enumeration(fields.stream().map(Map.Entry::getKey).distinct().toList());
                    case "getMethod" -> "GET";
                    case "getServletPath" -> path;
                    case "getRequestURI" -> path;
                    case "getPathInfo", "getQueryString", "getContextPath" -> m.getName().equals("getContextPath") ? "" : null;
                    case "getDispatcherType" -> DispatcherType.REQUEST;
                    case "getAttribute" -> attributes.get((String) args[0]);
                    case "setAttribute" -> attributes.put((String) args[0], args[1]);
                    case "removeAttribute" -> attributes.remove((String) args[0]);
                    case "getAttributeNames" -> Collections.enumeration(new ArrayList<>(attributes.keySet()));
                    case "isAsyncStarted", "isAsyncSupported" -> false;
                    case "toString" -> "StandInRequest" + fields.size();
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> defaultValue(m.getReturnType());
                });
    }

    private static List<String> values(List<Map.Entry<String, String>> fields, String name) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> f : fields) {
            if (f.getKey().equalsIgnoreCase(name)) {
                out.add(f.getValue());
            }
        }
        return out;
    }

    private static Object defaultValue(Class<?> t) {
        if (t == boolean.class) {
            return false;
        }
        if (t == int.class || t == long.class || t == short.class || t == byte.class) {
            return t == long.class ? (Object) 0L : (Object) 0;
        }
        return null;
    }

    /** What the filter wrote. */
    public static final class Recorded {
        public int status = 200;
        public final Map<String, String> headers = new LinkedHashMap<>();
        public final ByteArrayOutputStream body = new ByteArrayOutputStream();

        public String body() { return body.toString(StandardCharsets.UTF_8); }

        public String header(String name) { return headers.get(name.toLowerCase(Locale.ROOT)); }
    }

    /** A response that records status, headers and body. */
    public static HttpServletResponse response(Recorded rec) {
        ServletOutputStream out = new ServletOutputStream() {
            @Override
            public boolean isReady() { return true; }

            @Override
            public void setWriteListener(WriteListener l) {}

            @Override
            public void write(int b) { rec.body.write(b); }
        };
        PrintWriter writer = new PrintWriter(rec.body, true, StandardCharsets.UTF_8);
        return (HttpServletResponse) Proxy.newProxyInstance(ServletStandIns.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, m, args) -> {
                    switch (m.getName()) {
                        case "setStatus" -> rec.status = (Integer) args[0];
                        case "getStatus" -> {
                            return rec.status;
                        }
                        case "setContentType" -> rec.headers.put("content-type", (String) args[0]);
                        case "setHeader", "addHeader" -> rec.headers.put(((String) args[0]).toLowerCase(Locale.ROOT), (String) args[1]);
                        case "getOutputStream" -> {
                            return out;
                        }
                        case "getWriter" -> {
                            return writer;
                        }
                        case "isCommitted" -> {
                            return false;
                        }
                        case "resetBuffer", "reset" -> rec.body.reset();
                        case "hashCode" -> {
                            return System.identityHashCode(proxy);
                        }
                        case "equals" -> {
                            return proxy == args[0];
                        }
                        case "toString" -> {
                            return "StandInResponse";
                        }
                        default -> {
                            return defaultValue(m.getReturnType());
                        }
                    }
                    return defaultValue(m.getReturnType());
                });
    }

    /** A chain that counts how often the protected resource was reached. */
    public static final class CountingChain implements FilterChain {
        public int calls;

        @Override
        public void doFilter(jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse res) { calls++; }
    }
}
