package dev.ect.servlet.internal;

import dev.ect.core.Ect;
import dev.ect.core.EctSigner;
import dev.ect.core.EctText;
import dev.ect.core.SignedEct;
import dev.ect.core.context.TaskContext;
import dev.ect.core.ledger.AuditLedger;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mints the response ECT of one request (profile T-08, F-04), at most once, at the moment the
 * response is about to be committed: {@code iss} = this server, {@code aud} = the caller's
 * {@code iss}, {@code wid} and {@code pred} = the task context's workflow and frontier at that
 * moment, {@code exec_act} = what the handler set on the context or the resolver's default,
 * {@code out_hash}/{@code ect_ext} when the handler set them.
 *
 * <p>Given a ledger (only when the config's {@code recordResponseEcts} is on: by default the
 * caller records the answer it verifies), the minted ECT is appended to it before the header is
 * set, so the caller's next ECT (whose {@code pred} names this response, F-03) resolves in this
 * server's DAG. If minting or the append fails, no header is sent (the caller then falls back to
 * its own request's task, F-03) and a warning is logged: the response itself is never failed for it.
 */
public final class ResponseEctMinter {
    private static final Logger LOG = LoggerFactory.getLogger("dev.ect.servlet.EctFilter");

    private final EctSigner signer;
    private final String issuer;
    private final Ect inbound;
    private final TaskContext context;
    private final String defaultExecAct;
    private final AuditLedger ledger;
    private final String header;
    private boolean done;
    private SignedEct minted;

    public ResponseEctMinter(EctSigner signer, String issuer, Ect inbound, TaskContext context, String defaultExecAct,
            AuditLedger ledger, String header) {
        this.signer = signer;
        this.issuer = issuer;
        this.inbound = inbound;
        this.context = context;
        this.defaultExecAct = defaultExecAct;
        this.ledger = ledger;
        this.header = header;
    }

    /** True once minting was done or given up. */
    public synchronized boolean isDone() { return done; }

    /** The response ECT that was sent, or null. */
    public synchronized SignedEct minted() { return minted; }

    /** Mints and sets the header on {@code response} unless already done; never throws. */
    public synchronized void mint(HttpServletResponse response) {
        if (done) {
            return;
        }
        done = true;
        if (response.isCommitted()) {
            // e.g. a forward whose target wrote nothing (the container completes it), or a write
            // that bypassed the filter's response wrapper
            LOG.debug("response ECT not sent: the response to jti={} was committed before the filter could add it",
                    inbound.jti());
            return;
        }
        SignedEct s;
        try {
            String act = context.execAct() != null ? context.execAct() : defaultExecAct;
            if (act == null || act.isEmpty()) {
                act = "request";
            }
            act = EctText.execAct(act); // C-07: 256 code points, never a lone surrogate at the cut
            Ect.Builder draft = Ect.builder().iss(issuer).aud(inbound.iss()).wid(context.wid())
                    .pred(context.frontier()).execAct(act).outHash(context.outHash());
            if (context.ext() != null) {
                draft.ext(context.ext());
            }
            s = signer.mint(draft.build());
        } catch (RuntimeException e) {
            LOG.warn("response ECT not sent: minting for the request with jti={} failed: {}", inbound.jti(), e.getMessage());
            return;
        }
        if (ledger != null) {
            try {
                ledger.append(s); // the minted token as it is: not decoded again
            } catch (RuntimeException e) {
                LOG.warn("response ECT not sent: recording jti={} (answer to jti={}) in the ledger failed: {}",
                        s.ect().jti(), inbound.jti(), e.getMessage());
                return;
            }
        }
        response.setHeader(header, s.compact());
        minted = s;
        LOG.debug("response ECT jti={} aud={} pred={} exec_act={}", s.ect().jti(), inbound.iss(), s.ect().pred(), s.ect().execAct());
    }

    /** After a {@code reset()} cleared the headers: sets the header again if one was minted. */
    public synchronized void reapply(HttpServletResponse response) {
        if (minted != null && !response.isCommitted()) {
            response.setHeader(header, minted.compact());
        }
    }
}
