package dev.ect.otel;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * The span attributes this module writes, named like OpenTelemetry's semantic conventions (a
 * namespace, then the profile's own claim names): a trace backend query on {@code ect.jti} finds the
 * span of a task, and the ledger entry with that {@code jti} finds its place in the workflow's DAG.
 *
 * <p>Values come only from an ECT that was <b>accepted</b> (signature, claims and DAG checked, profile
 * §4) or that this process itself <b>minted</b>; a rejected token adds only its reason code, never a
 * value the sender chose (T-12).
 */
public final class EctSpanAttributes {
    private EctSpanAttributes() {}

    /** The task id, the ECT's {@code jti}. */
    public static final AttributeKey<String> JTI = AttributeKey.stringKey("ect.jti");
    /** The workflow id, the ECT's {@code wid}, when it has one. */
    public static final AttributeKey<String> WID = AttributeKey.stringKey("ect.wid");
    /** The issuing agent's workload id, the ECT's {@code iss}. */
    public static final AttributeKey<String> ISS = AttributeKey.stringKey("ect.iss");
    /** The action the task performs, the ECT's {@code exec_act}. */
    public static final AttributeKey<String> EXEC_ACT = AttributeKey.stringKey("ect.exec_act");
    /** The task ids this one depends on, the ECT's {@code pred} (empty for a root task). */
    public static final AttributeKey<List<String>> PRED = AttributeKey.stringArrayKey("ect.pred");
    /** {@code verified} on a server span (an inbound ECT accepted), {@code minted} on a client span. */
    public static final AttributeKey<String> ROLE = AttributeKey.stringKey("ect.role");
    /**
     * On a server span whose inbound ECT was refused: its reason code ({@code replay},
     * {@code invalid_signature}, ... profile §7); also the attribute of the span event
     * {@value #REJECTED_EVENT}.
     */
    public static final AttributeKey<String> REASON = AttributeKey.stringKey("ect.reason");
    /** The name of the span event added when an inbound ECT is refused. */
    public static final String REJECTED_EVENT = "ect.rejected";
}
