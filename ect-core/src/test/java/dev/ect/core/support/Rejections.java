package dev.ect.core.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ect.core.EctException;
import dev.ect.core.EctRejectedException;
import dev.ect.core.EctUnavailableException;
import dev.ect.core.ReasonCode;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Assertions on the reason code of a rejection. */
public final class Rejections {
    private Rejections() {}

    /** Runs the call and returns the reason of the {@link EctException} it must throw. */
    public static ReasonCode reasonOf(ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        assertThat(t).as("expected an EctException").isInstanceOf(EctException.class);
        EctException e = (EctException) t;
        if (e.reason().isInfrastructure()) {
            assertThat(e).isInstanceOf(EctUnavailableException.class);
            assertThat(e.httpStatus()).isEqualTo(503);
        } else {
            assertThat(e).isInstanceOf(EctRejectedException.class);
            assertThat(e.httpStatus()).isEqualTo(403);
        }
        return e.reason();
    }

    /** Asserts the call is rejected with exactly this reason code. */
    public static EctException assertRejected(ThrowingCallable call, ReasonCode expected) {
        Throwable t = catchThrowable(call);
        assertThat(t).as("expected rejection with " + expected).isInstanceOf(EctException.class);
        EctException e = (EctException) t;
        assertThat(e.reason()).as(e.getMessage()).isEqualTo(expected);
        assertThat(e.httpStatus()).isEqualTo(expected.httpStatus());
        return e;
    }
}
