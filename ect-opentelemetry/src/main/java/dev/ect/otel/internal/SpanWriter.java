package dev.ect.otel.internal;

import dev.ect.core.Ect;
import dev.ect.core.EctException;
import dev.ect.otel.EctSpanAttributes;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;

/** Writes an ECT's claims, or a refusal's reason code, to the current span. */
final class SpanWriter {
    private SpanWriter() {}

    static void write(Ect ect, String role) {
        Span span = Span.current();
        if (!span.isRecording()) {
            return;
        }
        span.setAttribute(EctSpanAttributes.ROLE, role);
        span.setAttribute(EctSpanAttributes.JTI, ect.jti());
        span.setAttribute(EctSpanAttributes.ISS, ect.iss());
        if (ect.wid() != null) {
            span.setAttribute(EctSpanAttributes.WID, ect.wid());
        }
        if (ect.execAct() != null) {
            span.setAttribute(EctSpanAttributes.EXEC_ACT, ect.execAct());
        }
        span.setAttribute(EctSpanAttributes.PRED, ect.pred());
    }

    static void rejected(EctException e) {
        Span span = Span.current();
        if (!span.isRecording()) {
            return;
        }
        String reason = e.reason().code();
        span.setAttribute(EctSpanAttributes.REASON, reason);
        span.addEvent(EctSpanAttributes.REJECTED_EVENT, Attributes.of(EctSpanAttributes.REASON, reason));
    }
}
