package dev.ect.hardening.http;

import dev.ect.hardening.support.Canary;
import dev.ect.hardening.support.HostileServer;

/**
 * One row of the hostile-input table: a named malicious or malformed request, its category, and
 * what the server must answer.
 *
 * @param category the row's category (counted per category in SECURITY.md)
 * @param name a unique, descriptive name
 * @param status the expected HTTP status (403/503 from the filter, 400/431 from the container,
 *     200 only for the legitimate boundary rows, e.g. "exactly 100 predecessors")
 * @param ectError the expected {@code ect_error} of the problem+json body, or null when the
 *     container answered before the filter ran (or for a 200)
 * @param request builds the raw request bytes (may set up state: predecessors, earlier
 *     presentations, the clock)
 */
public record HostileCase(Category category, String name, int status, String ectError, Request request) {
    /** The categories of the table (the first column of SECURITY.md's table). */
    public enum Category {
        ENCODING("encoding"),
        JSON("json"),
        JOSE("jose"),
        CLAIMS("claims"),
        TIME("time"),
        DAG("dag"),
        REPLAY("replay"),
        BOUNDS("bounds");

        private final String label;

        Category(String label) { this.label = label; }

        public String label() { return label; }
    }

    /** Builds the request against a running server. */
    @FunctionalInterface
    public interface Request {
        byte[] build(HostileServer server, Canary canary) throws Exception;
    }

    /** True for a row that the server must accept (a legitimate value exactly at a limit). */
    public boolean expectsAccept() { return status == 200; }

    @Override
    public String toString() { return category.label() + ": " + name; }
}
