package dev.ect.servlet.internal;

import dev.ect.core.EctError;
import dev.ect.core.ReasonCode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The one place that turns a failure into an HTTP answer (profile T-04..T-07): status 403 or
 * 503 and an RFC 9457 {@code application/problem+json} body with {@code type}, {@code title},
 * {@code status}, {@code detail} and {@code ect_error}. The body is built only from the reason
 * code and the error's detail text, which never contains the token.
 */
public final class ProblemRenderer {
    /** Base of the {@code type} URI; the reason code is appended. */
    public static final String TYPE_BASE = "https://ect.dev/problems/";
    /** Content type of every rejection. */
    public static final String CONTENT_TYPE = "application/problem+json";
    /** The code of a failure inside verification that no dependency claimed (503). */
    public static final String VERIFICATION_UNAVAILABLE = "verification_unavailable";

    private ProblemRenderer() {}

    /** Renders a verification error (403 or 503 by its reason code). */
    public static void render(HttpServletResponse response, EctError error) throws IOException {
        ReasonCode r = error.reason();
        write(response, r.httpStatus(), r.code(), capitalize(r.description()), error.detail());
    }

    /** Renders the 503 for an unexpected exception inside verification; the detail stays generic. */
    public static void renderUnexpected(HttpServletResponse response) throws IOException {
        write(response, 503, VERIFICATION_UNAVAILABLE, "ECT verification could not be completed",
                "an unexpected failure occurred while verifying the Execution-Context; try again later");
    }

    /** The JSON body alone (for tests and for renderers in other frameworks). */
    public static String body(int status, String code, String title, String detail) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"type\":");
        quote(b, TYPE_BASE + code);
        b.append(",\"title\":");
        quote(b, title);
        b.append(",\"status\":").append(status);
        b.append(",\"detail\":");
        quote(b, detail);
        b.append(",\"ect_error\":");
        quote(b, code);
        return b.append('}').toString();
    }

    private static void write(HttpServletResponse response, int status, String code, String title, String detail)
            throws IOException {
        if (response.isCommitted()) {
            return; // nothing sensible can be sent any more; the caller logs the failure
        }
        response.resetBuffer();
        byte[] bytes = body(status, code, title, detail).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(CONTENT_TYPE);
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        OutputStream out;
        try {
            out = response.getOutputStream();
        } catch (IllegalStateException writerInUse) {
            // an earlier filter already took the writer; the body is ASCII, so it is the same text
            response.getWriter().write(new String(bytes, StandardCharsets.UTF_8));
            response.getWriter().flush();
            return;
        }
        out.write(bytes);
        out.flush();
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** Appends {@code s} as a JSON string literal (RFC 8259 escaping, non-ASCII as \\u escapes). */
    static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
