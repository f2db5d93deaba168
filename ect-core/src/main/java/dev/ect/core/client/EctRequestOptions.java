package dev.ect.core.client;

import dev.ect.core.EctHashes;
import dev.ect.core.EctText;
import dev.ect.core.internal.SetOnce;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Per-request control of the ECT minted for one call, for every HTTP client integration: OkHttp
 * takes it as a typed request tag, the JDK {@code HttpClient} integration as an argument of its
 * {@code send}/{@code sendAsync} overloads.
 *
 * <pre>{@code
 * EctRequestOptions opts = EctRequestOptions.builder()
 *     .execAct("summarize")
 *     .inpHash(EctHashes.sha256(bodyBytes))
 *     .build();
 * Request r = new Request.Builder().url(url).post(body).tag(EctRequestOptions.class, opts).build(); // OkHttp
 * client.send(request, BodyHandlers.ofString(), opts);                                            // java.net.http
 * // or: this call without an ECT
 * EctRequestOptions.none();
 * }</pre>
 *
 * <p>Every option left unset keeps the integration's default: {@code exec_act} from its
 * exec_act resolver, {@code pred} and {@code wid} from the task context captured when the call
 * was created (M-04, M-05, F-02), {@code aud} from the {@link AudienceResolver} of the host
 * actually called (M-06). The options apply to every attempt of the call (retries and redirect
 * hops); each attempt still gets its own {@code jti} (M-01). An explicit {@code aud} is used for
 * every hop, including redirects to other hosts.
 *
 * <p>Immutable and thread-safe.
 */
public final class EctRequestOptions {
    private static final EctRequestOptions NONE = new EctRequestOptions(new Builder(), true);
    private static final EctRequestOptions DEFAULTS = new EctRequestOptions(new Builder(), false);

    private final boolean disabled;
    private final String execAct;
    private final List<String> pred;
    private final String wid;
    private final List<String> aud;
    private final String inpHash;
    private final boolean inpHashFromBody;
    private final String outHash;
    private final Map<String, Object> ext;

    private EctRequestOptions(Builder b, boolean disabled) {
        this.disabled = disabled;
        this.execAct = b.execAct;
        this.pred = b.pred == null ? null : List.copyOf(b.pred);
        this.wid = b.wid;
        this.aud = b.aud == null ? null : List.copyOf(b.aud);
        this.inpHash = b.inpHash;
        this.inpHashFromBody = b.inpHashFromBody;
        this.outHash = b.outHash;
        this.ext = b.ext;
    }

    /** Send this request without an ECT (an existing {@code Execution-Context} header is left as it is). */
    public static EctRequestOptions none() { return NONE; }

    /** No override: every option is the integration's default. */
    public static EctRequestOptions defaults() { return DEFAULTS; }

    /** A builder; every option left unset keeps the integration's default. */
    public static Builder builder() { return new Builder(); }

    /** True for {@link #none()}. */
    public boolean disabled() { return disabled; }
    /** The explicit {@code exec_act}, or null for the resolver's. */
    public String execAct() { return execAct; }
    /** The explicit {@code pred} (e.g. a fan-in), or null for the captured frontier. */
    public List<String> pred() { return pred; }
    /** The explicit {@code wid}, or null for the context's. */
    public String wid() { return wid; }
    /** The explicit {@code aud}, or null for the resolver's. */
    public List<String> aud() { return aud; }
    /** The explicit {@code inp_hash}, or null. */
    public String inpHash() { return inpHash; }
    /** True when {@code inp_hash} is computed from the request body at each attempt (not every integration can). */
    public boolean inpHashFromBody() { return inpHashFromBody; }
    /** The {@code out_hash}, or null. */
    public String outHash() { return outHash; }
    /** The {@code ect_ext} object (read-only), or null. */
    public Map<String, Object> ext() { return ext; }

    @Override
    public String toString() {
        if (disabled) {
            return "EctRequestOptions{none}";
        }
        return "EctRequestOptions{execAct=" + execAct + ", pred=" + pred + ", wid=" + wid + ", aud=" + aud
                + ", inpHash=" + inpHash + ", inpHashFromBody=" + inpHashFromBody + ", outHash=" + outHash
                + ", ext=" + (ext == null ? null : ext.keySet()) + "}";
    }

    /** Builder for {@link EctRequestOptions}; options fail fast and may be set once each. */
    public static final class Builder {
        private String execAct;
        private List<String> pred;
        private String wid;
        private List<String> aud;
        private String inpHash;
        private boolean inpHashFromBody;
        private String outHash;
        private Map<String, Object> ext;

        private Builder() {}

        /** The {@code exec_act} (C-07: non-empty, at most 256 characters). */
        public Builder execAct(String execAct) {
            Objects.requireNonNull(execAct, "execAct cannot be null");
            // C-07 counts characters (code points), as the verifier does: 256 emoji fit
            if (execAct.isEmpty() || execAct.codePointCount(0, execAct.length()) > EctText.MAX_EXEC_ACT) {
                throw new IllegalArgumentException("execAct must have 1.." + EctText.MAX_EXEC_ACT + " characters");
            }
            SetOnce.check(this.execAct != null, "execAct");
            this.execAct = execAct;
            return this;
        }

        /**
         * An explicit {@code pred} replacing the captured frontier (M-04 override), e.g. a fan-in
         * over tasks the application tracked itself. Empty makes the request a root task. When the
         * call is answered, these entries (not the frontier) are replaced by the answer (F-03).
         */
        public Builder pred(Collection<String> pred) {
            Objects.requireNonNull(pred, "pred cannot be null");
            SetOnce.check(this.pred != null, "pred");
            List<String> copy = new ArrayList<>(pred);
            copy.forEach(p -> Objects.requireNonNull(p, "pred element cannot be null"));
            this.pred = copy;
            return this;
        }

        /** Varargs form of {@link #pred(Collection)}. */
        public Builder pred(String... pred) { return pred(List.of(pred)); }

        /** An explicit workflow id (C-06, a UUID) instead of the context's (M-05). */
        public Builder wid(String wid) {
            Objects.requireNonNull(wid, "wid cannot be null");
            SetOnce.check(this.wid != null, "wid");
            this.wid = wid;
            return this;
        }

        /** An explicit audience for every attempt of this call, instead of the resolver's (M-06). */
        public Builder aud(String first, String... more) {
            SetOnce.check(this.aud != null, "aud");
            List<String> a = new ArrayList<>();
            a.add(Objects.requireNonNull(first, "aud cannot be null"));
            for (String m : more) {
                a.add(Objects.requireNonNull(m, "aud element cannot be null"));
            }
            this.aud = a;
            return this;
        }

        /** The {@code inp_hash} in C-09 form ({@link EctHashes#sha256(byte[])} of the body you send). */
        public Builder inpHash(String hash) {
            SetOnce.check(this.inpHash != null, "inpHash");
            if (inpHashFromBody) {
                throw new IllegalStateException("inpHash conflicts with inpHashFromBody");
            }
            this.inpHash = checkHash(hash, "inpHash");
            return this;
        }

        /**
         * Computes {@code inp_hash} from the request body at each attempt, where the integration can
         * read the body before sending it (OkHttp: a body that is not one-shot or duplex; a request
         * without a body gets the hash of zero bytes). Where it cannot (the JDK client's
         * {@code BodyPublisher}), the call fails with an {@link EctMintingException}: hash the bytes
         * yourself and use {@link #inpHash(String)}.
         */
        public Builder inpHashFromBody() {
            if (inpHash != null) {
                throw new IllegalStateException("inpHashFromBody conflicts with inpHash");
            }
            this.inpHashFromBody = true;
            return this;
        }

        /** The {@code out_hash} in C-09 form. */
        public Builder outHash(String hash) {
            SetOnce.check(this.outHash != null, "outHash");
            this.outHash = checkHash(hash, "outHash");
            return this;
        }

        /**
         * The {@code ect_ext} object (C-10: at most 4096 bytes serialized, depth at most 5; the
         * signer checks the limits and a violation fails the call with {@code invalid_ext}).
         */
        public Builder ext(Map<String, ?> ext) {
            Objects.requireNonNull(ext, "ext cannot be null");
            SetOnce.check(this.ext != null, "ext");
            // validated and frozen by Ect.Builder; keep a read-only copy of the top level here
            this.ext = Collections.unmodifiableMap(new LinkedHashMap<>(ext));
            return this;
        }

        /** The immutable options. */
        public EctRequestOptions build() { return new EctRequestOptions(this, false); }


        private static String checkHash(String hash, String name) {
            Objects.requireNonNull(hash, name + " cannot be null");
            if (!EctHashes.isValid(hash)) {
                throw new IllegalArgumentException(name + " must be base64url SHA-256 without padding or prefix (C-09)");
            }
            return hash;
        }
    }
}
